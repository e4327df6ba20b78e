/* memo.c: a cache of entries in a ring arena, found through an index of
 * 8-byte slots in sets of eight (one cache line).  An entry is its
 * header, its value and its key (each part after its length); a slot is
 * the high half of the key's hash and the entry's place in the ring.
 * The ring forgets its oldest entries as it wraps; an entry hit in the
 * older half of the ring is copied to the newest end, so that what is
 * used stays. */
#include "memo.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define WAYS 8

struct entry {
	uint64_t hash;
	uint64_t pos;  /* where it was written in the ring's history */
	uint32_t klen; /* bytes of the key as stored */
	uint32_t vlen;
	/* then the value, padded to 8 bytes, then the key */
};

struct memo {
	uint64_t *slot; /* hash >> 32 << 32 | (pos / 8 + 1) mod 2^32; 0 free */
	size_t nsets;	/* a power of two */
	unsigned char *arena;
	uint64_t size; /* of the arena, a multiple of 8 */
	uint64_t head; /* bytes written to the ring so far (its history) */
	size_t max;    /* key and value bytes an entry may hold */
};

struct memo *memo_new_arena(size_t nslots, size_t arena, size_t entry_max)
{
	struct memo *m = xcalloc(1, sizeof(*m));

	m->nsets = 1;
	while (m->nsets * WAYS < nslots)
		m->nsets *= 2;
	m->max = entry_max;
	m->size = (arena + 7) & ~(uint64_t)7;
	/* calloc: pages of sets or arena never used are never touched */
	m->slot = xcalloc(m->nsets * WAYS, sizeof(*m->slot));
	m->arena = xcalloc(1, m->size);
	return m;
}

struct memo *memo_new(size_t nslots, size_t entry_max)
{
	return memo_new_arena(nslots, nslots * entry_max / 2, entry_max);
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	explicit_bzero(m->arena, m->head < m->size ? m->head : m->size);
	free(m->arena);
	free(m->slot);
	free(m);
}

