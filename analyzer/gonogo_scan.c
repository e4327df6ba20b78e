/* gonogo_scan.c: read the store's counts for gonogo: the days and their
 * totals, then one pass in client order (SQLite sorts, in bounded
 * memory) over the history up to the as-of day, each client given its
 * state by the client model and decided when its rows end. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "day.h"
#include "gonogo_int.h"
#include "parse.h"

static long long num(const char *s)
{
	return s ? atoll(s) : 0;
}

/* ---- the daily series ---- */

/* The day of day's number in g->days (the first text of that number
 * kept), made when new. */
static int day_add(struct gonogo *g, const char *day)
{
	long dn = day_number(day);

	for (int i = g->ndays - 1; i >= 0; i--)
		if (g->days[i].dnum == dn)
			return i;
	g->days = xrealloc(g->days, (size_t)(g->ndays + 1) * sizeof(*g->days));
	memset(&g->days[g->ndays], 0, sizeof(*g->days));
	g->days[g->ndays].dnum = dn;
	snprintf(g->days[g->ndays].day, DAY_SIZE, "%s", day);
	return g->ndays++;
}

static int class_of(struct ruleset *rs, const char *name, char *last, int *cls)
{
	if (strcmp(name, last) != 0) {
		snprintf(last, 64, "%s", name);
		*cls = rules_class_find(rs, name);
	}
	return *cls;
}

/* day, n */
static int day_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	struct gonogo *g = arg;
	int i = day_add(g, c[0] ? c[0] : "");

	(void)n;
	(void)names;
	g->days[i].total += num(c[1]);
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

