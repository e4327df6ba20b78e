/* gonogo_extra.c: what gonogo shows beside the verdict: dormant clients,
 * brownout replays and the forecast. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gonogo.h"

#define FORECAST_DAYS 28 /* days fitted, up to the as-of day */

int gn_blind_class(const struct gonogo *g, int cls)
{
	const char *name = g->clsname[cls];

	return cls == g->ncls - 1 || strcmp(name, "hidden") == 0 ||
	       (g->blind_none && strcmp(name, "none") == 0);
}

/* ---- dormant clients ---- */

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a;
	int y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The median gap between a client's days of use; 0 for one day. */
static int period_of(struct gn_client *c)
{
	int *gap;
	int p;

	if (c->ndays < 2)
		return 0;
	qsort(c->days, (size_t)c->ndays, sizeof(*c->days), int_cmp);
	gap = xmalloc((size_t)(c->ndays - 1) * sizeof(*gap));
	for (int i = 1; i < c->ndays; i++)
		gap[i - 1] = c->days[i] - c->days[i - 1];
	qsort(gap, (size_t)(c->ndays - 1), sizeof(*gap), int_cmp);
	p = gap[(c->ndays - 2) / 2]; /* the lower median of ndays - 1 */
	free(gap);
	return p;
}

static int dormant_cmp(const void *a, const void *b)
{
	const struct gn_dormant *x = a;
	const struct gn_dormant *y = b;

	if (x->c->look_last != y->c->look_last)
		return x->c->look_last > y->c->look_last ? -1 : 1;
	return strcmp(x->c->client, y->c->client);
}

void gn_dormant(struct gonogo *g)
{
	for (int i = 0; i < g->nall; i++) {
		struct gn_client *c = &g->cl[i];
		struct gn_dormant *d;
		long last;

		/* legacy use before the window, none in it, nothing
		 * modern since: it will be back, and break */
		if (!c->look || c->marginal || c->already ||
		    c->last_modern / 86400 > c->look_last / 86400)
			continue;
		g->dormant = xrealloc(g->dormant, (size_t)(g->ndormant + 1) *
						      sizeof(*g->dormant));
		d = &g->dormant[g->ndormant++];
		memset(d, 0, sizeof(*d));
		d->c = c;
		last = (long)(c->look_last / 86400);
		gn_day_text(last, d->last);
		d->period = period_of(c);
		if (d->period)
			gn_day_text(last + d->period, d->next);
	}
	if (g->ndormant)
		qsort(g->dormant, (size_t)g->ndormant, sizeof(*g->dormant),
		      dormant_cmp);
}

/* ---- brownouts ---- */

/* Read "DAY HH:MM-HH:MM" (checked by options) into b; move a day after
 * the as-of day back by whole weeks, onto the same weekday. */
static void plan(struct gonogo *g, struct gn_brownout *b, const char *spec)
{
	int h1, m1, h2, m2;
	char day[11];
	long dn, asof = gn_dnum(g->to);

	memcpy(day, spec, 10);
	day[10] = 0;
	dn = gn_dnum(day);
	b->spec = spec;
	sscanf(spec + 11, "%d:%d-%d:%d", &h1, &m1, &h2, &m2);
	b->from = h1 * 60 + m1;
	b->to = h2 * 60 + m2;
	if (b->to <= b->from)
		b->to += 1440;
	b->nhours = (b->to + 59) / 60 - b->from / 60;
	if (dn > asof) {
		b->shifted = (int)((dn - asof + 6) / 7);
		dn -= 7L * b->shifted;
	}
	gn_day_text(dn, b->day);
}

void gn_brownout_plan(struct gonogo *g, char first[11])
{
	const struct config *cfg = g->cfg;

	snprintf(first, 11, "%s", g->look_from);
	for (int i = 0; i < cfg->nbrownouts && i < 16; i++) {
		plan(g, &g->bo[i], cfg->brownouts[i]);
		if (strcmp(g->bo[i].day, first) < 0)
			snprintf(first, 11, "%s", g->bo[i].day);
	}
	g->nbo = cfg->nbrownouts;
}

struct boscan {
	struct gonogo *g;
	struct ruleset *rs;
	int phase;
	struct gn_brownout *b;
};

static struct gn_hit *hit_of(struct gn_brownout *b, const char *client)
{
	for (int i = b->nhits - 1; i >= 0; i--)
		if (strcmp(b->hits[i].client, client) == 0)
			return &b->hits[i];
	b->hits = xrealloc(b->hits, (size_t)(b->nhits + 1) * sizeof(*b->hits));
	memset(&b->hits[b->nhits], 0, sizeof(*b->hits));
	b->hits[b->nhits].client = xstrdup(client);
	return &b->hits[b->nhits++];
}

/* day, hour, client, class, amnesty, status, n */
static int bo_row(void *arg, int n, const char *const *c,
		  const char *const *names)
{
	struct boscan *bs = arg;
	struct gn_brownout *b = bs->b;
	long rel = (gn_dnum(c[0]) - gn_dnum(b->day)) * 24 + atol(c[1]);
	int cls = rules_class_find(bs->rs, c[3]);
	long long v = atoll(c[6]);
	struct gn_hit *h;

	(void)n;
	(void)names;
	if (rel * 60 >= b->to || (rel + 1) * 60 <= b->from)
		return 0;
	if (atoi(c[5]) == 434) {
		h = hit_of(b, c[2]);
		h->s434 += v;
		b->s434 += v;
	} else if (rules_phase_refuses(bs->rs, bs->phase, cls, atoi(c[4]))) {
		h = hit_of(b, c[2]);
		h->would += v;
		h->hours |= 1ull << (rel - b->from / 60);
		b->would += v;
	}
	return 0;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct gn_hit *x = a;
	const struct gn_hit *y = b;

	if (x->would != y->would)
		return x->would > y->would ? -1 : 1;
	if (x->s434 != y->s434)
		return x->s434 > y->s434 ? -1 : 1;
	return strcmp(x->client, y->client);
}

