/* report_state.c: each legacy client's migration state, top agent and
 * routes, read from the store in client order: into memory, one pass
 * per table, or (facts_table) into a TEMP table: one pass over the
 * days, with the agents, routes and credentials read beside it
 * (report_extra.c). */
#include "day.h"
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* the clients of the set FACTS_SET only: one scan, no index needed */
#define CHOSEN " AND client IN (SELECT v FROM temp." FACTS_SET ")"
/* temp.facts: client, state, since, agent, routes, ncreds, then
 * FACTS_NNUMS numbers, then the successor (heir_text()) */
#define FACTS_NNUMS 8
#define FACTS_COLS  (6 + FACTS_NNUMS + 1)

/* ---- the states, from each client's days ---- */

/* FACTS_NUMS: one client's request numbers, summed over its days. */
struct wnums {
	long long amnesty, total, s434;
	long long ldays; /* days with a legacy request */
	int64_t lfirst, llast;
	char *d434; /* its first day with a status 434, or NULL */
};

/* The day of the days pass being summed from its rows: any, when one
 * is open; any434 and anylegacy, when a row had status 434, a legacy
 * class. */
struct dsum {
	char day[32];
	long long legacy, refused, modern, amnesty, s434, newest;
	int64_t lfirst, llast;
	int any, any434, anylegacy;
};

/* One client's days as they stream in, in day order. */
struct walker {
	struct facts *f;
	unsigned what;
	int n_days; /* N of --migrated-days */
	char *client;
	struct client_days d; /* the client's days, for client.c */
	long long legacy;
	/* facts_table(): the client's facts go to f->tmp, not f->v */
	int streamed;
	struct wnums nums; /* FACTS_NUMS */
	struct dsum sum;   /* the days pass */
};

/* The client's state as of f->now by the client model, counting each
 * day's state in f->per_day when asked. */
static void walk(struct walker *w, struct client_facts *c)
{
	struct client_story s;

	w->d.heir =
	    client_succ_find(w->f->heirs, c->client ? c->client : w->client);
	client_story(&w->d, w->f->now, w->n_days, &s, w->f->per_day,
		     w->f->first);
	c->heir = s.heir;
	c->state = s.state;
	c->since = s.since;
	c->last_day = s.last_day;
}

/* The cells from legacy on of the client's row of temp.facts, as
 * text in bufs (NULL: SQL NULL). */
static void nums_text(const struct walker *w, char bufs[][32], const char **v)
{
	const struct wnums *u = &w->nums;
	const long long k[] = {w->legacy, u->amnesty, u->total, u->s434,
			       u->lfirst, u->llast,   u->ldays};

	for (int i = 0; i < FACTS_NNUMS; i++)
		v[i] = NULL;
	if (!(w->what & FACTS_NUMS))
		return;
	for (int i = 0; i < 7; i++) {
		snprintf(bufs[i], sizeof(bufs[i]), "%lld", k[i]);
		v[i] = bufs[i];
	}
	if (!u->ldays)
		v[4] = v[5] = NULL;
	v[7] = u->d434;
}

void facts_heir_text(const struct client_heir *h, char *out, size_t cap)
{
	char last[DAY_SIZE], first[DAY_SIZE];
	int64_t d;

	if (!h) {
		snprintf(out, cap, "%s", "");
		return;
	}
	d = h->first - h->last_legacy;
	snprintf(out, cap,
		 "%s%s%s%s, first seen %s from the same address and user "
		 "agent, %lld day%s %s the last legacy use (%s)",
		 h->by, strcmp(h->by, h->fp) ? " (" : "",
		 strcmp(h->by, h->fp) ? h->fp : "",
		 strcmp(h->by, h->fp) ? ")" : "", day_format(h->first, first),
		 (long long)(d < 0 ? -d : d), d == 1 || d == -1 ? "" : "s",
		 d < 0 ? "before" : "after", day_format(h->last_legacy, last));
}

/* facts_table(): the client's days are complete; its row of
 * temp.facts, with what report_extra.c reads of it. */
