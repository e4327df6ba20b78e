/* report_credentials.c: one row per legacy credential and client, with
 * its own numbers, user agent, SDK and busiest route. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "sdk.h"
#include "table.h"

static const char *const cred_cols[] = {
    "fingerprint",	  "client",	 "requests",	"amnesty_requests",
    "status_434",	  "first_used",	 "last_used",	"days_used",
    "top_user_agent",	  "sdk",	 "sdk_version", "top_route",
    "top_route_requests", "client_state"};
static const enum cell_kind cred_kinds[] = {
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_NUM,  CELL_NUM,
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_TEXT, CELL_TEXT,
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_TEXT};

/* Each credential's busiest agent (ties: the first by name), in
 * (client, fp) order. */
#define CAGENT_SQL                                                            \
	"INSERT INTO temp.cagent SELECT client, fp, a FROM (SELECT"           \
	" client, fp, " STORE_AGENT " AS a, row_number() OVER (PARTITION BY"  \
	" client, fp ORDER BY sum(n) DESC, " STORE_AGENT ") AS r"             \
	" FROM cred_agents WHERE " WINDOW                                     \
	" GROUP BY client, fp, " STORE_AGENT ") WHERE r = 1"
/* Each credential's busiest route and its requests. */
#define CROUTE_SQL                                                            \
	"INSERT INTO temp.croute SELECT client, fp, route, k FROM (SELECT"    \
	" client, fp, route, sum(n) AS k, row_number() OVER (PARTITION BY"    \
	" client, fp ORDER BY sum(n) DESC, route) AS r FROM routes "          \
	"WHERE " WINDOW " AND fp <> '' AND route <> '{other}'"                \
	" GROUP BY client, fp, route) WHERE r = 1"

/* fp, client, requests, amnesty, 434, first, last, days, then the
 * agent, route and its requests (only for a credential with an agent)
 * and the client's state. */
#define CREDS_SQL                                                             \
	"SELECT c.*, coalesce(a.agent, ''),"                                  \
	" CASE WHEN a.fp IS NULL THEN '' ELSE coalesce(r.route, '') END,"     \
	" CASE WHEN a.fp IS NULL THEN 0 ELSE coalesce(r.k, 0) END, f.state"   \
	" FROM (SELECT 'fp:' || fp, client, sum(n) AS k,"                     \
	" sum(CASE WHEN amnesty = 1 THEN n ELSE 0 END),"                      \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END),"                     \
	" " ISO("min(first)") ", " ISO(                                       \
	    "max(last)") ","                                                  \
			 " count(DISTINCT day), fp FROM creds WHERE " WINDOW  \
			 " AND class IN " LEGACY " GROUP BY client, fp) c"    \
			 " LEFT JOIN temp.cagent a ON a.client = c.client "   \
			 "AND a.fp = c.fp"                                    \
			 " LEFT JOIN temp.croute r ON r.client = c.client "   \
			 "AND r.fp = c.fp"                                    \
			 " LEFT JOIN temp.facts f ON f.client = c.client"     \
			 " ORDER BY c.k DESC, c.client, c.fp"

/* Where credentials_each() sends its rows. */
struct cred_each {
	int (*fn)(void *arg, const char *const *v);
	void *arg;
};

static int cred_row(void *arg, int n, const char *const *c,
		    const char *const *names)
{
	const struct cred_each *e = arg;
	const char *agent = c[9];
	const char *v[CRED_NCOLS];
	struct sdk sdk;

	(void)n;
	(void)names;
	sdk_parse(agent, strlen(agent), &sdk);
	for (int i = 0; i < 8; i++)
		v[i] = c[i];
	v[8] = agent;
	v[9] = sdk.name;
	v[10] = sdk.version;
	v[11] = c[10];
	v[12] = c[11];
	v[13] = c[12] ? client_state_name((int)report_num(c[12])) : "";
	return e->fn(e->arg, v);
}

static const char *const temps[] = {
    "DROP TABLE IF EXISTS temp.cagent",
    "CREATE TEMP TABLE cagent(client TEXT, fp TEXT, agent TEXT,"
    " PRIMARY KEY(client, fp)) WITHOUT ROWID",
    CAGENT_SQL,
    "DROP TABLE IF EXISTS temp.croute",
    "CREATE TEMP TABLE croute(client TEXT, fp TEXT, route TEXT,"
    " k INTEGER, PRIMARY KEY(client, fp)) WITHOUT ROWID",
    CROUTE_SQL};

int credentials_each(struct ctx *x, int (*fn)(void *arg, const char *const *v),
		     void *arg)
{
	struct cred_each e = {fn, arg};
	struct facts f;
	int rc = facts_table(x, &f, 0, 1);

	for (size_t i = 0; rc == 0 && i < sizeof(temps) / sizeof(temps[0]);
	     i++)
		rc = report_tmp_exec(x, temps[i]);
	if (rc == 0)
		rc = store_each(x->st, CREDS_SQL, x->params, 2, cred_row, &e,
				x->err, x->errlen);
	facts_free(&f);
	return rc;
}

static int table_cred(void *arg, const char *const *v)
{
	table_row(arg, v);
	return 0;
}

int report_credentials(struct ctx *x)
{
	struct table *t =
	    table_new(x->f, x->o->json, cred_cols, cred_kinds, CRED_NCOLS);
	int rc = credentials_each(x, table_cred, t);

	return table_end(t) < 0 ? -1 : rc;
}
