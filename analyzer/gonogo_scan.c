/* gonogo_scan.c: read the store's counts for gonogo in single passes,
 * aggregating in hash tables: no query joins or sorts the rows. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "gonogo.h"
#include "parse.h"

long gn_dnum(const char *day)
{
	int64_t d;

	if (!day || day_parse(day, &d) < 0)
		return LONG_MIN;
	return (long)d;
}

void gn_day_text(long dnum, char out[11])
{
	day_format(dnum, out);
}

static long long num(const char *s)
{
	return s ? atoll(s) : 0;
}

/* ---- a set of 64-bit keys (0 is taken as "free": keys are never 0) */

struct set {
	uint64_t *k;
	size_t n, cap;
};

/* Add key; return 1 when it was new. */
static int set_add(struct set *s, uint64_t key)
{
	size_t i;

	key |= 1;
	if (2 * (s->n + 1) > s->cap) {
		struct set t = {xcalloc(s->cap ? 2 * s->cap : 1024, 8), 0,
				s->cap ? 2 * s->cap : 1024};

		for (i = 0; i < s->cap; i++)
			if (s->k[i])
				set_add(&t, s->k[i]);
		free(s->k);
		*s = t;
	}
	for (i = key & (s->cap - 1); s->k[i]; i = (i + 1) & (s->cap - 1))
		if (s->k[i] == key)
			return 0;
	s->k[i] = key;
	s->n++;
	return 1;
}

/* Forget every key, keeping the room. */
static void set_clear(struct set *s)
{
	if (s->k)
		memset(s->k, 0, s->cap * sizeof(*s->k));
	s->n = 0;
}

/* ---- the daily series ---- */

struct dayscan {
	struct gonogo *g;
	struct ruleset *rs;
	int phase;
	struct set clients; /* (client, kind) seen on the day setday */
	int setday;
	char lastday[11];
	int lastidx;
	char lastcls[64];
	int cls;
};

static int day_index(struct dayscan *ds, const char *day)
{
	struct gonogo *g = ds->g;
	long dn;

	if (strcmp(day, ds->lastday) == 0)
		return ds->lastidx;
	dn = gn_dnum(day);
	for (int i = g->ndays - 1; i >= 0; i--)
		if (g->days[i].dnum == dn)
			return ds->lastidx = i;
	g->days = xrealloc(g->days, (size_t)(g->ndays + 1) * sizeof(*g->days));
	memset(&g->days[g->ndays], 0, sizeof(*g->days));
	g->days[g->ndays].dnum = dn;
	snprintf(g->days[g->ndays].day, 11, "%s", day);
	snprintf(ds->lastday, sizeof(ds->lastday), "%s", day);
	return ds->lastidx = g->ndays++;
}

static int class_of(struct ruleset *rs, const char *name, char *last, int *cls)
{
	if (strcmp(name, last) != 0) {
		snprintf(last, 64, "%s", name);
		*cls = rules_class_find(rs, name);
	}
	return *cls;
}

/* day, client, class, amnesty, status, n */
static int day_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	struct dayscan *ds = arg;
	int i = day_index(ds, c[0] ? c[0] : "");
	struct gn_day *d = &ds->g->days[i];
	int cls = class_of(ds->rs, c[2] ? c[2] : "", ds->lastcls, &ds->cls);
	int legacy =
	    cls < rules_nclasses(ds->rs) && rules_class_legacy(ds->rs, cls);
	long long v = num(c[5]);
	uint64_t h = buf_hash(c[1], strlen(c[1]));
	int status = (int)num(c[4]);

	(void)n;
	(void)names;
	/* the rows come in day order: one day's clients at a time */
	if (i != ds->setday) {
		set_clear(&ds->clients);
		ds->setday = i;
	}
	d->total += v;
	d->s434 += status == 434 ? v : 0;
	if (legacy) {
		d->legacy += v;
		d->amnesty += num(c[3]) ? v : 0;
		d->legacy_clients += set_add(
		    &ds->clients, buf_mix(h ^ ((uint64_t)d->dnum << 2)));
	}
	if (status != 434 &&
	    rules_phase_refuses(ds->rs, ds->phase, cls, (int)num(c[3]))) {
		d->marginal += v;
		d->marginal_clients += set_add(
		    &ds->clients, buf_mix(h ^ ((uint64_t)d->dnum << 2 | 1)));
	}
	return 0;
}

static int day_cmp(const void *a, const void *b)
{
	const struct gn_day *x = a;
	const struct gn_day *y = b;

	return (x->dnum > y->dnum) - (x->dnum < y->dnum);
}

static int ll_cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a;
	long long y = *(const long long *)b;

	return (x > y) - (x < y);
}

/* The newest day with at least a tenth of the median day's requests:
 * a day of a few stray (or future-dated) lines is never the as-of. */