static int one_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	(void)n;
	(void)c;
	(void)names;
	*(int *)arg = 1;
	return 0;
}

static int replay(struct boscan *bs, struct store *st, char *err,
		  size_t errlen)
{
	struct gn_brownout *b = bs->b;
	char last[11];
	const char *p[2] = {b->day, last};
	/* migrated since: modern after its last legacy request, and no
	 * legacy request for --min-quiet-days before the window's end */
	int64_t quiet =
	    (int64_t)(gn_dnum(bs->g->to) + 1 - bs->g->cfg->min_quiet) * 86400;

	gn_day_text(gn_dnum(b->day) + (b->to - 1) / 1440, last);
	if (store_each(st,
		       "SELECT day, hour, client, class, amnesty, status, n"
		       " FROM hourly WHERE day BETWEEN ?1 AND ?2",
		       p, 2, bo_row, bs, err, errlen) < 0)
		return -1;
	b->replayed = 1;
	for (int i = 0; i < b->nhits; i++) {
		struct gn_hit *h = &b->hits[i];
		int ci = gn_client_find(bs->g, h->client);
		const struct gn_client *c = ci < 0 ? NULL : &bs->g->cl[ci];

		h->migrated = c && c->last_legacy < quiet &&
			      c->last_modern > c->last_legacy;
	}
	if (b->nhits)
		qsort(b->hits, (size_t)b->nhits, sizeof(*b->hits), hit_cmp);
	return 0;
}

int gn_brownouts(struct gonogo *g, struct store *st, struct ruleset *rs,
		 int phase, char *err, size_t errlen)
{
	struct boscan bs = {g, rs, phase, NULL};
	int hourly = 0;

	if (!g->nbo)
		return 0;
	if (store_each(st,
		       "SELECT 1 FROM sqlite_master WHERE type IN ('table',"
		       " 'view') AND name = 'hourly'",
		       NULL, 0, one_row, &hourly, err, errlen) < 0)
		return -1;
	for (int i = 0; hourly && i < g->nbo; i++) {
		bs.b = &g->bo[i];
		if (replay(&bs, st, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* After the clients were sorted: point every hit at its client. */
void gn_brownout_link(struct gonogo *g)
{
	for (int i = 0; i < g->nbo; i++)
		for (int j = 0; j < g->bo[i].nhits; j++) {
			int ci = gn_client_find(g, g->bo[i].hits[j].client);

			g->bo[i].hits[j].c = ci < 0 ? NULL : &g->cl[ci];
		}
}

/* ---- forecast ---- */

/* Fit y = a + b x by least squares; x is days from the as-of day. */
static void fit(const double *x, const double *y, int n, double *a, double *b)
{
	double mx = 0, my = 0, sxy = 0, sxx = 0;

	for (int i = 0; i < n; i++) {
		mx += x[i] / n;
		my += y[i] / n;
	}
	for (int i = 0; i < n; i++) {
		sxy += (x[i] - mx) * (y[i] - my);
		sxx += (x[i] - mx) * (x[i] - mx);
	}
	*b = sxx > 0 ? sxy / sxx : 0;
	*a = my - *b * mx;
}

/* The day the line a + b x falls to limit, or "" when it does not. */
static void crossing(double a, double b, double limit, long asof, char out[11])
{
	out[0] = 0;
	if (a <= limit)
		gn_day_text(asof, out);
	else if (b < 0)
		gn_day_text(asof + (long)ceil((limit - a) / b), out);
}

void gn_forecast(struct gonogo *g)
{
	struct gn_forecast *f = &g->fc;
	long asof = gn_dnum(g->to);
	double x[FORECAST_DAYS], ys[FORECAST_DAYS], yc[FORECAST_DAYS];
	int n = 0;

	for (int i = 0; i < g->ndays; i++) {
		const struct gn_day *d = &g->days[i];

		if (d->dnum > asof || d->dnum <= asof - FORECAST_DAYS ||
		    !d->total)
			continue;
		x[n] = (double)(d->dnum - asof);
		ys[n] = 100.0 * (double)d->marginal / (double)d->total;
		yc[n++] = d->marginal_clients;
	}
	f->ndays = n;
	gn_day_text(asof - FORECAST_DAYS + 1, f->from);
	if (n < 3)
		return;
	fit(x, ys, n, &f->share_now, &f->share_slope);
	fit(x, yc, n, &f->clients_now, &f->clients_slope);
	crossing(f->share_now, f->share_slope, g->cfg->max_share, asof,
		 f->share_day);
	/* a count is at most N once the line is under N + 1/2 */
	crossing(f->clients_now, f->clients_slope, g->cfg->max_clients + 0.5,
		 asof, f->clients_day);
}

void gn_free_extra(struct gonogo *g)
{
	free(g->dormant);
	for (int i = 0; i < g->nbo; i++) {
		for (int j = 0; j < g->bo[i].nhits; j++)
			free(g->bo[i].hits[j].client);
		free(g->bo[i].hits);
	}
}
