/* store_batch.c: requests counted in memory, one tuple per distinct
 * request (day, client, class, amnesty, status, credential, origin
 * and, of a legacy request, agent and route), a legacy request's hour
 * counted apart, for the writer to make each table's rows from
 * (store_write.c).  The work per line is one lookup (two for a legacy
 * request), and the numbers of its strings. */
#include <stdlib.h>
#include <string.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "buf.h"
#include "store_int.h"

/* What seen and caps are keyed by: a route or an origin met (seen), or
 * how many of them a (day, client) or (day, client, credential) has
 * within its cap (caps). */
struct met {
	uint64_t cred;
	uint64_t what; /* the route's number, or the origin */
	int32_t day;
	uint32_t client;
	uint8_t kind; /* MET_ROUTE or MET_ORIGIN */
	uint8_t cls;
	uint8_t has_cred;
	uint8_t pad;
	/* the value */
	uint32_t n; /* caps: how many; seen: 1 within the cap, else 2 */
};
#define MET_KEY	   offsetof(struct met, n)
#define MET_ROUTE  1
#define MET_ORIGIN 2

void store_batch_init(struct batch *b)
{
	memset(b, 0, sizeof(*b));
	b->tuples = ftab_new(sizeof(struct tuple), TUPLE_KEY);
	b->hours = ftab_new(sizeof(struct hourly), HOURLY_KEY);
	b->seen = ftab_new(sizeof(struct met), MET_KEY);
	b->caps = ftab_new(sizeof(struct met), MET_KEY);
	b->clients = strtab_new();
	b->agents = strtab_new();
	b->routes = strtab_new();
}

void store_batch_free(struct batch *b)
{
	ftab_free(b->tuples);
	ftab_free(b->hours);
	ftab_free(b->seen);
	ftab_free(b->caps);
	strtab_free(b->clients);
	strtab_free(b->agents);
	strtab_free(b->routes);
	b->tuples = NULL;
}

/* Empty b and give its memory back to the system: a batch written
 * holds none while the next one fills. */
void store_batch_clear(struct batch *b)
{
	store_batch_free(b);
	store_batch_init(b);
#ifdef __GLIBC__
	malloc_trim(0); /* free pages amid the heap, too */
#endif
}

size_t store_batch_bytes(const struct batch *b)
{
	return ftab_bytes(b->tuples) + ftab_bytes(b->hours) +
	       ftab_bytes(b->seen) + ftab_bytes(b->caps) +
	       strtab_bytes(b->clients) + strtab_bytes(b->agents) +
	       strtab_bytes(b->routes);
}

static uint64_t met_hash(const struct met *m)
{
	return buf_mix(buf_mix(m->cred ^ m->what * 0x9e3779b97f4a7c15ULL) ^
		       ((uint64_t)(uint32_t)m->day << 32 | m->client) ^
		       ((uint64_t)m->kind << 8 | m->cls));
}

/* Is what (a route's number or an origin) of t within its cap of max a
 * key (t's day and client, and its credential with with_cred)?  The
 * first time a what is met with t's day, client, class and credential
 * decides, for every later request with them. */
static int within_cap(struct batch *b, const struct tuple *t, uint8_t kind,
		      uint64_t what, int with_cred, uint32_t max)
{
	struct met k;
	struct met *seen;
	struct met *cap;
	int fresh;

	memset(&k, 0, sizeof(k));
	k.cred = t->cred;
	k.what = what;
	k.day = t->day;
	k.client = t->client;
	k.kind = kind;
	k.cls = t->cls;
	k.has_cred = t->has_cred;
	seen = ftab_get(b->seen, &k, met_hash(&k), &fresh);
	if (!fresh)
		return seen->n == 1;
	k.what = 0;
	k.cls = 0;
	k.has_cred = 0;
	if (!with_cred)
		k.cred = 0;
	cap = ftab_get(b->caps, &k, met_hash(&k), &fresh);
	seen->n = cap->n < max ? 1 : 2;
	cap->n += seen->n == 1;
	return seen->n == 1;
}

/* What a new tuple's requests are counted under: its route, or
 * "{other}" once its client's day has ROUTES_CAP routes; of a client
 * named after its credential, its origin, or none once the day has
 * ORIGINS_CAP of them. */
