/* gonogo_client.c: each client of gonogo's pass, once its rows are read:
 * counted by its state (the client model's), kept among the first
 * GN_TOP, and added to the full list when one is kept. */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gonogo_int.h"

#define DAY 86400

static int client_cmp(const void *a, const void *b)
{
	const struct gn_client *x = a;
	const struct gn_client *y = b;
	int xin = x->marginal + x->already > 0;
	int yin = y->marginal + y->already > 0;

	if (xin != yin)
		return yin - xin;
	if (x->marginal != y->marginal)
		return x->marginal > y->marginal ? -1 : 1;
	if (x->already != y->already)
		return x->already > y->already ? -1 : 1;
	return strcmp(x->client, y->client);
}

/* Count c, its state given by the client model: a refused client is
 * never breaking, nor are its requests newly refused; an active one
 * (legacy-only, mixed, regressed) breaks when it sent a request the
 * phase refuses within --min-quiet-days of the window's end. */
static void client_state(struct gonogo *g, struct gn_client *c)
{
	int64_t end = (int64_t)(day_number(g->to) + 1) * DAY;

	c->quiet_days = c->marginal ? (int)((end - 1 - c->last) / DAY) : -1;
	c->active = 0;
	g->already += c->already;
	if (c->state == CLIENT_REFUSED) {
		g->nrefused++;
		return;
	}
	g->refused += c->marginal;
	if (!c->marginal)
		g->nalready++;
	else if (c->state == CLIENT_MIGRATED)
		g->nmigrated++;
	else if (client_state_active(c->state) &&
		 c->quiet_days < g->o.min_quiet)
		c->active = 1;
	else
		g->nquiet++;
	g->nactive += c->active;
}

/* Keep c among the first GN_TOP, when it is. */
static void keep_top(struct gonogo *g, const struct gn_client *c)
{
	struct gn_client out;
	int i = gn_top_rank(g->top, g->ntop, sizeof(*c), c, client_cmp);

	if (i < 0)
		return;
	if (gn_top_open(g->top, &g->ntop, sizeof(*c), i, &out)) {
		free(out.client);
		free(out.agent);
		free(out.owner);
	}
	g->top[i] = *c;
	g->top[i].client = xstrdup(c->client);
	g->top[i].agent = c->agent ? xstrdup(c->agent) : NULL;
	g->top[i].owner = NULL;
	g->top[i].days = NULL;
	g->top[i].ndays = 0;
}

int gn_client_done(struct gonogo *g, struct gn_client *c, char *err,
		   size_t errlen)
{
	if (c->marginal + c->already <= 0)
		return 0;
	client_state(g, c);
	g->ncl++;
	keep_top(g, c);
	return g->list ? gn_list_add(g, c, err, errlen) : 0;
}
