/* gonogo.h: the go/no-go verdict for the next cutoff phase: from the
 * store and the client model (client.h) to one finished struct gonogo
 * that the outputs (gonogo_term.h, gonogo_csv.h, page.h) and the
 * command read.  The verdict calls nothing above it. */
#ifndef KEYAUDIT_GONOGO_H
#define KEYAUDIT_GONOGO_H

#include <stdint.h>
#include <stdio.h>

#include "client.h"
#include "day.h"
#include "rules.h"
#include "store.h"

#define GN_MAXCLS (RULES_MAX_CLASSES + 1) /* the rules' classes, unknown */
#define GN_TOP	  20 /* clients kept of each list: the page's */
#define GN_MAXBO  16 /* --brownout replays */

/* What the verdict is asked: the phase, the days and the thresholds. */
struct gonogo_opts {
	const char *phase; /* NULL: the first the rules define */
	const char *as_of; /* NULL: the newest day with a tenth of the
			      median day's requests */
	int window, lookback, min_quiet, migrated_days;
	double max_share, max_blind;
	int max_clients, max_dormant;
	int accept_gaps;       /* GO over pruned or missing days */
	int strict_succession; /* a succeeded credential still dormant */
	int succession_days;   /* by address and agent (0: 14, -1: none) */
	const char *const *brownouts;
	int nbrownouts;
	int list; /* keep every client with refused requests (-o) */
	const char *registry; /* owners of the clients shown, or NULL */
	const char *registry_key, *registry_fp;
	char registry_delim;
	const char *registry_owner; /* the owner column, or NULL */
	const char *db;		    /* for messages */
};

/* The verdict's word; the values are gonogo's exit statuses. */
enum gonogo_word { GONOGO_GO = 0, GONOGO_NOGO = 1, GONOGO_CANNOT_TELL = 6 };

/* One client with requests the phase would refuse in the window, as
 * the client pass has read it. */
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

struct gn_list; /* gonogo_list.c */
struct gn_succ; /* gonogo_succ.c */

/* A dormant credential succeeded by another of its registry account:
 * the evidence. */
struct gn_succeeded {
	char *client, *account;
	char *by;	       /* the successor client */
	char last[DAY_SIZE];   /* client's last legacy day */
	char by_day[DAY_SIZE]; /* by's last request of another class */
};

/* A dormant credential probably succeeded by another first seen from
 * its address and user agent: the evidence. */
struct gn_probable {
	char *client, *by;
	char fp[24];	      /* the successor's fingerprint */
	char origin[24];      /* the address and agent's fingerprint */
	char last[DAY_SIZE];  /* client's last legacy day */
	char first[DAY_SIZE]; /* by's first day from there */
	int days;	      /* from last to first (negative: before) */
};

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
	int verdict;	/* enum gonogo_word */
	struct gonogo_opts o;
	/* clients with refused requests in the window (ncl): marginal
	 * desc, already desc, client; the first GN_TOP in memory, and
	 * with o.list every one in a TEMP table (gonogo_list.c) */
	struct gn_client top[GN_TOP];
	int ntop;
	int ncl;
	struct gn_list *list; /* o.list: the TEMP table's rows, or NULL */
	struct gn_day *days;  /* the whole history, for the chart */
	int ndays;
	struct gn_mark marks[16]; /* phases with a planned day */
	int nmarks;
	struct gn_dormant dormant[GN_TOP]; /* look_last desc, client */
	int nkept_dormant;		   /* the first, at most GN_TOP */
	int ndormant;
	/* with a registry: credentials succeeded within their account */
	struct gn_succ *succ; /* during the pass */
	int nsucceeded;
	struct gn_succeeded succeeded[GN_TOP];
	int nkept_succeeded;
	/* credentials probably succeeded by address and agent */
	int nprobable;
	struct gn_probable probable[GN_TOP];
	int nkept_probable;
	struct gn_brownout bo[GN_MAXBO];
	int nbo;
	struct gn_forecast fc;
};

/* Decide on phase o->phase of rs over the counts of st: g is filled
 * (its day series, its clients, dormant clients, brownouts, forecast)
 * and g->verdict set.  rs and st must outlive g.  Return 0, or 2 (bad
 * usage: no such phase, a bad registry) or 3 (a run-time failure, no
 * data in the window) with err set; free g with gonogo_free() either
 * way. */
int gonogo_verdict(struct store *st, struct ruleset *rs,
		   const struct gonogo_opts *o, struct gonogo *g, char *err,
		   size_t errlen);
/* Free what g holds (nothing when g is zeroed). */
void gonogo_free(struct gonogo *g);

/* "GO", "NO-GO" or "CANNOT TELL". */
const char *gonogo_word(const struct gonogo *g);

/* Is request class cls blind (shows no credential a rule could class)
 * in g's window? */
int gonogo_blind_class(const struct gonogo *g, int cls);

/* One client of the full list (o.list), as its cells read back. */
struct gonogo_row {
	const char *client, *agent;
	long long marginal, already, total;
	int64_t last;
	int quiet_days, state, active;
	const char *cls; /* its window requests per class, "N N ..." */
};

/* Call fn with arg and each client of the full list, in the list's
 * order (marginal desc, already desc, client), until fn returns
 * non-zero.  Return 0, or -1 with err set. */
int gonogo_each_client(const struct gonogo *g, struct store *st,
		       int (*fn)(void *arg, const struct gonogo_row *r),
		       void *arg, char *err, size_t errlen);

#endif
