/* client.c: the client model: a client's days in, its story and its one
 * state out (the rules are in client.h). */
#include "client.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

static const char *const state_names[CLIENT_NSTATES] = {
    "legacy-only", "mixed", "migrated", "regressed", "dormant", "refused"};

const char *client_state_name(int state)
{
	return state >= 0 && state < CLIENT_NSTATES ? state_names[state] : "";
}

int client_state_active(int state)
{
	return state == CLIENT_LEGACY_ONLY || state == CLIENT_MIXED ||
	       state == CLIENT_REGRESSED;
}

void client_days_add(struct client_days *d, int64_t day, long long legacy,
		     long long refused, long long other)
{
	struct client_day *e = d->n ? &d->v[d->n - 1] : NULL;

	if (e && e->day == day) {
		e->legacy += legacy;
		e->refused += refused;
		e->other += other;
		return;
	}
	if (!d->n)
		d->sorted = 1;
	else if (day < e->day)
		d->sorted = 0;
	d->v = xgrow(d->v, d->n, &d->cap, sizeof(*d->v), 64);
	d->v[d->n].day = day;
	d->v[d->n].legacy = legacy;
	d->v[d->n].refused = refused;
	d->v[d->n].other = other;
	d->n++;
}

void client_days_clear(struct client_days *d)
{
	d->n = 0;
	d->heir = NULL;
	d->sorted = 1;
}

void client_days_free(struct client_days *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

static int day_cmp(const void *a, const void *b)
{
	const struct client_day *x = a;
	const struct client_day *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

/* Sort d's days and merge the entries of one day. */
static void days_sort(struct client_days *d)
{
	size_t j = 0;

	if (d->sorted)
		return;
	qsort(d->v, d->n, sizeof(*d->v), day_cmp);
	for (size_t i = 0; i < d->n; i++) {
		if (j && d->v[j - 1].day == d->v[i].day) {
			d->v[j - 1].legacy += d->v[i].legacy;
			d->v[j - 1].refused += d->v[i].refused;
			d->v[j - 1].other += d->v[i].other;
		} else
			d->v[j++] = d->v[i];
	}
	d->n = j;
	d->sorted = 1;
}

/* The state on day D of s, whose last days are up to date, and whether
 * it was ever migrated before. */
static int state_on(int64_t D, const struct client_story *s, int was_migrated,
		    int N)
{
	if (D - s->last_day >= N)
		return CLIENT_DORMANT;
	if (D - s->last_legacy >= N && s->last_other > s->last_legacy)
		return CLIENT_MIGRATED;
	if (s->last_legacy > s->last_ok)
		return CLIENT_REFUSED;
	if (was_migrated)
		return CLIENT_REGRESSED;
	return s->last_other != CLIENT_NO_DAY ? CLIENT_MIXED
					      : CLIENT_LEGACY_ONLY;
}

/* Day e of the client into s's last days. */
static void take_day(struct client_story *s, const struct client_day *e)
{
	s->last_day = e->day;
	if (e->legacy) {
		/* a refused run starts on the first day after the last
		 * success with a legacy request */
		if (e->legacy > e->refused)
			s->last_ok = e->day;
		else if (s->last_legacy <= s->last_ok)
			s->refused_since = e->day;
		s->last_legacy = e->day;
		s->legacy += e->legacy;
	}
	if (e->other)
		s->last_other = e->day;
}

static void story_init(struct client_story *s, const struct client_days *d)
{
	memset(s, 0, sizeof(*s));
	s->state = -1;
	s->first_day = d->n ? d->v[0].day : CLIENT_NO_DAY;
	s->last_day = s->last_legacy = s->last_ok = s->last_other =
	    s->refused_since = CLIENT_NO_DAY;
}

void client_story(struct client_days *d, int64_t now, int n_days,
		  struct client_story *s, long long (*per_day)[CLIENT_NSTATES],
		  int64_t first)
{
	int was_migrated = 0;
	size_t i = 0;

	days_sort(d);
	story_init(s, d);
	for (int64_t D = s->first_day; d->n && D <= now; D++) {
		int st;

		if (i < d->n && d->v[i].day == D)
			take_day(s, &d->v[i++]);
		if (s->last_legacy == CLIENT_NO_DAY)
			continue;
		st = state_on(D, s, was_migrated, n_days);
		s->heir = NULL;
		/* the successor found for the last legacy use, seen */
		if (st == CLIENT_DORMANT && d->heir && d->heir->first <= D &&
		    d->heir->last_legacy == s->last_legacy) {
			st = CLIENT_MIGRATED;
			s->heir = d->heir;
		}
		was_migrated |= st == CLIENT_MIGRATED;
		if (st != s->state)
			s->since = D;
		s->state = st;
		if (per_day && D >= first)
			per_day[D - first][st]++;
	}
}