/* The 128-bit product of a and b, its halves folded together. */
static uint64_t fold(uint64_t a, uint64_t b)
{
	unsigned __int128 r = (unsigned __int128)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* 16 bytes a step, one wide multiply each, every part's length first
 * (the constants are the fractional bits of the golden ratio, pi and
 * e: any odd 64-bit numbers with mixed bits do). */
uint64_t memo_hash(const struct span *part, int n)
{
	const uint64_t k1 = 0x9e3779b97f4a7c15ULL;
	const uint64_t k2 = 0x243f6a8885a308d3ULL;
	const uint64_t k3 = 0xb7e151628aed2a6bULL;
	uint64_t h = k1 ^ (uint64_t)n;

	for (int i = 0; i < n; i++) {
		const char *s = part[i].p;
		size_t len = part[i].len;
		uint64_t w[2];

		h = fold(h ^ len ^ k2, k3);
		for (; len >= 16; len -= 16, s += 16) {
			memcpy(w, s, 16);
			h = fold(w[0] ^ k2, w[1] ^ h ^ k3);
		}
		if (len) {
			w[0] = w[1] = 0;
			memcpy(w, s, len);
			h = fold(w[0] ^ k2, w[1] ^ h ^ k3);
		}
	}
	return buf_mix(h);
}

static size_t pad8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Bytes the key takes stored: each part's length, then its bytes. */
static size_t key_size(const struct span *part, int n)
{
	size_t k = 0;

	for (int i = 0; i < n; i++)
		k += sizeof(uint32_t) + part[i].len;
	return k;
}

static size_t entry_size(const struct entry *e)
{
	return sizeof(*e) + pad8(e->vlen) + e->klen;
}

static unsigned char *entry_key(struct entry *e)
{
	return (unsigned char *)(e + 1) + pad8(e->vlen);
}

/* The entry slot s names, or NULL when the ring wrote over it. */
static struct entry *slot_entry(const struct memo *m, uint64_t s)
{
	uint32_t at = (uint32_t)s;
	uint64_t back =
	    (uint64_t)(uint32_t)((uint32_t)(m->head / 8) - (at - 1)) * 8;
	uint64_t pos = m->head - back;
	struct entry *e;

	if (at == 0 || back == 0 || back > m->size || back > m->head)
		return NULL;
	e = (struct entry *)(void *)(m->arena + pos % m->size);
	if (e->pos != pos || e->klen > m->max || e->vlen > m->max ||
	    pos % m->size + entry_size(e) > m->size)
		return NULL;
	return e;
}

static int key_is(struct entry *e, const struct span *part, int n, size_t klen)
{
	const unsigned char *k = entry_key(e);

	if (e->klen != klen)
		return 0;
	for (int i = 0; i < n; i++) {
		uint32_t len;

		memcpy(&len, k, sizeof(len));
		if (len != part[i].len ||
		    memcmp(k + sizeof(len), part[i].p, len) != 0)
			return 0;
		k += sizeof(len) + len;
	}
	return 1;
}

static uint64_t *set_of(const struct memo *m, uint64_t hash)
{
	return m->slot + (hash & (m->nsets - 1)) * WAYS;
}

static uint64_t tag_of(uint64_t hash)
{
	return hash >> 32 << 32;
}

/* Make room for len bytes at the ring's newest end; return the place
 * where they go in the ring's history. */
static uint64_t ring_take(struct memo *m, size_t len)
{
	uint64_t off = m->head % m->size;

	len = pad8(len);
	if (off + len > m->size)
		m->head += m->size - off; /* entries never wrap */
	m->head += len;
	return m->head - len;
}

static uint64_t slot_value(uint64_t hash, uint64_t pos)
{
	return tag_of(hash) | (uint32_t)(pos / 8 + 1);
}

/* Copy e, found in the older half of the ring, to its newest end. */
static struct entry *renew(struct memo *m, uint64_t *s, struct entry *e)
{
	size_t len = entry_size(e);
	uint64_t pos = ring_take(m, len);
	struct entry *to = (struct entry *)(void *)(m->arena + pos % m->size);

	memmove(to, e, len);
	to->pos = pos;
	*s = slot_value(to->hash, pos);
	return to;
}

const void *memo_find(struct memo *m, const struct span *part, int n,
		      uint64_t hash, size_t *vlen)
{
	uint64_t *set = set_of(m, hash);
	size_t klen = key_size(part, n);

	for (int w = 0; w < WAYS; w++) {
		struct entry *e;

		if ((set[w] & ~(uint64_t)UINT32_MAX) != tag_of(hash))
			continue;
		e = slot_entry(m, set[w]);
		if (!e || e->hash != hash || !key_is(e, part, n, klen))
			continue;
		if (m->head - e->pos > m->size / 2)
			e = renew(m, &set[w], e);
		*vlen = e->vlen;
		return e + 1;
	}
	return NULL;
}

/* The slot of set for a new entry of key part[0..n): the key's own
 * when it is there, else a free one, else the oldest. */
static uint64_t *victim(struct memo *m, uint64_t *set, const struct span *part,
			int n, uint64_t hash, size_t klen)
{
	uint64_t *best = NULL;
	uint64_t oldest = UINT64_MAX;

	for (int w = 0; w < WAYS; w++) {
		struct entry *e = slot_entry(m, set[w]);

		if (!e)
			return &set[w];
		if (e->hash == hash && key_is(e, part, n, klen))
			return &set[w];
		if (e->pos < oldest) {
			oldest = e->pos;
			best = &set[w];
		}
	}
	return best;
}

void memo_keep(struct memo *m, const struct span *part, int n, uint64_t hash,
	       const void *val, size_t vlen)
{
	size_t klen = key_size(part, n);
	uint64_t *s;
	struct entry *e;
	unsigned char *k;
	uint64_t pos;

	if (n == 0 || (n == 1 && part[0].len == 0) || klen + vlen > m->max ||
	    pad8(sizeof(*e) + pad8(vlen) + klen) > m->size)
		return;
	s = victim(m, set_of(m, hash), part, n, hash, klen);
	pos = ring_take(m, sizeof(*e) + pad8(vlen) + klen);
	e = (struct entry *)(void *)(m->arena + pos % m->size);
	e->hash = hash;
	e->pos = pos;
	e->klen = (uint32_t)klen;
	e->vlen = (uint32_t)vlen;
	memcpy(e + 1, val, vlen);
	k = entry_key(e);
	for (int i = 0; i < n; i++) {
		uint32_t len = (uint32_t)part[i].len;

		memcpy(k, &len, sizeof(len));
		memcpy(k + sizeof(len), part[i].p, len);
		k += sizeof(len) + len;
	}
	*s = slot_value(hash, pos);
}

const void *memo_get(struct memo *m, const void *key, size_t klen,
		     uint64_t hash, size_t *vlen)
{
	struct span part = {key, klen};

	return memo_find(m, &part, 1, hash, vlen);
}

void memo_put(struct memo *m, const void *key, size_t klen, uint64_t hash,
	      const void *val, size_t vlen)
{
	struct span part = {key, klen};

	memo_keep(m, &part, 1, hash, val, vlen);
}