static void pick_asof(struct gonogo *g)
{
	long long *v = xmalloc((size_t)g->ndays * sizeof(*v));
	long long median;

	for (int i = 0; i < g->ndays; i++)
		v[i] = g->days[i].total;
	qsort(v, (size_t)g->ndays, sizeof(*v), ll_cmp);
	median = v[g->ndays / 2];
	free(v);
	for (int i = g->ndays - 1; i >= 0; i--)
		if (g->days[i].total * 10 >= median) {
			snprintf(g->to, sizeof(g->to), "%s", g->days[i].day);
			return;
		}
}

int gn_scan_days(struct gonogo *g, struct store *st, struct ruleset *rs,
		 int phase, char *err, size_t errlen)
{
	struct dayscan ds;
	int rc;

	memset(&ds, 0, sizeof(ds));
	ds.g = g;
	ds.rs = rs;
	ds.phase = phase;
	ds.lastidx = -1;
	ds.setday = -1;
	ds.lastcls[0] = '\x01';
	ds.lastday[0] = '\x01';
	/* in day order (one sort, in SQLite's bounded memory), so that the
	 * distinct clients are counted a day at a time: memory follows the
	 * clients of a day, not those of every day kept */
	rc = store_each(st,
			"SELECT day, client, class, amnesty, status, n "
			"FROM counts ORDER BY day",
			NULL, 0, day_row, &ds, err, errlen);
	free(ds.clients.k);
	if (rc < 0)
		return -1;
	qsort(g->days, (size_t)g->ndays, sizeof(*g->days), day_cmp);
	if (g->ndays) {
		snprintf(g->newest, sizeof(g->newest), "%s",
			 g->days[g->ndays - 1].day);
		if (!g->to[0]) {
			g->asof_default = 1;
			pick_asof(g);
		}
	}
	return 0;
}

/* ---- clients ---- */

static void rehash(struct gonogo *g)
{
	free(g->slot);
	g->nslot = 1024;
	while (g->nslot < 2 * (g->nall + 1))
		g->nslot *= 2;
	g->slot = xcalloc((size_t)g->nslot, sizeof(*g->slot));
	for (int i = 0; i < g->nall; i++) {
		const char *s = g->cl[i].client;
		size_t j = buf_hash(s, strlen(s)) & (size_t)(g->nslot - 1);

		while (g->slot[j])
			j = (j + 1) & (size_t)(g->nslot - 1);
		g->slot[j] = i + 1;
	}
}

int gn_client_find(const struct gonogo *g, const char *name)
{
	size_t j;

	if (!g->nslot)
		return -1;
	j = buf_hash(name, strlen(name)) & (size_t)(g->nslot - 1);
	for (; g->slot[j]; j = (j + 1) & (size_t)(g->nslot - 1))
		if (strcmp(g->cl[g->slot[j] - 1].client, name) == 0)
			return g->slot[j] - 1;
	return -1;
}

static struct gn_client *client_get(struct gonogo *g, const char *name)
{
	int i = gn_client_find(g, name);
	struct gn_client *c;

	if (i >= 0)
		return &g->cl[i];
	if (g->nall == g->capcl) {
		g->capcl = g->capcl ? 2 * g->capcl : 256;
		g->cl = xrealloc(g->cl, (size_t)g->capcl * sizeof(*g->cl));
	}
	c = &g->cl[g->nall];
	memset(c, 0, sizeof(*c));
	c->client = xstrdup(name);
	g->nall++;
	if (2 * g->nall > g->nslot) {
		rehash(g);
	} else {
		size_t j =
		    buf_hash(name, strlen(name)) & (size_t)(g->nslot - 1);

		while (g->slot[j])
			j = (j + 1) & (size_t)(g->nslot - 1);
		g->slot[j] = g->nall;
	}
	return c;
}

struct clientscan {
	struct gonogo *g;
	struct ruleset *rs;
	int phase;
	long from, to, look;
	char lastcls[64];
	int cls;
};

static void add_day(struct gn_client *c, int dn)
{
	for (int i = 0; i < c->ndays; i++)
		if (c->days[i] == dn)
			return;
	if (c->ndays == c->capdays) {
		c->capdays = c->capdays ? 2 * c->capdays : 8;
		c->days =
		    xrealloc(c->days, (size_t)c->capdays * sizeof(*c->days));
	}
	c->days[c->ndays++] = dn;
}

static void window_add(struct clientscan *cs, struct gn_client *c,
		       const char *const *col, int cls, int refuses)
{
	long long v = num(col[5]);
	int64_t last = num(col[6]);

	c->total += v;
	c->cls[cls] += v;
	cs->g->cls[cls] += v;
	cs->g->total += v;
	if (!refuses)
		return;
	if (num(col[4]) == 434)
		c->already += v;
	else
		c->marginal += v;
	if (last > c->last)
		c->last = last;
}

