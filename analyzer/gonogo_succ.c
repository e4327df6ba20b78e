/* gonogo_succ.c: credential succession from the registry: a dormant
 * credential whose account (the registry's client id of its row) has
 * another credential with requests of another class after its last
 * legacy day was succeeded by it: migrated, not dormant.  The pass gives
 * every client (gn_succ_client()); the candidates are settled once it
 * is done (gn_succ_resolve()), as an account's clients come in any
 * order. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "gonogo_int.h"
#include "registry.h"

/* A dormant client of the pass with a registry account. */
struct cand {
	char *client, *account;
	int64_t last_legacy;
};

struct gn_succ {
	struct registry *reg;
	int64_t *last_other; /* per registry row: its clients' last other
				day, CLIENT_NO_DAY: none */
	char **by;	     /* per row: the client of that day */
	struct cand *v;
	size_t n, cap;
	/* registry_match()'s callbacks */
	const char *client;
	const struct client_story *s;
	char *account;
};

void gn_succ_start(struct gonogo *g, struct registry *reg)
{
	struct gn_succ *u = xcalloc(1, sizeof(*u));

	u->reg = reg;
	u->last_other = xmalloc(((size_t)reg->nrows + 1) * sizeof(int64_t));
	u->by = xcalloc((size_t)reg->nrows + 1, sizeof(char *));
	for (int r = 0; r < reg->nrows; r++)
		u->last_other[r] = CLIENT_NO_DAY;
	g->succ = u;
}

/* A registry row of the client being read: its last other day, and
 * its account (the first row's client id). */
static void row_seen(void *ctx, const char *const *row, int r, const char *fp)
{
	struct gn_succ *u = ctx;

	(void)fp;
	if (u->s->last_other > u->last_other[r]) {
		u->last_other[r] = u->s->last_other;
		free(u->by[r]);
		u->by[r] = xstrdup(u->client);
	}
	if (!u->account && u->reg->client_col >= 0 &&
	    row[u->reg->client_col][0])
		u->account = xstrdup(row[u->reg->client_col]);
}

void gn_succ_client(struct gonogo *g, const char *client,
		    const struct client_story *s, int dormant)
{
	struct gn_succ *u = g->succ;
	const char *fps[1] = {client};
	int nfps = strncmp(client, "fp:", 3) == 0;

	u->client = client;
	u->s = s;
	u->account = NULL;
	registry_match(u->reg, client, fps, nfps, row_seen, u);
	if (!dormant || !u->account) {
		free(u->account);
		return;
	}
	u->v = xgrow(u->v, u->n, &u->cap, sizeof(*u->v), 16);
	u->v[u->n].client = xstrdup(client);
	u->v[u->n].account = u->account;
	u->v[u->n++].last_legacy = s->last_legacy;
}

/* The best successor of a candidate: a row of its account, with
 * another client, whose last other day is after its last legacy day. */
struct best {
	const struct gn_succ *u;
	const struct cand *c;
	int row; /* -1: none */
};

static void row_of_account(void *ctx, const char *const *row, int r,
			   const char *fp)
{
	struct best *b = ctx;
	const struct gn_succ *u = b->u;

	(void)row;
	(void)fp;
	if (!u->by[r] || strcmp(u->by[r], b->c->client) == 0 ||
	    u->last_other[r] <= b->c->last_legacy)
		return;
	if (b->row < 0 || u->last_other[r] > u->last_other[b->row])
		b->row = r;
}

/* Keep c, succeeded by the client of row r, among the first shown. */
static void keep(struct gonogo *g, const struct cand *c, int r)
{
	struct gn_succ *u = g->succ;
	struct gn_succeeded *e;

	if (g->nkept_succeeded >= GN_TOP)
		return;
	e = &g->succeeded[g->nkept_succeeded++];
	e->client = xstrdup(c->client);
	e->account = xstrdup(c->account);
	e->by = xstrdup(u->by[r]);
	day_format(c->last_legacy, e->last);
	day_format(u->last_other[r], e->by_day);
}

/* Take a succeeded client off the dormant list kept. */
static void drop_dormant(struct gonogo *g, const char *client)
{
	for (int i = 0; i < g->nkept_dormant; i++) {
		if (strcmp(g->dormant[i].client, client) != 0)
			continue;
		free(g->dormant[i].client);
		free(g->dormant[i].owner);
		memmove(&g->dormant[i], &g->dormant[i + 1],
			(size_t)(g->nkept_dormant - i - 1) *
			    sizeof(g->dormant[0]));
		g->nkept_dormant--;
		return;
	}
}

void gn_succ_resolve(struct gonogo *g)
{
	struct gn_succ *u = g->succ;

	for (size_t i = 0; u && i < u->n; i++) {
		struct best b = {u, &u->v[i], -1};

		registry_match(u->reg, u->v[i].account, NULL, 0,
			       row_of_account, &b);
		if (b.row < 0)
			continue;
		g->nsucceeded++;
		keep(g, &u->v[i], b.row);
		if (g->o.strict_succession)
			continue;
		g->ndormant--;
		drop_dormant(g, u->v[i].client);
	}
}

void gn_probable_add(struct gonogo *g, const char *client,
		     const struct client_heir *h)
{
	struct gn_probable *e;

	g->nprobable++;
	if (g->nkept_probable >= GN_TOP)
		return;
	e = &g->probable[g->nkept_probable++];
	e->client = xstrdup(client);
	e->by = xstrdup(h->by);
	snprintf(e->fp, sizeof(e->fp), "%s", h->fp);
	snprintf(e->origin, sizeof(e->origin), "%s", h->origin);
	day_format(h->last_legacy, e->last);
	day_format(h->first, e->first);
	e->days = (int)(h->first - h->last_legacy);
}

void gn_succ_done(struct gonogo *g)
{
	struct gn_succ *u = g->succ;

	if (!u)
		return;
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].client);
		free(u->v[i].account);
	}
	for (int r = 0; r < u->reg->nrows; r++)
		free(u->by[r]);
	free(u->v);
	free(u->by);
	free(u->last_other);
	free(u);
	g->succ = NULL;
}
