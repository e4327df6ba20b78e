/* gonogo_extra.c: what gonogo shows beside the verdict: dormant clients,
 * brownout replays and the forecast. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "gonogo_int.h"

#define FORECAST_DAYS 28 /* days fitted, up to the as-of day */

int gonogo_blind_class(const struct gonogo *g, int cls)
{
	const char *name = g->clsname[cls];

	return cls == g->ncls - 1 || strcmp(name, "hidden") == 0 ||
	       (g->blind_none && strcmp(name, "none") == 0);
}

/* ---- the first GN_TOP of a list ---- */

int gn_top_rank(const void *v, int n, size_t size, const void *item,
		int (*cmp)(const void *, const void *))
{
	const char *e = v;
	int i = n;

	/* most items come after the last kept: one comparison */
	while (i > 0 && cmp(item, e + (size_t)(i - 1) * size) < 0)
		i--;
	return i < GN_TOP ? i : -1;
}

void *gn_top_open(void *v, int *n, size_t size, int i, void *dropped)
{
	char *e = v;
	int full = *n == GN_TOP;

	if (full)
		memcpy(dropped, e + (size_t)(GN_TOP - 1) * size, size);
	else
		++*n;
	memmove(e + (size_t)(i + 1) * size, e + (size_t)i * size,
		(size_t)(*n - 1 - i) * size);
	return full ? dropped : NULL;
}

/* ---- dormant clients ---- */

static int int_cmp(const void *a, const void *b)
{
	int x = *(const int *)a;
	int y = *(const int *)b;

	return (x > y) - (x < y);
}

/* The median gap between a client's days of use; 0 for one day. */
static int period_of(const struct gn_client *c)
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

/* The day of use after last every period days, never before asof (a
 * day missed is not expected again in the past). */
static long next_use(long last, int period, long asof)
{
	long next = last + period;

	if (next < asof)
		next += (asof - next + period - 1) / period * period;
	return next;
}

static int dormant_cmp(const void *a, const void *b)
{
	const struct gn_dormant *x = a;
	const struct gn_dormant *y = b;

	if (x->look_last != y->look_last)
		return x->look_last > y->look_last ? -1 : 1;
	return strcmp(x->client, y->client);
}

int gn_dormant_add(struct gonogo *g, const struct gn_client *c)
{
	struct gn_dormant d, out;
	long last;
	int i;

	/* legacy use before the window, none in it, neither migrated
	 * nor refused by the client model: it will be back, and break */
	if (!c->look || c->marginal || c->already ||
	    c->state == CLIENT_MIGRATED || c->state == CLIENT_REFUSED)
		return 0;
	g->ndormant++;
	memset(&d, 0, sizeof(d));
	d.client = c->client;
	d.look_last = c->look_last;
	i = gn_top_rank(g->dormant, g->nkept_dormant, sizeof(d), &d,
			dormant_cmp);
	if (i < 0)
		return 1;
	if (gn_top_open(g->dormant, &g->nkept_dormant, sizeof(d), i, &out)) {
		free(out.client);
		free(out.owner);
	}
	d.client = xstrdup(c->client);
	last = (long)(c->look_last / 86400);
	day_format(last, d.last);
	d.period = period_of(c);
	if (d.period)
		day_format(next_use(last, d.period, day_number(g->to)),
			   d.next);
	g->dormant[i] = d;
	return 1;
}

/* ---- brownouts ---- */

/* Read "DAY HH:MM-HH:MM" (checked by options) into b; move a day after
 * the as-of day back by whole weeks, onto the same weekday. */
static void plan(struct gonogo *g, struct gn_brownout *b, const char *spec)
{
	int h1, m1, h2, m2;
	char day[DAY_SIZE];
	long dn, asof = day_number(g->to);

	memcpy(day, spec, 10);
	day[10] = 0;
	dn = day_number(day);
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
	day_format(dn, b->day);
}

