/* gonogo.h: the go/no-go verdict for the next cutoff phase. */
#ifndef KEYAUDIT_GONOGO_H
#define KEYAUDIT_GONOGO_H

#include <stdint.h>
#include <stdio.h>

#include "client.h"
#include "day.h"
#include "options.h"
#include "rules.h"
#include "store.h"

#define GN_MAXCLS (RULES_MAX_CLASSES + 1) /* the rules' classes, unknown */
#define GN_TOP	  20 /* clients kept of each list: the page's */
#define GN_MAXBO  16 /* --brownout replays */

/* One client with requests the phase would refuse in the window, as
 * the client pass (gn_scan_clients) has read it. */
struct gn_client {
	char *client;
	long long marginal;	  /* succeed today, the phase would refuse */
	long long already;	  /* the phase's kind, refused (434) already */
	long long total;	  /* all its requests in the window */
	long long cls[GN_MAXCLS]; /* its window requests per class */
	int64_t last;	/* its last request the phase newly refuses */
	int quiet_days; /* whole days since last, to the window's end */
	int state;	/* enum client_state, as of the as-of day */
	int active;	/* counted as breaking */
	char *agent;	/* its most frequent legacy user agent, or NULL */
	long long agent_n;
	char *owner; /* from --registry, or NULL */
	/* before the window, in the lookback */
	long long look; /* requests the phase would newly refuse */
	int64_t look_last;
	int *days; /* distinct day numbers of them, unordered */
	int ndays;
};

/* One row of the client pass, its numbers read. */
struct gn_row {
	long dn; /* day number */
	int cls; /* the rules' class (rules_nclasses(): unknown) */
	int amnesty, status;
	long long n;
	int64_t last; /* counts: its last request; hourly: the hour */
};

struct gn_day {
	char day[DAY_SIZE];
	long dnum; /* days since 1970-01-01 */
	long long total, legacy, amnesty, s434, marginal;
	int legacy_clients;   /* clients with a legacy request */
	int marginal_clients; /* clients the phase would newly break */
};

struct gn_mark {
	const char *name;
	const char *day;
};

/* A client with legacy use in the lookback but none in the window. */
struct gn_dormant {
	char *client;
	char *owner;	   /* from --registry, or NULL */
	int64_t look_last; /* its last request in the lookback */
	char last[DAY_SIZE];
	int period;	     /* median days between its days of use; 0: once */
	char next[DAY_SIZE]; /* last + period, or "" */
};

struct gn_hit {
	char *client;
	long long would; /* requests the phase would refuse in the slot */
	uint64_t hours;	 /* bit i: hour i of the slot had some */
	long long s434;	 /* refused (434) in the slot: a real brownout */
	int state;	 /* the client's, as of the as-of day */
};

struct gn_brownout {
	const char *spec;
	char day[DAY_SIZE]; /* the day replayed */
	int shifted;	    /* whole weeks back to the data */
	int from, to;	    /* minutes from day's start; to may pass 1440 */
	int nhours;
	struct gn_hit hits[GN_TOP]; /* would desc, s434 desc, client */
	int nkept;		    /* the first hits, at most GN_TOP */
	int nhits;		    /* clients in the slot */
	long long would, s434;
	int replayed; /* the database had hourly counts */
};

/* Least squares line over the days before the as-of day. */
struct gn_forecast {
	int ndays;
	char from[DAY_SIZE];
	double share_slope, share_now; /* percent per day, fitted today */
	double clients_slope, clients_now;
	char share_day[DAY_SIZE]; /* projected under --max-share, or "" */
	char
	    clients_day[DAY_SIZE]; /* projected at most --max-clients, or "" */
};

struct gn_tmp; /* gonogo_csv.c */

struct gonogo {
	const char *phase;
	char from[DAY_SIZE], to[DAY_SIZE]; /* the window, inclusive */
	char look_from[DAY_SIZE];	   /* the lookback's first day */
	char newest[DAY_SIZE];		   /* newest day of any request */
	int asof_default; /* to was chosen by the rule, not --as-of */
	/* the days the verdict stands on, look_from..to: */
	char first_kept[DAY_SIZE]; /* the first day kept by a prune, or "" */
	int npruned;		   /* days of them before it */
	int ngaps; /* days of them without data, from the history's
		      first day (or first_kept) on */
	char gap_first[DAY_SIZE]; /* the first of those, or "" */
	long long total;	  /* requests in the window */
	long long refused;	  /* marginal: succeed today */
	long long already;	  /* already refused (434) */
	int nalready;		  /* clients refused already, nothing more */
	int nrefused;		  /* clients in state refused */
	int migrated_days;	  /* the client model's N */
	double share;		  /* percent, marginal */
	int nactive, nmigrated, nquiet;
	long long cls[GN_MAXCLS]; /* window requests per class */
	const char *clsname[GN_MAXCLS];
	int ncls;
	int blind_none; /* none counts as blind: no credential seen */
	double blind;	/* percent */
	int verdict;	/* EXIT_OK, EXIT_PARTIAL (NO-GO), EXIT_BLIND */
	const struct config *cfg;
	/* clients with refused requests in the window (ncl): marginal
	 * desc, already desc, client; the first GN_TOP in memory, and
	 * with -o every one in a TEMP table (gonogo_csv.c) */
	struct gn_client top[GN_TOP];
	int ntop;
	int ncl;
	struct gn_tmp *tmp;  /* -o: the TEMP table's rows, or NULL */
	struct gn_day *days; /* the whole history, for the chart */
	int ndays;
	struct gn_mark marks[16]; /* phases with a planned day */
	int nmarks;
	struct gn_dormant dormant[GN_TOP]; /* look_last desc, client */
	int nkept_dormant;		   /* the first, at most GN_TOP */
	int ndormant;
	struct gn_brownout bo[GN_MAXBO];
	int nbo;
	struct gn_forecast fc;
};

