/* report_sdks.c: legacy requests, clients and credentials by SDK and
 * version, across all clients. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sdk.h"
#include "table.h"

/* One agent row, its SDK read: kind 0 from agents (who: the client's
 * ordinal), kind 1 from cred_agents (who: the credential's ordinal). */
struct use {
	struct sdk sdk;
	int kind;
	long long who;
	long long n;
};

struct uses {
	struct use *v;
	size_t n, cap;
	char *last[2]; /* the previous row's who, per kind */
	long long ord[2];
	int kind;
};

/* Rows of (who..., agent, n), ordered by who. */
static int use_row(void *arg, int ncols, const char *const *c,
		   const char *const *names)
{
	struct uses *u = arg;
	const char *who = c[0];
	const char *agent = c[ncols - 2] ? c[ncols - 2] : "";
	struct use *e;
	char key[1024];

	(void)names;
	snprintf(key, sizeof(key), "%s%c%s", who, 1, ncols > 3 ? c[1] : "");
	if (!u->last[u->kind] || strcmp(u->last[u->kind], key) != 0) {
		free(u->last[u->kind]);
		u->last[u->kind] = xstrdup(key);
		u->ord[u->kind]++;
	}
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 256;
		u->v = xrealloc(u->v, u->cap * sizeof(*u->v));
	}
	e = &u->v[u->n++];
	sdk_parse(agent, strlen(agent), &e->sdk);
	e->kind = u->kind;
	e->who = u->ord[u->kind];
	e->n = report_num(c[ncols - 1]);
	return 0;
}

static int cmp_use(const void *a, const void *b)
{
	const struct use *x = a;
	const struct use *y = b;
	int d = strcmp(x->sdk.name, y->sdk.name);

	if (!d)
		d = strcmp(x->sdk.version, y->sdk.version);
	if (!d)
		d = x->kind - y->kind;
	if (!d)
		d = x->who < y->who ? -1 : x->who > y->who;
	return d;
}

/* One output row: an SDK version's totals. */
struct total {
	const struct sdk *sdk;
	long long requests, clients, creds;
};

static int cmp_total(const void *a, const void *b)
{
	const struct total *x = a;
	const struct total *y = b;
	int d;

	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	d = strcmp(x->sdk->name, y->sdk->name);
	return d ? d : strcmp(x->sdk->version, y->sdk->version);
}

/* Fold the sorted uses into totals; return how many. */
static size_t fold(const struct uses *u, struct total *t)
{
	size_t nt = 0;

	for (size_t i = 0; i < u->n; i++) {
		const struct use *e = &u->v[i];
		const struct use *p = i ? &u->v[i - 1] : NULL;
		int same = p && strcmp(p->sdk.name, e->sdk.name) == 0 &&
			   strcmp(p->sdk.version, e->sdk.version) == 0;

		if (!same)
			t[nt++] = (struct total){&e->sdk, 0, 0, 0};
		if (e->kind == 0)
			t[nt - 1].requests += e->n;
		if (same && p->kind == e->kind && p->who == e->who)
			continue;
		if (e->kind == 0)
			t[nt - 1].clients++;
		else
			t[nt - 1].creds++;
	}
	return nt;
}

static const char *const sdk_cols[] = {"sdk", "version", "legacy_requests",
				       "clients", "credentials"};
static const enum cell_kind sdk_kinds[] = {CELL_TEXT, CELL_TEXT, CELL_NUM,
					   CELL_NUM, CELL_NUM};

static int write_totals(struct ctx *x, struct total *t, size_t nt)
{
	struct table *tb = table_new(x->f, x->o->json, sdk_cols, sdk_kinds, 5);

	qsort(t, nt, sizeof(*t), cmp_total);
	for (size_t i = 0; i < nt; i++) {
		char c[3][32];
		const char *v[5] = {t[i].sdk->name, t[i].sdk->version, c[0],
				    c[1], c[2]};

		snprintf(c[0], 32, "%lld", t[i].requests);
		snprintf(c[1], 32, "%lld", t[i].clients);
		snprintf(c[2], 32, "%lld", t[i].creds);
		table_row(tb, v);
	}
	return table_end(tb);
}

int report_sdks(struct ctx *x)
{
	struct uses u;
	struct total *t;
	int rc;

	memset(&u, 0, sizeof(u));
	rc =
	    store_each(x->st,
		       "SELECT client, agent, sum(n) FROM agents WHERE " WINDOW
		       " AND class IN " LEGACY " GROUP BY client, agent"
		       " ORDER BY client",
		       x->params, 2, use_row, &u, x->err, x->errlen);
	u.kind = 1;
	if (rc == 0)
		rc = store_each(x->st,
				"SELECT client, fp, agent, sum(n) FROM"
				" cred_agents WHERE " WINDOW
				" GROUP BY client, fp, agent"
				" ORDER BY client, fp",
				x->params, 2, use_row, &u, x->err, x->errlen);
	qsort(u.v, u.n, sizeof(*u.v), cmp_use);
	t = xmalloc((u.n + 1) * sizeof(*t));
	if (rc == 0 && write_totals(x, t, fold(&u, t)) < 0)
		rc = -1;
	free(t);
	free(u.v);
	free(u.last[0]);
	free(u.last[1]);
	return rc;
}
