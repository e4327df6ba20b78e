/* client_succ.c: credential succession by address and user agent.
 * Without a client id a client is its credential, so a key replaced
 * by a token looks like a client that went quiet.  The store keeps,
 * per day, client and credential, the keyed fingerprints of where its
 * requests came from (the view origins: the address and the user agent
 * together).  A legacy credential whose origin, in use in its last
 * legacy days, is the origin a credential of another class was first
 * seen from within n days of that last legacy use was probably
 * succeeded by it (the rules are in docs/support.md). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "client.h"
#include "day.h"
#include "store.h"

/* One (client, credential, origin) of the view, its first and last
 * day. */
struct use {
	char *client, *fp;
	char origin[24];
	int64_t first, last;
};

struct uses {
	struct use *v;
	size_t n, cap;
};

struct client_succ {
	struct client_heir *v; /* by client */
	size_t n, cap;
};

struct loading {
	struct uses legacy, other; /* legacy in client order */
};

static void uses_add(struct uses *u, const char *const *c)
{
	struct use *e;

	u->v = xgrow(u->v, u->n, &u->cap, sizeof(*u->v), 256);
	e = &u->v[u->n++];
	e->client = xstrdup(c[0]);
	/* a client named after its credential keeps fp '' */
	e->fp = xstrdup(c[1][0]			       ? c[1]
			: strncmp(c[0], "fp:", 3) == 0 ? c[0] + 3
						       : "");
	snprintf(e->origin, sizeof(e->origin), "%s", c[3]);
	e->first = day_number(c[4]);
	e->last = day_number(c[5]);
}

/* client, fp, legacy (0/1), origin, first day, last day */
static int use_row(void *arg, int n, const char *const *c,
		   const char *const *names)
{
	struct loading *l = arg;

	(void)n;
	(void)names;
	if (!c[0] || !c[1] || !c[3] || !c[4] || !c[5])
		return 0;
	uses_add(c[2] && c[2][0] == '1' ? &l->legacy : &l->other, c);
	return 0;
}

static int by_origin(const void *a, const void *b)
{
	const struct use *x = a;
	const struct use *y = b;
	int c = strcmp(x->origin, y->origin);

	return c ? c : (x->first > y->first) - (x->first < y->first);
}

/* The first use of others from origin, or others->n. */
static size_t first_from(const struct uses *others, const char *origin)
{
	size_t lo = 0, hi = others->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(others->v[mid].origin, origin) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int64_t dist(int64_t a, int64_t b)
{
	return a > b ? a - b : b - a;
}

/* Is o nearer to day last than best (none: NULL), then first by
 * client, then earlier? */
static int better(const struct use *o, const struct use *best, int64_t last)
{
	int c;

	if (!best || dist(o->first, last) != dist(best->first, last))
		return !best || dist(o->first, last) < dist(best->first, last);
	c = strcmp(o->client, best->client);
	return c ? c < 0 : o->first < best->first;
}

/* The best successor of the legacy uses v[0..k) of one client, whose
 * last legacy day is last: of another client, first seen from one of
 * its origins in use since last - n, within n days of last, and used
 * from there after last; the nearest, then the first by name.  NULL:
 * none. */
static const struct use *best_of(const struct use *v, size_t k, int64_t last,
				 const struct uses *others, int n)
{
	const struct use *best = NULL;

	for (size_t i = 0; i < k; i++) {
		if (v[i].last < last - n)
			continue;
		for (size_t j = first_from(others, v[i].origin);
		     j < others->n &&
		     strcmp(others->v[j].origin, v[i].origin) == 0;
		     j++) {
			const struct use *o = &others->v[j];

			if (strcmp(o->client, v[i].client) == 0 ||
			    dist(o->first, last) > n || o->last <= last)
				continue;
			if (better(o, best, last))
				best = o;
		}
	}
	return best;
}

static void heir_add(struct client_succ *t, const struct use *from,
		     const struct use *by, int64_t last)
{
	struct client_heir *h;

	t->v = xgrow(t->v, t->n, &t->cap, sizeof(*t->v), 64);
	h = &t->v[t->n++];
	h->client = xstrdup(from->client);
	h->by = xstrdup(by->client);
	snprintf(h->fp, sizeof(h->fp), "%s%s", by->fp[0] ? "fp:" : "", by->fp);
	snprintf(h->origin, sizeof(h->origin), "%s", by->origin);
	h->last_legacy = last;
	h->first = by->first;
}

/* Each legacy client (a run of l->legacy) and its successor. */
static void settle(struct client_succ *t, struct loading *l, int n)
{
	qsort(l->other.v, l->other.n, sizeof(*l->other.v), by_origin);
	for (size_t i = 0; i < l->legacy.n;) {
		size_t k = i;
		int64_t last = l->legacy.v[i].last;
		const struct use *by;

		while (k < l->legacy.n && strcmp(l->legacy.v[k].client,
						 l->legacy.v[i].client) == 0) {
			if (l->legacy.v[k].last > last)
				last = l->legacy.v[k].last;
			k++;
		}
		by = best_of(&l->legacy.v[i], k - i, last, &l->other, n);
		if (by)
			heir_add(t, &l->legacy.v[i], by, last);
		i = k;
	}
}

static void uses_free(struct uses *u)
{
	for (size_t i = 0; i < u->n; i++) {
		free(u->v[i].client);
		free(u->v[i].fp);
	}
	free(u->v);
}

static int found(void *arg, int n, const char *const *c,
		 const char *const *names)
{
	(void)n;
	(void)c;
	(void)names;
	*(int *)arg = 1;
	return 0;
}

#define USES_SQL                                                              \
	"SELECT client, fp, class IN (SELECT name FROM classes WHERE"         \
	" legacy = 1), printf('%016x', origin), min(day), max(day)"           \
	" FROM origins WHERE day <= ?1 AND origin <> 0"                       \
	" GROUP BY client, fp, 3, origin ORDER BY client"

int client_succ_load(struct store *st, int64_t now, int n_days,
		     struct client_succ **out, char *err, size_t errlen)
{
	struct loading l;
	char day[DAY_TEXT_LEN + 1];
	const char *params[1] = {day_format(now, day)};
	int has = 0;
	int rc;

	*out = NULL;
	if (n_days < 0)
		return 0;
	if (store_each(st,
		       "SELECT 1 FROM sqlite_master WHERE type = 'view'"
		       " AND name = 'origins'",
		       NULL, 0, found, &has, err, errlen) < 0)
		return -1;
	if (!has)
		return 0;
	memset(&l, 0, sizeof(l));
	rc = store_each(st, USES_SQL, params, 1, use_row, &l, err, errlen);
	*out = xcalloc(1, sizeof(**out));
	if (rc == 0 && l.other.n)
		settle(*out, &l, n_days > 0 ? n_days : CLIENT_SUCCESSION_DAYS);
	uses_free(&l.legacy);
	uses_free(&l.other);
	return rc;
}

const struct client_heir *client_succ_find(const struct client_succ *t,
					   const char *client)
{
	size_t lo = 0, hi = t ? t->n : 0;

	/* settled in client order, as the rows came */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->v[mid].client, client);

		if (c == 0)
			return &t->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

void client_succ_free(struct client_succ *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].client);
		free(t->v[i].by);
	}
	free(t->v);
	free(t);
}