/* day, client, class, amnesty, status, n, last */
static int client_row(void *arg, int n, const char *const *col,
		      const char *const *names)
{
	struct clientscan *cs = arg;
	long dn = gn_dnum(col[0]);
	struct gn_client *c = client_get(cs->g, col[1]);
	int cls = class_of(cs->rs, col[2], cs->lastcls, &cs->cls);
	int refuses =
	    rules_phase_refuses(cs->rs, cs->phase, cls, (int)num(col[3]));
	int64_t last = num(col[6]);

	(void)n;
	(void)names;
	if (cls < rules_nclasses(cs->rs) && rules_class_legacy(cs->rs, cls)) {
		if (last > c->last_legacy)
			c->last_legacy = last;
	} else if (!gn_blind_class(cs->g, cls) &&
		   strcmp(rules_class_name(cs->rs, cls), "none") != 0 &&
		   last > c->last_modern)
		c->last_modern = last;
	if (dn >= cs->from)
		window_add(cs, c, col, cls, refuses);
	else if (dn >= cs->look && refuses && num(col[4]) != 434) {
		c->look += num(col[5]);
		if (last > c->look_last)
			c->look_last = last;
		add_day(c, (int)dn);
	}
	return 0;
}

int gn_scan_clients(struct gonogo *g, struct store *st, struct ruleset *rs,
		    int phase, const char *from, char *err, size_t errlen)
{
	struct clientscan cs;
	const char *p[2] = {from, g->to};

	memset(&cs, 0, sizeof(cs));
	cs.g = g;
	cs.rs = rs;
	cs.phase = phase;
	cs.from = gn_dnum(g->from);
	cs.to = gn_dnum(g->to);
	cs.look = gn_dnum(g->look_from);
	cs.lastcls[0] = '\x01';
	/* a range of the day index (schema 1: counts_day; 2: the key) */
	return store_each(st,
			  "SELECT day, client, class, amnesty, status, n, last"
			  " FROM counts WHERE day BETWEEN ?1 AND ?2",
			  p, 2, client_row, &cs, err, errlen);
}

/* ---- user agents ---- */

struct agent_sum {
	int ci;
	char *agent;
	long long n;
};

struct agentscan {
	struct gonogo *g;
	struct ruleset *rs;
	struct agent_sum *v;
	size_t cap, n;
	char lastcls[64];
	int cls;
};

static struct agent_sum *agent_slot(struct agentscan *as, int ci,
				    const char *agent)
{
	uint64_t h = buf_mix(buf_hash(agent, strlen(agent)) ^ (uint64_t)ci);
	size_t i;

	for (i = h & (as->cap - 1); as->v[i].agent;
	     i = (i + 1) & (as->cap - 1))
		if (as->v[i].ci == ci && strcmp(as->v[i].agent, agent) == 0)
			return &as->v[i];
	return &as->v[i];
}

static void agent_grow(struct agentscan *as)
{
	struct agentscan t = *as;

	t.cap = as->cap ? 2 * as->cap : 1024;
	t.v = xcalloc(t.cap, sizeof(*t.v));
	for (size_t i = 0; i < as->cap; i++)
		if (as->v[i].agent)
			*agent_slot(&t, as->v[i].ci, as->v[i].agent) =
			    as->v[i];
	free(as->v);
	as->v = t.v;
	as->cap = t.cap;
}

/* client, class, agent, n */
static int agent_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct agentscan *as = arg;
	int ci = gn_client_find(as->g, c[0]);
	int cls = class_of(as->rs, c[1], as->lastcls, &as->cls);
	struct agent_sum *a;

	(void)n;
	(void)names;
	if (ci < 0 || cls >= rules_nclasses(as->rs) ||
	    !rules_class_legacy(as->rs, cls) || !c[2])
		return 0;
	if (2 * (as->n + 1) > as->cap)
		agent_grow(as);
	a = agent_slot(as, ci, c[2]);
	if (!a->agent) {
		a->agent = xstrdup(c[2]);
		a->ci = ci;
		as->n++;
	}
	a->n += num(c[3]);
	return 0;
}

int gn_scan_agents(struct gonogo *g, struct store *st, struct ruleset *rs,
		   char *err, size_t errlen)
{
	struct agentscan as;
	const char *p[2] = {g->from, g->to};
	int rc;

	memset(&as, 0, sizeof(as));
	as.g = g;
	as.rs = rs;
	as.lastcls[0] = '\x01';
	agent_grow(&as);
	rc = store_each(st,
			"SELECT client, class, agent, n FROM agents"
			" WHERE day BETWEEN ?1 AND ?2",
			p, 2, agent_row, &as, err, errlen);
	for (size_t i = 0; i < as.cap; i++) {
		struct agent_sum *a = &as.v[i];
		struct gn_client *c;

		if (!a->agent)
			continue;
		c = &g->cl[a->ci];
		if (!c->agent || a->n > c->agent_n ||
		    (a->n == c->agent_n && strcmp(a->agent, c->agent) < 0)) {
			free(c->agent);
			c->agent = a->agent;
			c->agent_n = a->n;
		} else
			free(a->agent);
	}
	free(as.v);
	return rc;
}

void gn_rehash(struct gonogo *g)
{
	rehash(g);
}

void gn_free_clients(struct gonogo *g)
{
	for (int i = 0; i < g->nall; i++) {
		free(g->cl[i].client);
		free(g->cl[i].agent);
		free(g->cl[i].owner);
		free(g->cl[i].days);
	}
	free(g->cl);
	free(g->slot);
	free(g->days);
}
