/* report_impl.h: the internal contract of the reports: report.c runs
 * the report_*() of a kind with a struct ctx; the report_*.c files share
 * the SQL fragments below, the cell helpers, the client facts (from the
 * client model, report_state.c) and the agents, routes and credentials
 * read beside them (report_extra.c).  Only report*.c include it; the
 * TEMP-table batches are in report_tmp.h. */
#ifndef KEYAUDIT_REPORT_IMPL_H
#define KEYAUDIT_REPORT_IMPL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "client.h"
#include "report.h"
#include "report_tmp.h"
#include "store.h"

#define LEGACY	 "(SELECT name FROM classes WHERE legacy = 1)"
#define WINDOW	 "day BETWEEN ?1 AND ?2"
#define ISO(x)	 "strftime('%Y-%m-%dT%H:%M:%SZ', " x ", 'unixepoch')"
#define MAX_COLS 64
/* temp.warned: the first day of the window each client's responses
 * carried one of the platform's warnings (store.h STORE_WARNED); made
 * by these statements, in order. */
#define REPORT_WARNED_DROP "DROP TABLE IF EXISTS temp.warned"
#define REPORT_WARNED_TABLE                                                   \
	"CREATE TEMP TABLE warned(client TEXT PRIMARY KEY, since TEXT)"       \
	" WITHOUT ROWID"
#define REPORT_WARNED_SQL                                                     \
	"INSERT INTO temp.warned SELECT client, min(day) FROM agents"         \
	" WHERE " WINDOW " AND " STORE_AGENT_WARNED " GROUP BY client"

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

/* The rows of report credentials, in its order, to fn(arg, v): v holds
 * its CRED_NCOLS columns (fingerprint, client, requests,
 * amnesty_requests, status_434, first_used, last_used, days_used,
 * top_user_agent, sdk, sdk_version, top_route, top_route_requests,
 * client_state), valid during the call.  fn returns 0, or non-zero to
 * stop.  Return 0, or -1 with x->err set. */
#define CRED_NCOLS 14
int credentials_each(struct ctx *x, int (*fn)(void *arg, const char *const *v),
		     void *arg);

/* ---- outreach drafts (report_messages.c) ---- */

struct drafts;

struct drafts *drafts_new(void);
/* One outreach row for contact (a registry cell): its client, the
 * credential it was matched by ("": all of the client's), what to do,
 * by when ("": not dated), the phase that says so and the first day
 * the client's responses carried the platform's warning ("": none).
 * Copied. */
void drafts_add(struct drafts *d, const char *contact, const char *client,
		const char *fp, const char *action, const char *by_when,
		const char *phase, const char *warned);
/* Write one RFC 5322 draft per contact into the directory dir (made
 * when missing), each credential with its details from
 * credentials_each().  Return 0, or -1 with x->err set. */
int drafts_write(struct drafts *d, struct ctx *x, const char *dir);
/* NULL does nothing. */
void drafts_free(struct drafts *d);

/* ---- client states (report_state.c, by the model of client.h) ---- */

/* What is known of one legacy client beyond its counts. */
struct client_facts {
	char *client;
	int state;	  /* enum client_state */
	int64_t since;	  /* day number the state began */
	int64_t last_day; /* day number of its last request */
	char *agent;	  /* top legacy user agent, or NULL */
	char *routes;	  /* "ROUTE N; ROUTE N" of legacy traffic, or NULL */
	long long ncreds; /* legacy credentials */
	/* probably migrated: its successor by address and agent (in the
	 * facts' heirs), else NULL */
	const struct client_heir *heir;
};

/* "BY (FP), first seen DAY from the same address and user agent, N
 * days after the last legacy use (DAY)" of h into out; "" for NULL. */
void facts_heir_text(const struct client_heir *h, char *out, size_t cap);

/* Legacy clients of the window, sorted by client name. */
struct facts {
	struct client_facts *v;
	size_t n;
	size_t cap;
	int64_t first; /* day numbers of the window's first and last day */
	int64_t now;
	/* report progress: clients per day and state, [day - first][s] */
	long long (*per_day)[CLIENT_NSTATES];
	/* facts_table(): where each client goes, instead of v, and what
	 * is read of it beside the days */
	struct report_tmp *tmp;
	struct extra *extra;
	/* facts_table_each(): called with each client of the window */
	void (*on_client)(void *arg, const char *client);
	void *arg;
	/* FACTS_NEWEST: the window's newest last (epoch), 0 without one */
	int64_t newest;
	int have_newest;
	/* successions by address and agent, as of now (client_succ.c) */
	struct client_succ *heirs;
};

#define FACTS_AGENTS  1u
#define FACTS_ROUTES  2u
#define FACTS_CREDS   4u
#define FACTS_PER_DAY 8u
#define FACTS_CHOSEN  16u /* only the clients of the set FACTS_SET */
#define FACTS_NUMS    32u /* facts_table(): the request numbers too */
#define FACTS_NEWEST  64u /* with FACTS_NUMS: f->newest too */
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

/* The facts of every legacy client of x's window, with the parts in
 * what, in client order, in one pass over the days with the agents,
 * routes and credentials read beside it (no sort or join after the
 * grouping): when table is set, into the TEMP table facts(client
 * PRIMARY KEY, state INTEGER, since TEXT, agent, routes, ncreds,
 * legacy, amnesty, total, s434, lfirst, llast, ldays, d434), one row a
 * client (replaced); else only f->per_day (FACTS_PER_DAY).  The
 * columns from legacy on are NULL unless what has FACTS_NUMS; then
 * they are the client's legacy requests, those of them with amnesty,
 * all its requests, those with status 434, the first and last time
 * (epoch) of a legacy request, the days with one, and the first day
 * with a status 434 (NULL: none).  Memory does not grow with the
 * clients.  Return 0, or -1 with x->err set; free with facts_free()
 * either way. */
int facts_table(struct ctx *x, struct facts *f, unsigned what, int table);
/* facts_table(), calling on_client (when not NULL) with arg and each
 * client that has a request in the window, legacy or not, in client
 * order, as the pass reads it. */
int facts_table_each(struct ctx *x, struct facts *f, unsigned what, int table,
		     void (*on_client)(void *arg, const char *client),
		     void *arg);

/* ---- agents, routes and credentials by client (report_extra.c) ---- */

/* The statements of what (FACTS_AGENTS, FACTS_ROUTES, FACTS_CREDS)
 * over x's window, open side by side.  Return NULL with x->err set. */
struct extra *extra_open(struct ctx *x, unsigned what);
/* Client's top legacy agent (NULL: none), its TOP_ROUTES busiest routes
 * as "ROUTE N; ROUTE N" (NULL: none), both malloc'd, and its legacy
 * credentials, into c.  Clients are asked in increasing order (strcmp,
 * SQLite's BINARY); the rows of those not asked are skipped.  Return 0,
 * or -1 with x->err set. */
int extra_get(struct extra *e, const char *client, struct client_facts *c);
/* NULL: nothing. */
void extra_close(struct extra *e);

#endif