static void client_stream(struct walker *w)
{
	struct client_facts c;
	char state[16], since[DAY_SIZE], ncreds[32];
	char nums[FACTS_NNUMS][32];
	char heir[512];
	const char *v[FACTS_COLS];

	memset(&c, 0, sizeof(c));
	walk(w, &c);
	if (!w->f->tmp)
		return;
	if (extra_get(w->f->extra, w->client, &c) < 0)
		w->f->tmp->failed = 1;
	snprintf(state, sizeof(state), "%d", c.state);
	day_format(c.since, since);
	snprintf(ncreds, sizeof(ncreds), "%lld", c.ncreds);
	v[0] = w->client;
	v[1] = state;
	v[2] = since;
	v[3] = c.agent;
	v[4] = c.routes;
	v[5] = ncreds;
	nums_text(w, nums, v + 6);
	facts_heir_text(c.heir, heir, sizeof(heir));
	v[6 + FACTS_NNUMS] = c.heir ? heir : NULL;
	report_tmp_add(w->f->tmp, v);
	free(c.agent);
	free(c.routes);
}

static void client_done(struct walker *w)
{
	struct facts *f = w->f;
	struct client_facts *c;

	if (w->streamed) {
		if (w->client && w->d.n && f->on_client)
			f->on_client(f->arg, w->client);
		if (w->client && w->legacy > 0)
			client_stream(w);
	} else if (w->client && w->legacy > 0) {
		f->v = xgrow(f->v, f->n, &f->cap, sizeof(*f->v), 256);
		c = &f->v[f->n++];
		memset(c, 0, sizeof(*c));
		c->client = w->client;
		w->client = NULL;
		walk(w, c);
	}
	free(w->client);
	free(w->nums.d434);
	memset(&w->nums, 0, sizeof(w->nums));
	w->client = NULL;
	client_days_clear(&w->d);
	w->legacy = 0;
}

/* A row of client: finish the previous client when it is another. */
static void next_client(struct walker *w, const char *client)
{
	if (!w->client || strcmp(w->client, client) != 0) {
		client_done(w);
		w->client = xstrdup(client);
	}
}

/* FACTS_NUMS: a day of the days pass, summed, into the client's
 * numbers. */
static void add_nums(struct walker *w, const struct dsum *s)
{
	struct wnums *u = &w->nums;

	u->amnesty += s->amnesty;
	u->total += s->legacy + s->modern;
	u->s434 += s->s434;
	if (s->any434 && !u->d434)
		u->d434 = xstrdup(s->day);
	if ((w->what & FACTS_NEWEST) &&
	    (!w->f->have_newest || s->newest > w->f->newest)) {
		w->f->newest = s->newest;
		w->f->have_newest = 1;
	}
	if (!s->anylegacy)
		return;
	if (!u->ldays || s->lfirst < u->lfirst)
		u->lfirst = s->lfirst;
	if (!u->ldays || s->llast > u->llast)
		u->llast = s->llast;
	u->ldays++;
}

/* A day of the walker's client: legacy requests, those refused, and
 * other requests. */
static void push_day(struct walker *w, int64_t day, long long legacy,
		     long long refused, long long modern)
{
	client_days_add(&w->d, day, legacy, refused, modern);
	w->legacy += legacy;
}

/* (day, legacy requests, refused ones, other requests) of the walker's
 * client. */
static void add_day(struct walker *w, const char *const *c)
{
	push_day(w, day_number(c[0]), report_num(c[1]), report_num(c[2]),
		 report_num(c[3]));
}

/* The day summed from its rows is complete: add it. */
static void sum_done(struct walker *w)
{
	struct dsum *s = &w->sum;

	push_day(w, day_number(s->day), s->legacy, s->refused, s->modern);
	if (w->what & FACTS_NUMS)
		add_nums(w, s);
	memset(s, 0, sizeof(*s));
}

/* FACTS_NUMS: amnesty, first and last of a row of k requests (c), its
 * status 434 or not, into its day's sums. */