void gn_brownout_plan(struct gonogo *g, char first[DAY_SIZE])
{
	const struct gonogo_opts *cfg = &g->o;

	snprintf(first, DAY_SIZE, "%s", g->look_from);
	for (int i = 0; i < cfg->nbrownouts && i < GN_MAXBO; i++) {
		plan(g, &g->bo[i], cfg->brownouts[i]);
		if (strcmp(g->bo[i].day, first) < 0)
			snprintf(first, DAY_SIZE, "%s", g->bo[i].day);
	}
	g->nbo = cfg->nbrownouts;
}

int gn_hit_row(struct ruleset *rs, int phase, struct gn_brownout *b,
	       struct gn_hit *h, const struct gn_row *r)
{
	long rel = (r->dn - day_number(b->day)) * 24 + (long)r->last;

	if (rel * 60 >= b->to || (rel + 1) * 60 <= b->from)
		return 0;
	if (r->status == 434) {
		h->s434 += r->n;
		b->s434 += r->n;
	} else if (rules_phase_refuses(rs, phase, r->cls, r->amnesty)) {
		h->would += r->n;
		h->hours |= 1ull << (rel - b->from / 60);
		b->would += r->n;
	} else
		return 0;
	return 1;
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

void gn_hit_done(struct gonogo *g, struct gn_brownout *b, struct gn_hit *h,
		 const struct gn_client *c)
{
	struct gn_hit out;
	int i;

	b->nhits++;
	h->client = c->client;
	h->state = c->state;
	i = gn_top_rank(b->hits, b->nkept, sizeof(*h), h, hit_cmp);
	if (i < 0)
		return;
	if (gn_top_open(b->hits, &b->nkept, sizeof(*h), i, &out))
		free(out.client);
	b->hits[i] = *h;
	b->hits[i].client = xstrdup(c->client);
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

int gn_brownout_hourly(struct gonogo *g, struct store *st, char *err,
		       size_t errlen)
{
	int hourly = 0;

	if (!g->nbo)
		return 0;
	if (store_each(st,
		       "SELECT 1 FROM sqlite_master WHERE type IN ('table',"
		       " 'view') AND name = 'hourly'",
		       NULL, 0, one_row, &hourly, err, errlen) < 0)
		return -1;
	for (int i = 0; i < g->nbo; i++)
		g->bo[i].replayed = hourly;
	return 0;
}

/* ---- forecast ---- */

/* The slope b of the least-squares line y = a + b x through (0, a):
 * x is days from the as-of day, a the headline's figure, so that the
 * line says today what the verdict says. */
static double fit(const double *x, const double *y, int n, double a)
{
	double sxy = 0, sxx = 0;

	for (int i = 0; i < n; i++) {
		sxy += x[i] * (y[i] - a);
		sxx += x[i] * x[i];
	}
	return sxx > 0 ? sxy / sxx : 0;
}

/* The day the line a + b x falls to limit, or "" when it does not. */
static void crossing(double a, double b, double limit, long asof,
		     char out[DAY_SIZE])
{
	out[0] = 0;
	if (a <= limit)
		day_format(asof, out);
	else if (b < 0)
		day_format(asof + (long)ceil((limit - a) / b), out);
}

void gn_forecast(struct gonogo *g)
{
	struct gn_forecast *f = &g->fc;
	long asof = day_number(g->to);
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
	day_format(asof - FORECAST_DAYS + 1, f->from);
	if (n < 3)
		return;
	/* today is the headline, within 0..100 % and 0..the clients */
	f->share_now = g->share < 0 ? 0 : g->share > 100 ? 100 : g->share;
	f->clients_now = g->nactive < 0 ? 0 : g->nactive;
	f->share_slope = fit(x, ys, n, f->share_now);
	f->clients_slope = fit(x, yc, n, f->clients_now);
	crossing(f->share_now, f->share_slope, g->o.max_share, asof,
		 f->share_day);
	/* a count is at most N once the line is under N + 1/2 */
	crossing(f->clients_now, f->clients_slope, g->o.max_clients + 0.5,
		 asof, f->clients_day);
}
