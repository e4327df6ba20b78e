/* report_state.c: each legacy client's migration state, top agent and
 * routes, read from the store in client order, one pass per table. */
#include "day.h"
#include "report_impl.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* the clients of the set FACTS_SET only: one scan, no index needed */
#define CHOSEN " AND client IN (SELECT v FROM temp." FACTS_SET ")"

static const char *const state_names[NSTATES] = {
    "legacy-only", "mixed", "migrated", "regressed", "dormant"};

const char *report_state_name(int state)
{
	return state >= 0 && state < NSTATES ? state_names[state] : "";
}

int64_t report_day_number(const char *day)
{
	int y = 0, m = 0, d = 0;

	if (!day || sscanf(day, "%d-%d-%d", &y, &m, &d) != 3)
		return 0;
	return day_from_civil(y, m, d);
}

void report_day_text(int64_t n, char out[16])
{
	char text[DAY_TEXT_LEN + 1];

	snprintf(out, 16, "%s", day_format(n, text));
}

/* ---- the states, from each client's days ---- */

struct cday {
	int64_t day;
	long long legacy, modern;
};

/* One client's days as they stream in, in day order. */
struct walker {
	struct facts *f;
	unsigned what;
	int n_days; /* N of --migrated-days */
	char *client;
	struct cday *d;
	size_t nd, capd;
	long long legacy;
};

/* The state on day D given the last day with any request (a), with a
 * legacy one (l) and a modern one (m), and whether the client was ever
 * migrated before. */
static int state_on(int64_t D, int64_t a, int64_t l, int64_t m, int any_modern,
		    int was_migrated, int N)
{
	if (D - a >= N)
		return STATE_DORMANT;
	if (D - l >= N && m > l)
		return STATE_MIGRATED;
	if (was_migrated)
		return STATE_REGRESSED;
	return any_modern ? STATE_MIXED : STATE_LEGACY_ONLY;
}

/* Walk the client's days from its first request to f->now, counting
 * each day's state in f->per_day when asked; set c's state. */
static void walk(struct walker *w, struct client_facts *c)
{
	struct facts *f = w->f;
	int64_t a = INT64_MIN / 2, l = INT64_MIN / 2, m = INT64_MIN / 2;
	int any_modern = 0, was_migrated = 0, have_legacy = 0;
	int prev = -1;
	size_t i = 0;

	for (int64_t D = w->d[0].day; D <= f->now; D++) {
		int s;

		if (i < w->nd && w->d[i].day == D) {
			a = D;
			if (w->d[i].legacy)
				l = D, have_legacy = 1;
			if (w->d[i].modern)
				m = D, any_modern = 1;
			i++;
		}
		if (!have_legacy)
			continue;
		s = state_on(D, a, l, m, any_modern, was_migrated, w->n_days);
		was_migrated |= s == STATE_MIGRATED;
		if (s != prev)
			c->since = D;
		prev = s;
		c->state = s;
		if (f->per_day && D >= f->first)
			f->per_day[D - f->first][s]++;
	}
	c->last_day = a;
}

static void client_done(struct walker *w)
{
	struct facts *f = w->f;
	struct client_facts *c;

	if (w->client && w->legacy > 0) {
		if (f->n == f->cap) {
			f->cap = f->cap ? 2 * f->cap : 256;
			f->v = xrealloc(f->v, f->cap * sizeof(*f->v));
		}
		c = &f->v[f->n++];
		memset(c, 0, sizeof(*c));
		c->client = w->client;
		w->client = NULL;
		walk(w, c);
	}
	free(w->client);
	w->client = NULL;
	w->nd = 0;
	w->legacy = 0;
}

static int day_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	struct walker *w = arg;

	(void)n;
	(void)names;
	if (!w->client || strcmp(w->client, c[0]) != 0) {
		client_done(w);
		w->client = xstrdup(c[0]);
	}
	if (w->nd == w->capd) {
		w->capd = w->capd ? 2 * w->capd : 64;
		w->d = xrealloc(w->d, w->capd * sizeof(*w->d));
	}
	w->d[w->nd].day = report_day_number(c[1]);
	w->d[w->nd].legacy = report_num(c[2]);
	w->d[w->nd].modern = report_num(c[3]);
	w->legacy += w->d[w->nd].legacy;
	w->nd++;
	return 0;
}

static int bounds_row(void *arg, int n, const char *const *c,
		      const char *const *names)
{
	struct facts *f = arg;

	(void)n;
	(void)names;
	f->first = c[0] ? report_day_number(c[0]) : 0;
	f->now = c[1] ? report_day_number(c[1]) : 0;
	return 0;
}

#define DAYS_SQL(filter)                                                      \
	"SELECT client, day,"                                                 \
	" sum(CASE WHEN class IN " LEGACY " THEN n ELSE 0 END),"              \
	" sum(CASE WHEN class IN " LEGACY " THEN 0 ELSE n END)"               \
	" FROM counts WHERE " WINDOW filter " GROUP BY client, day"           \
	" ORDER BY client, day"

static int load_states(struct ctx *x, struct facts *f, unsigned what)
{
	struct walker w = {f, what, 0, NULL, NULL, 0, 0, 0};
	int rc;

	w.n_days = x->o->migrated_days > 0 ? x->o->migrated_days
					   : REPORT_MIGRATED_DAYS;
	rc = store_each(x->st,
			"SELECT min(day), max(day) FROM counts WHERE " WINDOW,
			x->params, 2, bounds_row, f, x->err, x->errlen);
	if (rc < 0)
		return -1;
	if (x->o->until)
		f->now = report_day_number(x->o->until);
	if ((what & FACTS_PER_DAY) && f->now >= f->first)
		f->per_day = xcalloc((size_t)(f->now - f->first + 1),
				     sizeof(*f->per_day));
	rc = store_each(x->st,
			what & FACTS_CHOSEN ? DAYS_SQL(CHOSEN) : DAYS_SQL(""),
			x->params, 2, day_row, &w, x->err, x->errlen);
	client_done(&w);
	free(w.d);
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

/* Rows of (client, route, n), each client's busiest first. */
static int route_row(void *arg, int n, const char *const *c,
		     const char *const *names)
{
	struct client_facts *cf = find_mut(arg, c[0]);
	size_t have, add;
	int count = 0;

	(void)n;
	(void)names;
	if (!cf)
		return 0;
	have = cf->routes ? strlen(cf->routes) : 0;
	for (size_t i = 0; i < have; i++)
		count += cf->routes[i] == ';';
	if (have && count + 1 >= TOP_ROUTES)
		return 0;
	add = strlen(c[1]) + strlen(c[2]) + 4;
	cf->routes = xrealloc(cf->routes, have + add + 1);
	snprintf(cf->routes + have, add + 1, "%s%s %s", have ? "; " : "", c[1],
		 c[2]);
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
	"SELECT client, agent, sum(n) AS k FROM agents WHERE " WINDOW         \
	" AND class IN " LEGACY filter " GROUP BY client, agent"              \
	" ORDER BY client, k DESC, agent"
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
	memset(f, 0, sizeof(*f));
}