static void sum_nums(struct dsum *s, const char *const *c, int legacy,
		     int is434, long long k)
{
	long long first = report_num(c[1]), last = report_num(c[2]);

	if (legacy && report_num(c[0]) == 1)
		s->amnesty += k;
	if (is434) {
		s->s434 += k;
		s->any434 = 1;
	}
	if (!s->any || last > s->newest)
		s->newest = last;
	if (!legacy)
		return;
	if (!s->anylegacy || first < s->lfirst)
		s->lfirst = first;
	if (!s->anylegacy || last > s->llast)
		s->llast = last;
	s->anylegacy = 1;
}

/* A row of the days pass (FROWS_COLS): summed into its client's day,
 * which is added when a row of another day or client comes. */
static int fold_row(void *arg, int n, const char *const *c,
		    const char *const *names)
{
	struct walker *w = arg;
	struct dsum *s = &w->sum;
	int legacy = report_num(c[2]) == 1;
	int is434 = report_num(c[4]) == 434;
	long long k = report_num(c[3]);

	(void)n;
	(void)names;
	if (s->any &&
	    (strcmp(c[0], w->client) != 0 || strcmp(c[1], s->day) != 0))
		sum_done(w);
	next_client(w, c[0]);
	if (!s->any)
		snprintf(s->day, sizeof(s->day), "%s", c[1]);
	if (legacy) {
		s->legacy += k;
		s->refused += is434 ? k : 0;
	} else
		s->modern += k;
	if (w->what & FACTS_NUMS)
		sum_nums(s, c + 5, legacy, is434, k);
	s->any = 1;
	return 0;
}

/* A row of load_states()' DAYS_SQL: client, day, legacy, refused legacy
 * and other requests, grouped by SQLite (the chosen clients are few). */
static int day_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	struct walker *w = arg;

	(void)n;
	(void)names;
	next_client(w, c[0]);
	add_day(w, c + 1);
	return 0;
}

static int bounds_row(void *arg, int n, const char *const *c,
		      const char *const *names)
{
	struct facts *f = arg;

	(void)n;
	(void)names;
	f->first = c[0] ? day_number(c[0]) : 0;
	f->now = c[1] ? day_number(c[1]) : 0;
	return 0;
}

#define DAYS_SQL(filter)                                                      \
	"SELECT client, day,"                                                 \
	" sum(CASE WHEN class IN " LEGACY " THEN n ELSE 0 END),"              \
	" sum(CASE WHEN class IN " LEGACY " AND status = 434"                 \
	" THEN n ELSE 0 END),"                                                \
	" sum(CASE WHEN class IN " LEGACY " THEN 0 ELSE n END)"               \
	" FROM counts WHERE " WINDOW filter " GROUP BY client, day"           \
	" ORDER BY client, day"

/* The window's first day and the day of the states (f->now); the
 * per-day counts when asked.  Return 0, or -1 with x->err set. */
static int window_bounds(struct ctx *x, struct facts *f, unsigned what)
{
	if (store_each(x->st,
		       "SELECT min(day), max(day) FROM counts WHERE " WINDOW,
		       x->params, 2, bounds_row, f, x->err, x->errlen) < 0)
		return -1;
	if (x->o->until)
		f->now = day_number(x->o->until);
	if ((what & FACTS_PER_DAY) && f->now >= f->first)
		f->per_day = xcalloc((size_t)(f->now - f->first + 1),
				     sizeof(*f->per_day));
	return client_succ_load(x->st, f->now, x->o->succession_days,
				&f->heirs, x->err, x->errlen);
}

static int migrated_days(const struct ctx *x)
{
	return x->o->migrated_days > 0 ? x->o->migrated_days
				       : REPORT_MIGRATED_DAYS;
}

static int load_states(struct ctx *x, struct facts *f, unsigned what)
{
	struct walker w = {.f = f, .what = what};
	int rc;

	w.n_days = migrated_days(x);
	if (window_bounds(x, f, what) < 0)
		return -1;
	rc = store_each(x->st,
			what & FACTS_CHOSEN ? DAYS_SQL(CHOSEN) : DAYS_SQL(""),
			x->params, 2, day_row, &w, x->err, x->errlen);
	client_done(&w);
	client_days_free(&w.d);
	return rc;
}

