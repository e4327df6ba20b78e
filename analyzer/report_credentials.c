/* report_credentials.c: one row per legacy credential and client, with
 * its own numbers, user agent, SDK and busiest route. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sdk.h"
#include "table.h"

/* A credential under a client, with its top agent and route. */
struct cred {
	char *client;
	char *fp;
	char *agent;
	char *route;
	char *route_n;
};

struct creds {
	struct cred *v;
	size_t n, cap;
	struct facts f;
	struct table *t;
};

static int cmp_cred(const void *a, const void *b)
{
	const struct cred *x = a;
	const struct cred *y = b;
	int d = strcmp(x->client, y->client);

	return d ? d : strcmp(x->fp, y->fp);
}

static struct cred *find(struct creds *cs, const char *client, const char *fp)
{
	struct cred key;

	if (!cs->n)
		return NULL;
	key.client = (char *)(uintptr_t)client;
	key.fp = (char *)(uintptr_t)fp;
	return bsearch(&key, cs->v, cs->n, sizeof(*cs->v), cmp_cred);
}

/* (client, fp, agent, n), each credential's busiest agent first. */
static int agent_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct creds *cs = arg;
	struct cred *last = cs->n ? &cs->v[cs->n - 1] : NULL;

	(void)n;
	(void)names;
	if (last && strcmp(last->client, c[0]) == 0 &&
	    strcmp(last->fp, c[1]) == 0)
		return 0;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? 2 * cs->cap : 256;
		cs->v = xrealloc(cs->v, cs->cap * sizeof(*cs->v));
	}
	last = &cs->v[cs->n++];
	memset(last, 0, sizeof(*last));
	last->client = xstrdup(c[0]);
	last->fp = xstrdup(c[1]);
	last->agent = xstrdup(c[2] ? c[2] : "");
	return 0;
}

/* (client, fp, route, n), each credential's busiest route first. */
static int route_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct cred *cr = find(arg, c[0], c[1]);

	(void)n;
	(void)names;
	if (cr && !cr->route) {
		cr->route = xstrdup(c[2] ? c[2] : "");
		cr->route_n = xstrdup(c[3] ? c[3] : "0");
	}
	return 0;
}

static const char *const cred_cols[] = {
    "fingerprint",	  "client",	 "requests",	"amnesty_requests",
    "status_434",	  "first_used",	 "last_used",	"days_used",
    "top_user_agent",	  "sdk",	 "sdk_version", "top_route",
    "top_route_requests", "client_state"};
static const enum cell_kind cred_kinds[] = {
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_NUM,  CELL_NUM,
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_TEXT, CELL_TEXT,
    CELL_TEXT, CELL_TEXT, CELL_NUM, CELL_TEXT};
#define CRED_NCOLS 14

/* fp, client, requests, amnesty, 434, first, last, days */
#define CREDS_SQL                                                             \
	"SELECT 'fp:' || fp, client, sum(n) AS k,"                            \
	" sum(CASE WHEN amnesty = 1 THEN n ELSE 0 END),"                      \
	" sum(CASE WHEN status = 434 THEN n ELSE 0 END),"                     \
	" " ISO("min(first)") ", " ISO(                                       \
	    "max(last)") ","                                                  \
			 " count(DISTINCT day), fp"                           \
			 " FROM creds WHERE " WINDOW " AND class IN " LEGACY  \
			 " GROUP BY client, fp ORDER BY k DESC, client, fp"

static int cred_row(void *arg, int n, const char *const *c,
		    const char *const *names)
{
	struct creds *cs = arg;
	const struct cred *cr = find(cs, c[1], c[8]);
	const struct client_facts *cf = facts_find(&cs->f, c[1]);
	const char *agent = cr && cr->agent ? cr->agent : "";
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
	v[11] = cr && cr->route ? cr->route : "";
	v[12] = cr && cr->route_n ? cr->route_n : "0";
	v[13] = cf ? report_state_name(cf->state) : "";
	table_row(cs->t, v);
	return 0;
}

static void creds_free(struct creds *cs)
{
	for (size_t i = 0; i < cs->n; i++) {
		free(cs->v[i].client);
		free(cs->v[i].fp);
		free(cs->v[i].agent);
		free(cs->v[i].route);
		free(cs->v[i].route_n);
	}
	free(cs->v);
	facts_free(&cs->f);
}

int report_credentials(struct ctx *x)
{
	struct creds cs;
	int rc;

	memset(&cs, 0, sizeof(cs));
	rc = facts_load(x, &cs.f, 0);
	if (rc == 0)
		rc = store_each(x->st,
				"SELECT client, fp, agent, sum(n) AS k"
				" FROM cred_agents WHERE " WINDOW
				" GROUP BY client, fp, agent"
				" ORDER BY client, fp, k DESC, agent",
				x->params, 2, agent_row, &cs, x->err,
				x->errlen);
	if (rc == 0)
		rc = store_each(x->st,
				"SELECT client, fp, route, sum(n) AS k"
				" FROM routes WHERE " WINDOW
				" AND fp <> '' AND route <> '{other}'"
				" GROUP BY client, fp, route"
				" ORDER BY client, fp, k DESC, route",
				x->params, 2, route_row, &cs, x->err,
				x->errlen);
	cs.t = table_new(x->f, x->o->json, cred_cols, cred_kinds, CRED_NCOLS);
	if (rc == 0)
		rc = store_each(x->st, CREDS_SQL, x->params, 2, cred_row, &cs,
				x->err, x->errlen);
	creds_free(&cs);
	return table_end(cs.t) < 0 ? -1 : rc;
}
