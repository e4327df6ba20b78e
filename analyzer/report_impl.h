/* report_impl.h: what the report_*.c files share; not a public header. */
#ifndef KEYAUDIT_REPORT_IMPL_H
#define KEYAUDIT_REPORT_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report.h"
#include "store.h"

#define LEGACY	 "(SELECT name FROM classes WHERE legacy = 1)"
#define WINDOW	 "day BETWEEN ?1 AND ?2"
#define ISO(x)	 "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"
#define MAX_COLS 64

/* What every report function gets. */
struct ctx {
	struct store *st;
	const struct report_opts *o;
	FILE *f;
	const char *params[2]; /* since, until */
	char *err;
	size_t errlen;
};

/* a / b with four decimals into out (n bytes); 0 when b is 0. */
void report_share(char *out, size_t n, long long a, long long b);
/* A number cell; NULL is 0. */
long long report_num(const char *s);
/* A row callback that writes the columns as they come to the table
 * passed as arg. */
int report_plain_row(void *arg, int n, const char *const *c,
		     const char *const *names);

int report_migration(struct ctx *x);
int report_amnesty(struct ctx *x);
int report_daily(struct ctx *x);
int report_summary(struct ctx *x);
int report_files(struct ctx *x);
int report_outreach(struct ctx *x);
int report_credentials(struct ctx *x);
int report_sdks(struct ctx *x);
int report_progress(struct ctx *x);

/* ---- client states (report_state.c) ---- */

enum report_state {
	STATE_LEGACY_ONLY,
	STATE_MIXED,
	STATE_MIGRATED,
	STATE_REGRESSED,
	STATE_DORMANT,
	NSTATES
};

/* "legacy-only", "mixed", ... */
const char *report_state_name(int state);

/* What is known of one legacy client beyond its counts. */
struct client_facts {
	char *client;
	int state;	  /* enum report_state */
	int64_t since;	  /* day number the state began */
	int64_t last_day; /* day number of its last request */
	char *agent;	  /* top legacy user agent, or NULL */
	char *routes;	  /* "ROUTE N; ROUTE N" of legacy traffic, or NULL */
	long long ncreds; /* legacy credentials */
};

/* Legacy clients of the window, sorted by client name. */
struct facts {
	struct client_facts *v;
	size_t n;
	size_t cap;
	int64_t first; /* day numbers of the window's first and last day */
	int64_t now;
	/* report progress: clients per day and state, [day - first][s] */
	long long (*per_day)[NSTATES];
};

#define FACTS_AGENTS  1u
#define FACTS_ROUTES  2u
#define FACTS_CREDS   4u
#define FACTS_PER_DAY 8u
#define FACTS_CHOSEN  16u /* only the clients of the set FACTS_SET */
#define FACTS_SET     "facts_clients" /* a store_temp_set() */
#define TOP_ROUTES    3		      /* routes listed per client */

/* Load the facts of every legacy client of x's window (with
 * FACTS_CHOSEN, of those in the temporary set FACTS_SET only, made by
 * store_temp_set()), with the parts in what.  The state is as of the
 * window's last day (--until, else the newest day with data).  Return
 * 0, or -1 with x->err set; free with facts_free() either way. */
int facts_load(struct ctx *x, struct facts *f, unsigned what);
/* The facts of client, or NULL; valid until facts_free(). */
const struct client_facts *facts_find(const struct facts *f,
				      const char *client);
void facts_free(struct facts *f);

/* Day number (days since 1970-01-01) of "YYYY-MM-DD", and back. */
int64_t report_day_number(const char *day);
void report_day_text(int64_t n, char out[16]);

#endif