static void decide(struct batch *b, struct tuple *t)
{
	if (t->route) {
		t->route_to = t->route;
		if (!within_cap(b, t, MET_ROUTE, t->route, 0, ROUTES_CAP)) {
			if (!b->other)
				b->other = strtab_id(b->routes, "{other}", 7,
						     buf_hash("{other}", 7));
			t->route_to = b->other;
		}
	}
	if (t->origin)
		t->origin_cut =
		    !within_cap(b, t, MET_ORIGIN, t->origin, 1, ORIGINS_CAP);
}

/* The number of s[0..len), cut to max bytes; hash is buf_hash(s, len). */
static uint32_t string_id(struct strtab *tab, const char *s, size_t len,
			  size_t max, uint64_t hash)
{
	if (len > max) {
		len = max;
		hash = buf_hash(s, len);
	}
	return strtab_id(tab, s, len, hash);
}

/* Count the legacy request of key k at sec seconds of its day. */
static void count_hour(struct batch *b, const struct tuple *k, uint32_t sec)
{
	struct hourly key;
	struct hourly *e;
	int fresh;

	memset(&key, 0, sizeof(key));
	key.day = k->day;
	key.client = k->client;
	key.status = k->status;
	key.cls = k->cls;
	key.amnesty = k->amnesty;
	key.hour = (uint8_t)(sec / 3600);
	e = ftab_get(
	    b->hours, &key,
	    buf_mix((uint64_t)(uint32_t)key.day << 32 ^ key.client ^
		    (uint64_t)key.status << 40 ^ (uint64_t)key.cls << 24 ^
		    (uint64_t)key.amnesty << 16 ^ (uint64_t)key.hour << 8),
	    &fresh);
	e->n++;
}

/* The legacy request's part of key k: agent, route. */
static void key_legacy(struct batch *b, const struct hit *h, struct tuple *k)
{
	k->legacy = 1;
	k->agent = string_id(b->agents, h->agent, h->agent_len, AGENT_MAX,
			     h->agent_hash);
	if (h->route)
		k->route =
		    string_id(b->routes, h->route, h->route_len, ROUTE_MAX,
			      buf_hash(h->route, h->route_len));
}

static uint64_t tuple_hash(const struct tuple *k)
{
	uint64_t small =
	    (uint64_t)k->status << 32 | (uint64_t)k->cls << 24 |
	    (uint64_t)k->amnesty << 16 |
	    (uint64_t)(k->legacy | k->has_cred << 1 | k->fp_client << 2);

	return buf_mix(buf_mix(k->cred ^ k->origin * 0x9e3779b97f4a7c15ULL) ^
		       buf_mix((uint64_t)k->agent << 32 | k->route) ^
		       ((uint64_t)(uint32_t)k->day << 32 | k->client) ^
		       small * 0xbf58476d1ce4e5b9ULL);
}

static void track_day(struct batch *b, int32_t day)
{
	if (!b->any || day < b->min_day)
		b->min_day = day;
	if (!b->any || day > b->max_day)
		b->max_day = day;
	b->any = 1;
}

void store_count(struct store *st, const struct file_state *fs,
		 const struct hit *h)
{
	struct batch *b = &st->batch[st->cur];
	struct tuple k;
	struct tuple *t;
	uint32_t sec;
	int fresh;

	memset(&k, 0, TUPLE_KEY);
	b->file = fs->id;
	k.day = (int32_t)(h->time >= 0 ? h->time / 86400
				       : (h->time - 86399) / 86400);
	k.client = string_id(b->clients, h->client, h->client_len, CLIENT_MAX,
			     h->client_hash);
	k.cls = (uint8_t)h->cls;
	k.amnesty = h->amnesty != 0;
	k.status = (uint16_t)h->status;
	k.has_cred = h->cred_fp != NULL;
	k.cred = h->cred_num;
	k.fp_client = (uint8_t)h->client_is_cred;
	k.origin = h->origin;
	sec = (uint32_t)(h->time - (int64_t)k.day * 86400);
	if (h->legacy) {
		key_legacy(b, h, &k);
		count_hour(b, &k, sec);
	}
	track_day(b, k.day);
	t = ftab_get(b->tuples, &k, tuple_hash(&k), &fresh);
	if (fresh) {
		decide(b, t);
		t->first = t->last = sec;
	}
	t->n++;
	if (sec < t->first)
		t->first = sec;
	if (sec > t->last)
		t->last = sec;
}

void store_discard(struct store *st)
{
	store_batch_clear(&st->batch[st->cur]);
}
