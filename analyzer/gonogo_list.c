/* gonogo_list.c: the verdict's full list of clients with refused
 * requests (o.list): each client's row is added as the pass reads it,
 * into a TEMP table, and read back in the list's order, so that SQLite,
 * not gonogo, holds and sorts them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gonogo_int.h"
#include "report_tmp.h"

#define LIST_TABLE                                                            \
	"CREATE TEMP TABLE gn_clients(marginal INTEGER NOT NULL,"             \
	" already INTEGER NOT NULL, client TEXT NOT NULL,"                    \
	" total INTEGER NOT NULL, last INTEGER NOT NULL,"                     \
	" quiet INTEGER NOT NULL, state INTEGER NOT NULL,"                    \
	" active INTEGER NOT NULL, agent TEXT, cls TEXT NOT NULL)"
#define LIST_COLS 10
/* the order of the list: marginal desc, already desc, client */
#define LIST_SQL                                                              \
	"SELECT client, agent, marginal, already, total, last, quiet, state," \
	" active, cls FROM temp.gn_clients"                                   \
	" ORDER BY marginal DESC, already DESC, client"

struct gn_list {
	struct ctx x;
	struct report_tmp b;
	char err[512];
};

int gn_list_start(struct gonogo *g, struct store *st, char *err, size_t errlen)
{
	struct gn_list *t = xcalloc(1, sizeof(*t));

	t->x.st = st;
	t->x.err = t->err;
	t->x.errlen = sizeof(t->err);
	if (report_tmp_exec(&t->x, "DROP TABLE IF EXISTS temp.gn_clients") <
		0 ||
	    report_tmp_exec(&t->x, LIST_TABLE) < 0) {
		snprintf(err, errlen, "%s", t->err);
		free(t);
		return -1;
	}
	report_tmp_init(&t->b, &t->x, "gn_clients", LIST_COLS);
	g->list = t;
	return 0;
}

/* c's requests per class as "N N ...". */
static char *class_text(const struct gonogo *g, const struct gn_client *c)
{
	size_t cap = (size_t)g->ncls * 21 + 1, at = 0;
	char *s = xmalloc(cap);

	s[0] = 0;
	for (int i = 0; i < g->ncls; i++)
		at += (size_t)snprintf(s + at, cap - at, "%s%lld",
				       i ? " " : "", c->cls[i]);
	return s;
}

int gn_list_add(struct gonogo *g, const struct gn_client *c, char *err,
		size_t errlen)
{
	struct gn_list *t = g->list;
	char n[7][32];
	const char *v[LIST_COLS];
	char *cls = class_text(g, c);
	int rc;

	snprintf(n[0], 32, "%lld", c->marginal);
	snprintf(n[1], 32, "%lld", c->already);
	snprintf(n[2], 32, "%lld", c->total);
	snprintf(n[3], 32, "%lld", (long long)c->last);
	snprintf(n[4], 32, "%d", c->quiet_days);
	snprintf(n[5], 32, "%d", c->state);
	snprintf(n[6], 32, "%d", c->active);
	v[0] = n[0];
	v[1] = n[1];
	v[2] = c->client;
	for (int i = 2; i < 7; i++)
		v[i + 1] = n[i];
	v[8] = c->agent;
	v[9] = cls;
	rc = report_tmp_add(&t->b, v);
	free(cls);
	if (rc < 0) {
		snprintf(err, errlen, "%s", t->err);
		return -1;
	}
	return 0;
}

int gn_list_flush(struct gonogo *g, char *err, size_t errlen)
{
	if (report_tmp_flush(&g->list->b) < 0) {
		snprintf(err, errlen, "%s", g->list->err);
		return -1;
	}
	return 0;
}

void gn_list_free(struct gonogo *g)
{
	struct gn_list *t = g->list;

	if (!t)
		return;
	/* rows left by a failure: freed, not written */
	t->b.failed = 1;
	report_tmp_flush(&t->b);
	free(t);
	g->list = NULL;
}

struct each {
	int (*fn)(void *arg, const struct gonogo_row *r);
	void *arg;
};

static long long num(const char *s)
{
	return s ? atoll(s) : 0;
}

static int list_row(void *arg, int n, const char *const *c,
		    const char *const *names)
{
	struct each *e = arg;
	struct gonogo_row r;

	(void)n;
	(void)names;
	r.client = c[0] ? c[0] : "";
	r.agent = c[1];
	r.marginal = num(c[2]);
	r.already = num(c[3]);
	r.total = num(c[4]);
	r.last = num(c[5]);
	r.quiet_days = (int)num(c[6]);
	r.state = (int)num(c[7]);
	r.active = (int)num(c[8]);
	r.cls = c[9] ? c[9] : "";
	return e->fn(e->arg, &r);
}

int gonogo_each_client(const struct gonogo *g, struct store *st,
		       int (*fn)(void *arg, const struct gonogo_row *r),
		       void *arg, char *err, size_t errlen)
{
	struct each e = {fn, arg};

	if (!g->list)
		return 0;
	return store_each(st, LIST_SQL, NULL, 0, list_row, &e, err, errlen);
}
