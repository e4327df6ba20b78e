/* report_extra.c: each legacy client's top agent, busiest routes and
 * credentials, read in client order beside the days pass of
 * facts_table(): one statement a table, each in the order of its own
 * GROUP BY, merged by client here, so that no sort and no join follows
 * the grouping. */
#include "report_impl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* Rows of (client, key, k), in client and key order: k requests of a
 * user agent, of a route; (client, k) k credentials. */
#define AGENTS_ROWS                                                           \
	"SELECT client, " STORE_AGENT ", sum(n) FROM agents WHERE " WINDOW    \
	" AND class IN " LEGACY " GROUP BY client, " STORE_AGENT              \
	" ORDER BY client, " STORE_AGENT
#define ROUTES_ROWS                                                           \
	"SELECT client, route, sum(n) FROM routes WHERE " WINDOW              \
	" AND route <> '{other}' GROUP BY client, route"                      \
	" ORDER BY client, route"
#define CREDS_ROWS                                                            \
	"SELECT client, count(DISTINCT fp) FROM creds WHERE " WINDOW          \
	" AND class IN " LEGACY " GROUP BY client ORDER BY client"

enum { X_AGENTS, X_ROUTES, X_CREDS, NX };

/* One table's rows; have: its current row is read and not yet used. */
struct xstream {
	struct store_rows *r;
	int have;
};

/* A route and its requests, of the client being read. */
struct xroute {
	char *route;
	char *k;
	long long n;
};

struct extra {
	struct ctx *x;
	struct xstream s[NX];
	struct xroute top[TOP_ROUTES];
	int ntop;
};

/* Read the next row of s.  Return 0, or -1 with the error set. */
static int xnext(struct xstream *s)
{
	int rc = store_rows_next(s->r);

	s->have = rc == 1;
	return rc < 0 ? -1 : 0;
}

/* Skip s's rows of clients before client; then is its row client's? */
static int xat(struct xstream *s, const char *client, int *failed)
{
	while (s->r && s->have && strcmp(store_rows_col(s->r, 0), client) < 0)
		if (xnext(s) < 0)
			*failed = 1;
	return s->r && s->have && !*failed &&
	       strcmp(store_rows_col(s->r, 0), client) == 0;
}

struct extra *extra_open(struct ctx *x, unsigned what)
{
	static const char *const sql[NX] = {AGENTS_ROWS, ROUTES_ROWS,
					    CREDS_ROWS};
	static const unsigned bit[NX] = {FACTS_AGENTS, FACTS_ROUTES,
					 FACTS_CREDS};
	struct extra *e = xcalloc(1, sizeof(*e));

	e->x = x;
	for (int i = 0; i < NX; i++) {
		if (!(what & bit[i]))
			continue;
		e->s[i].r = store_rows_open(x->st, sql[i], x->params, 2,
					    x->err, x->errlen);
		if (!e->s[i].r || xnext(&e->s[i]) < 0) {
			extra_close(e);
			return NULL;
		}
	}
	return e;
}

void extra_close(struct extra *e)
{
	if (!e)
		return;
	for (int i = 0; i < NX; i++)
		store_rows_close(e->s[i].r);
	free(e);
}

/* Keep route (k requests) if it is among the busiest TOP_ROUTES so far;
 * it comes after those it ties with, which are before it by name. */
static void top_add(struct extra *e, const char *route, const char *k)
{
	long long n = report_num(k);
	int at = e->ntop;

	while (at > 0 && e->top[at - 1].n < n)
		at--;
	if (at == TOP_ROUTES)
		return;
	if (e->ntop == TOP_ROUTES) {
		free(e->top[TOP_ROUTES - 1].route);
		free(e->top[TOP_ROUTES - 1].k);
		e->ntop--;
	}
	memmove(&e->top[at + 1], &e->top[at],
		(size_t)(e->ntop - at) * sizeof(e->top[0]));
	e->top[at].route = xstrdup(route ? route : "");
	e->top[at].k = xstrdup(k ? k : "0");
	e->top[at].n = n;
	e->ntop++;
}

/* "ROUTE N; ROUTE N" of the routes kept, busiest first (NULL: none);
 * they are freed. */
static char *top_text(struct extra *e)
{
	size_t len = 0, at = 0;
	char *out;

	if (!e->ntop)
		return NULL;
	for (int i = 0; i < e->ntop; i++)
		len += strlen(e->top[i].route) + strlen(e->top[i].k) + 3;
	out = xmalloc(len + 1);
	for (int i = 0; i < e->ntop; i++) {
		at += (size_t)snprintf(out + at, len + 1 - at, "%s%s %s",
				       i ? "; " : "", e->top[i].route,
				       e->top[i].k);
		free(e->top[i].route);
		free(e->top[i].k);
	}
	e->ntop = 0;
	return out;
}

/* The busiest of client's agents (the first by name of those that
 * tie), or NULL. */
static char *agent_of(struct extra *e, const char *client, int *failed)
{
	struct xstream *s = &e->s[X_AGENTS];
	char *best = NULL;
	long long most = 0;

	while (xat(s, client, failed)) {
		const char *agent = store_rows_col(s->r, 1);
		long long n = report_num(store_rows_col(s->r, 2));

		if (!best || n > most) {
			free(best);
			best = xstrdup(agent ? agent : "");
			most = n;
		}
		if (xnext(s) < 0)
			*failed = 1;
	}
	return best;
}

int extra_get(struct extra *e, const char *client, struct client_facts *c)
{
	struct xstream *s;
	int failed = 0;

	c->agent = agent_of(e, client, &failed);
	s = &e->s[X_ROUTES];
	while (xat(s, client, &failed)) {
		top_add(e, store_rows_col(s->r, 1), store_rows_col(s->r, 2));
		if (xnext(s) < 0)
			failed = 1;
	}
	c->routes = top_text(e);
	s = &e->s[X_CREDS];
	c->ncreds = 0;
	if (xat(s, client, &failed))
		c->ncreds = report_num(store_rows_col(s->r, 1));
	return failed ? -1 : 0;
}