/* Run the gonogo command; return an enum exit_code (0 GO, 1 NO-GO,
 * 6 CANNOT TELL, 2 usage, 3 failure). */
int gonogo_run(const struct config *cfg);

/* Write the review page for g to path.  Return 0, or -1 with err set. */
int gonogo_html(const struct gonogo *g, const char *path, char *err,
		size_t errlen);

/* ---- between gonogo*.c and page.c ---- */

/* Read the days of the whole history into g->days (ordered by day),
 * each with its total, and pick the as-of day.  Return 0, or -1 with
 * err set. */
int gn_scan_days(struct gonogo *g, struct store *st, char *err, size_t errlen);
/* Read the counts of the scan (from the day from to g->to), the
 * window's user agents and every brownout's hours in one pass in
 * client order, giving each client, once its rows are read, to
 * gn_client_done(), gn_dormant_add() and gn_hit_done(); and the rest of
 * the daily series (after gn_scan_days()): the scan's days from that
 * pass, the other days from their counts in day order.  Memory does not
 * grow with the clients.  Return 0, or -1 with err set. */
int gn_scan_clients(struct gonogo *g, struct store *st, struct ruleset *rs,
		    int phase, const char *from, char *err, size_t errlen);
/* A client of the pass is read: when it has refused requests, give it
 * its state (in c), count it, keep a copy when it is among the first
 * GN_TOP, and add its row to the TEMP table when g->tmp is set.  Return 0, or
 * -1 with err set once a row could not be written. */
int gn_client_done(struct gonogo *g, struct gn_client *c, char *err,
		   size_t errlen);
/* -o: make the TEMP table for every client with refused requests (the
 * CSV's rows, in the list's order when read).  Return 0, or -1 with err
 * set; free with gn_csv_free() either way. */
int gn_csv_start(struct gonogo *g, struct store *st, char *err, size_t errlen);
/* Add c's CSV row (c's state given).  Return 0, or -1 with err set once
 * a batch of rows could not be written. */
int gn_csv_add(struct gonogo *g, const struct gn_client *c, char *err,
	       size_t errlen);
/* Write the rows still waiting.  Return 0, or -1 with err set. */
int gn_csv_flush(struct gonogo *g, char *err, size_t errlen);
/* Write the CSV to path: its header, then every row of the TEMP table
 * in the list's order.  Return 0, or -1 with err set. */
int gn_csv_write(const struct gonogo *g, struct store *st, const char *path,
		 char *err, size_t errlen);
/* Free what gn_csv_start() made (nothing when it was not called). */
void gn_csv_free(struct gonogo *g);
/* Free what g holds of its clients, dormant ones and brownout hits. */
void gn_free_clients(struct gonogo *g);

/* Where item goes in v[0..n) (size bytes each, in cmp's order, at most
 * GN_TOP kept): its index, or -1 when it would not be kept. */
int gn_top_rank(const void *v, int n, size_t size, const void *item,
		int (*cmp)(const void *, const void *));
/* Make room at index i of v[0..*n) (at most GN_TOP), moving the rest
 * down; return the entry that falls off the end (to free), or NULL. */
void *gn_top_open(void *v, int *n, size_t size, int i, void *dropped);

/* Count c as dormant when it is (legacy use in the lookback, none in
 * the window, nothing modern since), keeping the first GN_TOP. */
void gn_dormant_add(struct gonogo *g, const struct gn_client *c);
/* Read every --brownout into g->bo; first is the earliest day the
 * client scan must start from (the lookback's, or a brownout's). */
void gn_brownout_plan(struct gonogo *g, char first[DAY_SIZE]);
/* Mark every brownout replayed when the database has hourly counts.
 * Return 0, or -1 with err set. */
int gn_brownout_hourly(struct gonogo *g, struct store *st, char *err,
		       size_t errlen);
/* Add one hourly row of the client the pass is reading to its hit h of
 * brownout b (h->client unset).  A row out of the slot is left out;
 * return 1 when the row makes the client a hit. */
int gn_hit_row(struct ruleset *rs, int phase, struct gn_brownout *b,
	       struct gn_hit *h, const struct gn_row *row);
/* The pass is done with client c, a hit h of brownout b: count it and
 * keep it among the first GN_TOP (its name copied). */
void gn_hit_done(struct gonogo *g, struct gn_brownout *b, struct gn_hit *h,
		 const struct gn_client *c);
/* Fit the forecast on the daily series. */
void gn_forecast(struct gonogo *g);

/* Is request class cls blind (shows no credential a rule could class)
 * in g's window? */
int gn_blind_class(const struct gonogo *g, int cls);

/* Write s into HTML: markup characters escaped, well-formed UTF-8 as
 * it is, anything else (controls, stray bytes) as U+FFFD. */
void page_esc(FILE *f, const char *s);
/* Write v with thousands separators (1,234,567). */
void page_num(FILE *f, long long v);
/* The page's charts (page_chart.c); nothing when there are no days. */
void page_chart_shares(FILE *f, const struct gonogo *g);
void page_chart_clients(FILE *f, const struct gonogo *g);

#endif