int gn_scan_days(struct gonogo *g, struct store *st, char *err, size_t errlen)
{
	/* the rest of each day's figures come with the client pass */
	if (store_each(st, "SELECT day, sum(n) FROM counts GROUP BY day", NULL,
		       0, day_row, g, err, errlen) < 0)
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

/* ---- clients: one pass in client order ---- */

/* The pass's rows: client, src, day, class, amnesty, status, n, last
 * (an hour for a brownout's), agent.  src: */
#define SRC_COUNTS 0
#define SRC_AGENTS 1
#define SRC_HOURLY 2 /* + the brownout's index */

/* the scan's days: their part of the daily series is counted here */
#define PASS_COUNTS                                                           \
	"SELECT client, 0, day, class, amnesty, status, n, last, NULL"        \
	" FROM counts WHERE day BETWEEN ?1 AND ?2"
#define PASS_AGENTS                                                           \
	" UNION ALL SELECT client, 1, NULL, class, NULL, NULL, n, NULL,"      \
	" " STORE_AGENT " FROM agents WHERE day BETWEEN ?3 AND ?2"
/* the other days' part, in the counts' key order (a rolled-up day
 * needs no sort), one (day, client) at a time */
#define SERIES_BEFORE                                                         \
	"SELECT client, 0, day, class, amnesty, status, n FROM counts"        \
	" WHERE day < ?1 ORDER BY day, client"
#define SERIES_AFTER                                                          \
	"SELECT client, 0, day, class, amnesty, status, n FROM counts"        \
	" WHERE day > ?2 ORDER BY day, client"
/* by client only: a client's rows come in any order (a longer key
 * makes SQLite's sort slower) */
#define PASS_ORDER " ORDER BY 1"

/* The legacy user agents of one client, summed. */
struct agent_sum {
	char *agent;
	long long n;
};

struct agents {
	struct agent_sum *v; /* open addressing, agent NULL: free */
	size_t cap;
	size_t *used; /* the slots taken, to clear */
	size_t n;
};

struct walker {
	struct gonogo *g;
	struct ruleset *rs;
	int phase;
	const char *first; /* the scan: first..g->to */
	long from, look;
	char lastcls[64];
	int cls;
	/* the day of the last row: its number, index in g->days (or -1),
	 * and whether it is in the scan */
	char lastday[DAY_SIZE];
	long dn;
	int di;
	int scanned;
	/* the client last counted on each day, legacy and refused */
	int *legacy_seen, *marginal_seen;
	int serial;	    /* of the client being read, from 1 */
	struct gn_client c; /* the client being read; c.client NULL: none */
	struct client_days story;  /* c's days, for the client model */
	long asof;		   /* g->to's day number */
	struct client_succ *heirs; /* successions by address and agent */
	int capdays;
	struct agents agents; /* of c */
	struct gn_hit hit[GN_MAXBO];
	int inhit[GN_MAXBO];
	int failed;
	char *err;
	size_t errlen;
};

static void add_day(struct walker *w, int dn)
{
	struct gn_client *c = &w->c;

	for (int i = 0; i < c->ndays; i++)
		if (c->days[i] == dn)
			return;
	if (c->ndays == w->capdays) {
		w->capdays = w->capdays ? 2 * w->capdays : 8;
		c->days =
		    xrealloc(c->days, (size_t)w->capdays * sizeof(*c->days));
	}
	c->days[c->ndays++] = dn;
}

static void window_add(struct walker *w, const struct gn_row *r, int refuses)
{
	struct gn_client *c = &w->c;

	c->total += r->n;
	c->cls[r->cls] += r->n;
	w->g->cls[r->cls] += r->n;
	w->g->total += r->n;
	if (!refuses)
		return;
	if (r->status == 434) {
		c->already += r->n;
		return;
	}
	c->marginal += r->n;
	if (r->last > c->last)
		c->last = r->last;
}

static void counts_row(struct walker *w, const struct gn_row *r)
{
	struct gn_client *c = &w->c;
	int refuses = rules_phase_refuses(w->rs, w->phase, r->cls, r->amnesty);
	int legacy = r->cls < rules_nclasses(w->rs) &&
		     rules_class_legacy(w->rs, r->cls);

	client_days_add(&w->story, r->dn, legacy ? r->n : 0,
			legacy && r->status == 434 ? r->n : 0,
			legacy ? 0 : r->n);
	if (r->dn >= w->from)
		window_add(w, r, refuses);
	else if (r->dn >= w->look && refuses && r->status != 434) {
		c->look += r->n;
		if (r->last > c->look_last)
			c->look_last = r->last;
		add_day(w, (int)r->dn);
	}
}

static struct agent_sum *agent_slot(const struct agents *as, const char *agent)
{
	size_t i = buf_hash(agent, strlen(agent)) & (as->cap - 1);

	while (as->v[i].agent && strcmp(as->v[i].agent, agent) != 0)
		i = (i + 1) & (as->cap - 1);
	return &as->v[i];
}

static void agents_grow(struct agents *as)
{
	struct agents t = {NULL, as->cap ? 2 * as->cap : 16, NULL, as->n};

	t.v = xcalloc(t.cap, sizeof(*t.v));
	t.used = xmalloc(t.cap * sizeof(*t.used));
	for (size_t k = 0; k < as->n; k++) {
		struct agent_sum *a = agent_slot(&t, as->v[as->used[k]].agent);

		*a = as->v[as->used[k]];
		t.used[k] = (size_t)(a - t.v);
	}
	free(as->v);
	free(as->used);
	*as = t;
}

/* A legacy request's agent, summed. */
static void agents_row(struct walker *w, const struct gn_row *r,
		       const char *agent)
{
	struct agents *as = &w->agents;
	struct agent_sum *a;

	if (!agent || r->cls >= rules_nclasses(w->rs) ||
	    !rules_class_legacy(w->rs, r->cls))
		return;
	if (2 * (as->n + 1) > as->cap)
		agents_grow(as);
	a = agent_slot(as, agent);
	if (!a->agent) {
		a->agent = xstrdup(agent);
		as->used[as->n++] = (size_t)(a - as->v);
	}
	a->n += r->n;
}

/* The client's most frequent agent (the first in byte order of those
 * as frequent) into c; forget the rest. */
static void agents_done(struct agents *as, struct gn_client *c)
{
	struct agent_sum *best = NULL;

	for (size_t k = 0; k < as->n; k++) {
		struct agent_sum *a = &as->v[as->used[k]];

		if (!best || a->n > best->n ||
		    (a->n == best->n && strcmp(a->agent, best->agent) < 0))
			best = a;
	}
	if (best) {
		c->agent = best->agent;
		c->agent_n = best->n;
		best->agent = NULL;
	}
	for (size_t k = 0; k < as->n; k++) {
		free(as->v[as->used[k]].agent);
		memset(&as->v[as->used[k]], 0, sizeof(*as->v));
	}
	as->n = 0;
}

/* The client's rows are read: hand it on, and forget it. */
static void client_done(struct walker *w)
{
	struct gn_client *c = &w->c;
	int *days = c->days;
	struct client_story s;
	int dormant;

	if (!c->client)
		return;
	w->story.heir = client_succ_find(w->heirs, c->client);
	client_story(&w->story, w->asof, w->g->migrated_days, &s, NULL, 0);
	if (s.heir) {
		/* probably migrated: the evidence, and with a strict
		 * review the state without it */
		gn_probable_add(w->g, c->client, s.heir);
		w->story.heir = NULL;
		if (w->g->o.strict_succession)
			client_story(&w->story, w->asof, w->g->migrated_days,
				     &s, NULL, 0);
	}
	client_days_clear(&w->story);
	c->state = s.state;
	agents_done(&w->agents, c);
	if (!w->failed && gn_client_done(w->g, c, w->err, w->errlen) < 0)
		w->failed = 1;
	dormant = gn_dormant_add(w->g, c);
	if (w->g->succ)
		gn_succ_client(w->g, c->client, &s, dormant);
	for (int i = 0; i < w->g->nbo; i++)
		if (w->inhit[i])
			gn_hit_done(w->g, &w->g->bo[i], &w->hit[i], c);
	free(c->client);
	free(c->agent);
	memset(c, 0, sizeof(*c));
	c->days = days;
	memset(w->hit, 0, sizeof(w->hit));
	memset(w->inhit, 0, sizeof(w->inhit));
}

/* The index in g->days of day number dn, or -1. */
static int day_find(const struct gonogo *g, long dn)
{
	int lo = 0, hi = g->ndays - 1;

	while (lo <= hi) {
		int mid = lo + (hi - lo) / 2;

		if (g->days[mid].dnum == dn)
			return mid;
		if (g->days[mid].dnum < dn)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -1;
}

static long day_of(struct walker *w, const char *day)
{
	if (strcmp(day, w->lastday) != 0) {
		snprintf(w->lastday, sizeof(w->lastday), "%s", day);
		w->dn = day_number(day);
		w->di = day_find(w->g, w->dn);
		/* as SQL's BETWEEN compares the text */
		w->scanned =
		    strcmp(day, w->first) >= 0 && strcmp(day, w->g->to) <= 0;
	}
	return w->dn;
}

/* A row of counts into the daily series. */
static void series_row(struct walker *w, const struct gn_row *r)
{
	struct gn_day *d;
	int legacy = r->cls < rules_nclasses(w->rs) &&
		     rules_class_legacy(w->rs, r->cls);

	if (w->di < 0)
		return;
	d = &w->g->days[w->di];
	d->s434 += r->status == 434 ? r->n : 0;
	if (legacy) {
		d->legacy += r->n;
		d->amnesty += r->amnesty ? r->n : 0;
		d->legacy_clients += w->legacy_seen[w->di] != w->serial;
		w->legacy_seen[w->di] = w->serial;
	}
	if (r->status != 434 &&
	    rules_phase_refuses(w->rs, w->phase, r->cls, r->amnesty)) {
		d->marginal += r->n;
		d->marginal_clients += w->marginal_seen[w->di] != w->serial;
		w->marginal_seen[w->di] = w->serial;
	}
}

static int pass_row(void *arg, int n, const char *const *col,
		    const char *const *names)
{
	struct walker *w = arg;
	int src = (int)num(col[1]);
	struct gn_row r;

	(void)n;
	(void)names;
	if (!w->c.client || strcmp(w->c.client, col[0]) != 0) {
		client_done(w);
		w->c.client = xstrdup(col[0]);
		w->serial++;
	}
	r.dn = col[2] ? day_of(w, col[2]) : 0; /* agents: no day */
	r.cls = class_of(w->rs, col[3] ? col[3] : "", w->lastcls, &w->cls);
	r.amnesty = (int)num(col[4]);
	r.status = (int)num(col[5]);
	r.n = num(col[6]);
	r.last = num(col[7]);
	if (src == SRC_COUNTS) {
		series_row(w, &r);
		if (w->scanned)
			counts_row(w, &r);
	} else if (src == SRC_AGENTS)
		agents_row(w, &r, col[8]);
	else if (src - SRC_HOURLY < w->g->nbo)
		w->inhit[src - SRC_HOURLY] |=
		    gn_hit_row(w->rs, w->phase, &w->g->bo[src - SRC_HOURLY],
			       &w->hit[src - SRC_HOURLY], &r);
	/* stop at a row that could not be written */
	return w->failed;
}

/* A row of SERIES_BEFORE or SERIES_AFTER: client, 0, day, class,
 * amnesty, status, n. */
static int series_only_row(void *arg, int n, const char *const *col,
			   const char *const *names)
{
	struct walker *w = arg;
	struct gn_row r;

	(void)n;
	(void)names;
	if (!w->c.client || strcmp(w->c.client, col[0]) != 0) {
		free(w->c.client);
		w->c.client = xstrdup(col[0]);
		w->serial++;
	}
	memset(&r, 0, sizeof(r));
	r.dn = day_of(w, col[2] ? col[2] : "");
	r.cls = class_of(w->rs, col[3] ? col[3] : "", w->lastcls, &w->cls);
	r.amnesty = (int)num(col[4]);
	r.status = (int)num(col[5]);
	r.n = num(col[6]);
	series_row(w, &r);
	return 0;
}

/* The daily series of the days before and after the scan's (p: the
 * pass's parameters).  Return 0, or -1 with err set. */
static int series_outside(struct walker *w, struct store *st,
			  const char *const *p, char *err, size_t errlen)
{
	int rc = store_each(st, SERIES_BEFORE, p, 1, series_only_row, w, err,
			    errlen);

	if (rc == 0)
		rc = store_each(st, SERIES_AFTER, p, 2, series_only_row, w,
				err, errlen);
	free(w->c.client);
	w->c.client = NULL;
	return rc;
}

/* The pass's query, with an arm for every brownout replayed; its
 * parameters into p (3 + 2 a brownout), days into the room of last. */
static void pass_sql(struct gonogo *g, char *sql, size_t cap, const char **p,
		     char (*last)[DAY_SIZE])
{
	size_t at =
	    (size_t)snprintf(sql, cap, "%s%s", PASS_COUNTS, PASS_AGENTS);

	for (int i = 0; i < g->nbo && at < cap; i++) {
		struct gn_brownout *b = &g->bo[i];

		if (!b->replayed)
			continue;
		day_format(day_number(b->day) + (b->to - 1) / 1440, last[i]);
		p[3 + 2 * i] = b->day;
		p[4 + 2 * i] = last[i];
		at += (size_t)snprintf(
		    sql + at, cap - at,
		    " UNION ALL SELECT client, %d, day, class, amnesty,"
		    " status, n, hour, NULL FROM hourly"
		    " WHERE day BETWEEN ?%d AND ?%d",
		    SRC_HOURLY + i, 4 + 2 * i, 5 + 2 * i);
	}
	snprintf(sql + at, at < cap ? cap - at : 0, "%s", PASS_ORDER);
}

int gn_scan_clients(struct gonogo *g, struct store *st, struct ruleset *rs,
		    int phase, const char *from, char *err, size_t errlen)
{
	struct walker w;
	char sql[1024 + GN_MAXBO * 160];
	char last[GN_MAXBO][DAY_SIZE];
	const char *p[3 + 2 * GN_MAXBO] = {from, g->to, g->from};
	int rc;

	memset(&w, 0, sizeof(w));
	w.g = g;
	w.rs = rs;
	w.phase = phase;
	w.first = from;
	w.asof = day_number(g->to);
	w.from = day_number(g->from);
	w.look = day_number(g->look_from);
	w.lastcls[0] = '\x01';
	w.lastday[0] = '\x01';
	w.err = err;
	w.errlen = errlen;
	w.legacy_seen = xcalloc((size_t)g->ndays + 1, sizeof(int));
	w.marginal_seen = xcalloc((size_t)g->ndays + 1, sizeof(int));
	for (int i = 0; i < g->nbo; i++)
		p[3 + 2 * i] = p[4 + 2 * i] = "";
	pass_sql(g, sql, sizeof(sql), p, last);
	rc = client_succ_load(st, w.asof, g->o.succession_days, &w.heirs, err,
			      errlen);
	if (rc == 0)
		rc = series_outside(&w, st, p, err, errlen);
	if (rc == 0)
		rc = store_each(st, sql, p, 3 + 2 * g->nbo, pass_row, &w, err,
				errlen);
	free(w.legacy_seen);
	free(w.marginal_seen);
	if (rc == 0 && !w.failed)
		client_done(&w);
	free(w.c.client);
	free(w.c.days);
	client_days_free(&w.story);
	client_succ_free(w.heirs);
	agents_done(&w.agents, &w.c);
	free(w.c.agent);
	free(w.agents.v);
	free(w.agents.used);
	return rc < 0 || w.failed ? -1 : 0;
}

void gn_free_clients(struct gonogo *g)
{
	for (int i = 0; i < g->ntop; i++) {
		free(g->top[i].client);
		free(g->top[i].agent);
		free(g->top[i].owner);
	}
	for (int i = 0; i < g->nkept_dormant; i++) {
		free(g->dormant[i].client);
		free(g->dormant[i].owner);
	}
	for (int i = 0; i < g->nbo; i++)
		for (int j = 0; j < g->bo[i].nkept; j++)
			free(g->bo[i].hits[j].client);
	free(g->days);
}
