/* report_sdks.c: legacy requests, clients and credentials by SDK and
 * version, across all clients. */
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "sdk.h"
#include "table.h"

/* One output row: an SDK version's totals, and the ordinal of the last
 * client (kind 0) and credential (kind 1) counted under it. */
struct total {
	struct sdk sdk;
	long long requests, clients, creds;
	long long last[2];
};

/* The totals, found by a hash of the SDK (open addressing); a handful
 * of SDK versions, whatever the number of clients. */
struct uses {
	struct total *v;
	size_t n, cap;
	size_t *slot;  /* index + 1 into v, 0: free; cap * 2 of them */
	char *last[2]; /* the previous row's who, per kind */
	long long ord[2];
	int kind;
};

static uint64_t sdk_hash(const struct sdk *k)
{
	return buf_mix(buf_hash(k->name, strlen(k->name)) ^
		       buf_hash(k->version, strlen(k->version)));
}

static void rehash(struct uses *u)
{
	size_t ns = u->cap * 2;

	free(u->slot);
	u->slot = xcalloc(ns, sizeof(*u->slot));
	for (size_t i = 0; i < u->n; i++) {
		size_t h = sdk_hash(&u->v[i].sdk) % ns;

		while (u->slot[h])
			h = (h + 1) % ns;
		u->slot[h] = i + 1;
	}
}

static struct total *total_of(struct uses *u, const struct sdk *k)
{
	size_t h;
	struct total *t;

	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 64;
		u->v = xrealloc(u->v, u->cap * sizeof(*u->v));
		rehash(u);
	}
	for (h = sdk_hash(k) % (u->cap * 2); u->slot[h];
	     h = (h + 1) % (u->cap * 2)) {
		t = &u->v[u->slot[h] - 1];
		if (strcmp(t->sdk.name, k->name) == 0 &&
		    strcmp(t->sdk.version, k->version) == 0)
			return t;
	}
	t = &u->v[u->n++];
	memset(t, 0, sizeof(*t));
	t->sdk = *k;
	u->slot[h] = u->n;
	return t;
}

/* Rows of (who..., agent, n), ordered by who: each counts its requests
 * (agents only) and its client or credential once under its SDK. */
static int use_row(void *arg, int ncols, const char *const *c,
		   const char *const *names)
{
	struct uses *u = arg;
	const char *agent = c[ncols - 2] ? c[ncols - 2] : "";
	struct total *t;
	struct sdk sdk;
	char key[1024];

	(void)names;
	snprintf(key, sizeof(key), "%s%c%s", c[0], 1, ncols > 3 ? c[1] : "");
	if (!u->last[u->kind] || strcmp(u->last[u->kind], key) != 0) {
		free(u->last[u->kind]);
		u->last[u->kind] = xstrdup(key);
		u->ord[u->kind]++;
	}
	sdk_parse(agent, strlen(agent), &sdk);
	t = total_of(u, &sdk);
	if (u->kind == 0)
		t->requests += report_num(c[ncols - 1]);
	if (t->last[u->kind] == u->ord[u->kind])
		return 0;
	t->last[u->kind] = u->ord[u->kind];
	if (u->kind == 0)
		t->clients++;
	else
		t->creds++;
	return 0;
}

static int cmp_total(const void *a, const void *b)
{
	const struct total *x = a;
	const struct total *y = b;
	int d;

	if (x->requests != y->requests)
		return x->requests > y->requests ? -1 : 1;
	d = strcmp(x->sdk.name, y->sdk.name);
	return d ? d : strcmp(x->sdk.version, y->sdk.version);
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
		const char *v[5] = {t[i].sdk.name, t[i].sdk.version, c[0],
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
	int rc;

	memset(&u, 0, sizeof(u));
	rc = store_each(x->st,
			"SELECT client, " STORE_AGENT ", sum(n) FROM agents"
			" WHERE " WINDOW " AND class IN " LEGACY
			" GROUP BY client, " STORE_AGENT " ORDER BY client",
			x->params, 2, use_row, &u, x->err, x->errlen);
	u.kind = 1;
	if (rc == 0)
		rc = store_each(x->st,
				"SELECT client, fp, agent, sum(n) FROM"
				" cred_agents WHERE " WINDOW
				" GROUP BY client, fp, agent"
				" ORDER BY client, fp",
				x->params, 2, use_row, &u, x->err, x->errlen);
	if (rc == 0 && write_totals(x, u.v, u.n) < 0)
		rc = -1;
	free(u.v);
	free(u.slot);
	free(u.last[0]);
	free(u.last[1]);
	return rc;
}