/* ---- agents, routes, credentials: one stream each ---- */

static int cmp_facts(const void *a, const void *b)
{
	return strcmp(((const struct client_facts *)a)->client,
		      ((const struct client_facts *)b)->client);
}

const struct client_facts *facts_find(const struct facts *f,
				      const char *client)
{
	struct client_facts key;

	if (!f->n)
		return NULL;
	key.client = (char *)(uintptr_t)client;
	return bsearch(&key, f->v, f->n, sizeof(*f->v), cmp_facts);
}

static struct client_facts *find_mut(struct facts *f, const char *client)
{
	return (struct client_facts *)(uintptr_t)facts_find(f, client);
}

/* Rows of (client, agent, n), each client's best first. */
static int agent_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct client_facts *cf = find_mut(arg, c[0]);

	(void)n;
	(void)names;
	if (cf && !cf->agent)
		cf->agent = xstrdup(c[1] ? c[1] : "");
	return 0;
}

/* Append "ROUTE N" to *routes ("; " between) up to TOP_ROUTES. */
static void route_add(char **routes, const char *route, const char *k)
{
	size_t have = *routes ? strlen(*routes) : 0;
	size_t add;
	int count = 0;

	for (size_t i = 0; i < have; i++)
		count += (*routes)[i] == ';';
	if (have && count + 1 >= TOP_ROUTES)
		return;
	add = strlen(route) + strlen(k) + 4;
	*routes = xrealloc(*routes, have + add + 1);
	snprintf(*routes + have, add + 1, "%s%s %s", have ? "; " : "", route,
		 k);
}

/* Rows of (client, route, n), each client's busiest first. */
static int route_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct client_facts *cf = find_mut(arg, c[0]);

	(void)n;
	(void)names;
	if (cf)
		route_add(&cf->routes, c[1], c[2]);
	return 0;
}

static int creds_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct client_facts *cf = find_mut(arg, c[0]);

	(void)n;
	(void)names;
	if (cf)
		cf->ncreds = report_num(c[1]);
	return 0;
}

#define AGENTS_SQL(filter)                                                    \
	"SELECT client, " STORE_AGENT                                         \
	", sum(n) AS k FROM agents WHERE " WINDOW                             \
	" AND class IN " LEGACY filter " GROUP BY client, " STORE_AGENT       \
	" ORDER BY client, k DESC, " STORE_AGENT
#define ROUTES_SQL(filter)                                                    \
	"SELECT client, route, sum(n) AS k FROM routes WHERE " WINDOW         \
	" AND route <> '{other}'" filter " GROUP BY client, route"            \
	" ORDER BY client, k DESC, route"
#define CREDS_SQL(filter)                                                     \
	"SELECT client, count(DISTINCT fp) FROM creds WHERE " WINDOW          \
	" AND class IN " LEGACY filter " GROUP BY client"

static int
stream(struct ctx *x, const char *all, const char *chosen, unsigned what,
       int (*row)(void *, int, const char *const *, const char *const *),
       struct facts *f)
{
	return store_each(x->st, what & FACTS_CHOSEN ? chosen : all, x->params,
			  2, row, f, x->err, x->errlen);
}

static int found_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	(void)n;
	(void)c;
	(void)names;
	*(int *)arg = 1;
	return 0;
}

/* Has the database a routes table?  A database of schema 1 has none;
 * its clients are listed without routes. */
static int has_routes(struct ctx *x)
{
	int found = 0;

	store_each(
	    x->st,
	    "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view')"
	    " AND name = 'routes'",
	    NULL, 0, found_row, &found, x->err, x->errlen);
	return found;
}

int facts_load(struct ctx *x, struct facts *f, unsigned what)
{
	memset(f, 0, sizeof(*f));
	if ((what & FACTS_ROUTES) && !has_routes(x))
		what &= ~FACTS_ROUTES;
	if (load_states(x, f, what) < 0)
		return -1;
	if ((what & FACTS_AGENTS) &&
	    stream(x, AGENTS_SQL(""), AGENTS_SQL(CHOSEN), what, agent_row, f) <
		0)
		return -1;
	if ((what & FACTS_ROUTES) &&
	    stream(x, ROUTES_SQL(""), ROUTES_SQL(CHOSEN), what, route_row, f) <
		0)
		return -1;
	if ((what & FACTS_CREDS) && stream(x, CREDS_SQL(""), CREDS_SQL(CHOSEN),
					   what, creds_row, f) < 0)
		return -1;
	return 0;
}

