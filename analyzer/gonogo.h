/* gonogo.h: the go/no-go verdict for the next cutoff phase. */
#ifndef KEYAUDIT_GONOGO_H
#define KEYAUDIT_GONOGO_H

#include <stdint.h>
#include <stdio.h>

#include "options.h"
#include "rules.h"
#include "store.h"

#define GN_MAXCLS (RULES_MAX_CLASSES + 1) /* the rules' classes, unknown */

enum gn_state {
	GN_ACTIVE,   /* refused requests within --min-quiet-days */
	GN_QUIET,    /* stopped, and nothing modern since */
	GN_MIGRATED, /* stopped, and modern requests since */
	GN_ALREADY   /* everything the phase refuses is refused (434) now */
};

/* One client with requests the phase would refuse in the window. */
struct gn_client {
	char *client;
	long long marginal;	  /* succeed today, the phase would refuse */
	long long already;	  /* the phase's kind, refused (434) already */
	long long total;	  /* all its requests in the window */
	long long cls[GN_MAXCLS]; /* its window requests per class */
	int64_t last;		  /* its last request the phase refuses */
	int64_t last_legacy;	  /* any legacy request, whole scan */
	int64_t last_modern;	  /* a request with a modern credential */
	int quiet_days; /* whole days since last, to the window's end */
	enum gn_state state;
	char *agent; /* its most frequent legacy user agent, or NULL */
	long long agent_n;
	char *owner; /* from --registry, or NULL */
	/* before the window, in the lookback */
	long long look; /* requests the phase would newly refuse */
	int64_t look_last;
	int *days; /* distinct day numbers of them, unordered */
	int ndays, capdays;
};

struct gn_day {
	char day[11];
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
	struct gn_client *c;
	char last[11];
	int period;    /* median days between its days of use; 0: once */
	char next[11]; /* last + period, or "" */
};

struct gn_hit {
	const struct gn_client *c; /* NULL when outside the scan */
	char *client;
	long long would; /* requests the phase would refuse in the slot */
	uint64_t hours;	 /* bit i: hour i of the slot had some */
	long long s434;	 /* refused (434) in the slot: a real brownout */
	int migrated;	 /* no legacy request since, modern ones */
};

struct gn_brownout {
	const char *spec;
	char day[11]; /* the day replayed */
	int shifted;  /* whole weeks back to the data */
	int from, to; /* minutes from day's start; to may pass 1440 */
	int nhours;
	struct gn_hit *hits; /* would desc, then s434 desc, then client */
	int nhits;
	long long would, s434;
	int replayed; /* the database had hourly counts */
};

/* Least squares line over the days before the as-of day. */
struct gn_forecast {
	int ndays;
	char from[11];
	double share_slope, share_now; /* percent per day, fitted today */
	double clients_slope, clients_now;
	char share_day[11];   /* projected under --max-share, or "" */
	char clients_day[11]; /* projected at most --max-clients, or "" */
};

struct gonogo {
	const char *phase;
	char from[11], to[11]; /* the window, inclusive */
	char look_from[11];    /* the lookback's first day */
	char newest[11];       /* newest day of any request */
	int asof_default;      /* to was chosen by the rule, not --as-of */
	long long total;       /* requests in the window */
	long long refused;     /* marginal: succeed today */
	long long already;     /* already refused (434) */
	int nalready;	       /* clients refused already, nothing more */
	double share;	       /* percent, marginal */
	int nactive, nmigrated, nquiet;
	long long cls[GN_MAXCLS]; /* window requests per class */
	const char *clsname[GN_MAXCLS];
	int ncls;
	int blind_none; /* none counts as blind: no credential seen */
	double blind;	/* percent */
	int verdict;	/* EXIT_OK, EXIT_PARTIAL (NO-GO), EXIT_BLIND */
	const struct config *cfg;
	struct gn_client *cl; /* marginal desc, already desc, client */
	int ncl;	      /* clients with refused requests in window */
	int nall;	      /* every client scanned (cl[ncl..nall)) */
	int capcl;
	int *slot; /* hash slots: index into cl + 1, 0 free */
	int nslot;
	struct gn_day *days; /* the whole history, for the chart */
	int ndays;
	struct gn_mark marks[16]; /* phases with a planned day */
	int nmarks;
	struct gn_dormant *dormant; /* last desc */
	int ndormant;
	struct gn_brownout bo[16];
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

/* Days since 1970-01-01 of "YYYY-MM-DD", or LONG_MIN when malformed. */
long gn_dnum(const char *day);
/* The day dnum as "YYYY-MM-DD". */
void gn_day_text(long dnum, char out[11]);

/* Read the daily series of the whole history into g->days (ordered by
 * day) and pick the as-of day.  Return 0, or -1 with err set. */
int gn_scan_days(struct gonogo *g, struct store *st, struct ruleset *rs,
		 int phase, char *err, size_t errlen);
/* Read the window and the lookback per client into g->cl (g->nall
 * entries, unordered).  Return 0, or -1 with err set. */
int gn_scan_clients(struct gonogo *g, struct store *st, struct ruleset *rs,
		    int phase, const char *from, char *err, size_t errlen);
/* The top legacy user agent of every client in the window. */
int gn_scan_agents(struct gonogo *g, struct store *st, struct ruleset *rs,
		   char *err, size_t errlen);
/* Index of client name in g->cl, or -1. */
int gn_client_find(const struct gonogo *g, const char *name);
/* Rebuild the index of g->cl after its order changed. */
void gn_rehash(struct gonogo *g);
void gn_free_clients(struct gonogo *g);

/* Fill g->dormant from the lookback figures. */
void gn_dormant(struct gonogo *g);
/* Read every --brownout into g->bo; first is the earliest day the
 * client scan must start from (the lookback's, or a brownout's). */
void gn_brownout_plan(struct gonogo *g, char first[11]);
/* After g->cl was sorted and rehashed: point each hit at its client. */
void gn_brownout_link(struct gonogo *g);
/* Replay every --brownout.  Return 0, or -1 with err set. */
int gn_brownouts(struct gonogo *g, struct store *st, struct ruleset *rs,
		 int phase, char *err, size_t errlen);
/* Fit the forecast on the daily series. */
void gn_forecast(struct gonogo *g);
void gn_free_extra(struct gonogo *g);

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