void facts_free(struct facts *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].client);
		free(f->v[i].agent);
		free(f->v[i].routes);
	}
	free(f->v);
	free(f->per_day);
	client_succ_free(f->heirs);
	memset(f, 0, sizeof(*f));
}

/* ---- every client in two passes (facts_table) ---- */

/* Rows of (client, day, l, n, status) in client and day order, l 1 when
 * the row's class is legacy; with FACTS_NUMS, then
 * FROWS_NUMS (sum_nums()). The days pass sums each client's day from them
 * (fold_row()): nearly every (client, day) is one row, and grouping them in
 * SQL, with eight aggregates a group, cost about three times the sort alone.
 */
#define FROWS_COLS "SELECT client, day, class IN " LEGACY ", n, status"
#define FROWS_NUMS ", amnesty, first, last"
#define FROWS_FROM " FROM counts WHERE " WINDOW " ORDER BY client, day"

/* temp.facts: one row a legacy client of the window, from the days
 * pass and report_extra.c's reading beside it. */
static int facts_temp(struct ctx *x)
{
	if (report_tmp_exec(x, "DROP TABLE IF EXISTS temp.facts") < 0)
		return -1;
	return report_tmp_exec(
	    x, "CREATE TEMP TABLE facts(client TEXT PRIMARY KEY,"
	       " state INTEGER NOT NULL, since TEXT NOT NULL, agent TEXT,"
	       " routes TEXT, ncreds INTEGER NOT NULL, legacy INTEGER,"
	       " amnesty INTEGER, total INTEGER, s434 INTEGER, lfirst INTEGER,"
	       " llast INTEGER, ldays INTEGER, d434 TEXT, successor TEXT)"
	       " WITHOUT ROWID");
}

/* The days pass: each client's state and numbers, into f->per_day and
 * (tmp set) temp.facts.  Return 0, or -1 with x->err set. */
static int facts_days(struct ctx *x, struct facts *f, unsigned what,
		      struct report_tmp *tmp)
{
	struct walker w;
	int rc;

	memset(&w, 0, sizeof(w));
	w.f = f;
	w.what = what;
	w.n_days = migrated_days(x);
	w.streamed = 1;
	f->tmp = tmp;
	rc = store_each(x->st,
			what & FACTS_NUMS ? FROWS_COLS FROWS_NUMS FROWS_FROM
					  : FROWS_COLS FROWS_FROM,
			x->params, 2, fold_row, &w, x->err, x->errlen);
	if (w.sum.any)
		sum_done(&w);
	client_done(&w);
	client_days_free(&w.d);
	if (tmp && report_tmp_flush(tmp) < 0)
		rc = -1;
	f->tmp = NULL;
	return rc;
}

int facts_table_each(struct ctx *x, struct facts *f, unsigned what, int table,
		     void (*on_client)(void *arg, const char *client),
		     void *arg)
{
	struct report_tmp tmp;
	int rc;

	memset(f, 0, sizeof(*f));
	f->on_client = on_client;
	f->arg = arg;
	if ((what & FACTS_ROUTES) && !has_routes(x))
		what &= ~FACTS_ROUTES;
	if (window_bounds(x, f, what) < 0)
		return -1;
	if (table) {
		if (facts_temp(x) < 0)
			return -1;
		report_tmp_init(&tmp, x, "facts", FACTS_COLS);
		f->extra = extra_open(x, what);
		if (!f->extra)
			return -1;
	}
	rc = facts_days(x, f, what, table ? &tmp : NULL);
	extra_close(f->extra);
	f->extra = NULL;
	return rc;
}

int facts_table(struct ctx *x, struct facts *f, unsigned what, int table)
{
	return facts_table_each(x, f, what, table, NULL, NULL);
}
