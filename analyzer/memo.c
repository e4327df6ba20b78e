/* memo.c: 4-way set-associative cache with fixed-size entries; within a
 * set the entry used least recently is replaced. */
#include "memo.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define WAYS 4

struct entry {
	_Alignas(16) uint64_t hash;
	uint64_t used; /* the memo's clock at the last hit */
	uint32_t klen; /* 0: empty */
	uint32_t vlen;
	unsigned char data[]; /* value (aligned), then key */
};

struct memo {
	unsigned char *slots;
	size_t stride; /* bytes an entry takes */
	size_t nsets;  /* a power of two */
	size_t max;    /* key and value bytes an entry holds */
	uint64_t clock;
};

struct memo *memo_new(size_t nslots, size_t entry_max)
{
	struct memo *m = xcalloc(1, sizeof(*m));

	m->nsets = 1;
	while (m->nsets * WAYS < nslots)
		m->nsets *= 2;
	m->max = entry_max;
	m->stride = (sizeof(struct entry) + entry_max + 15) & ~(size_t)15;
	/* calloc: pages of sets never used are never touched */
	m->slots = xcalloc(m->nsets * WAYS, m->stride);
	return m;
}

void memo_free(struct memo *m)
{
	if (!m)
		return;
	explicit_bzero(m->slots, m->nsets * WAYS * m->stride);
	free(m->slots);
	free(m);
}

static struct entry *at(struct memo *m, uint64_t hash, int way)
{
	size_t set = (size_t)(hash >> 7) & (m->nsets - 1);

	return (struct entry *)(void *)(m->slots + (set * WAYS + (size_t)way) *
						       m->stride);
}

const void *memo_get(struct memo *m, const void *key, size_t klen,
		     uint64_t hash, size_t *vlen)
{
	for (int w = 0; w < WAYS; w++) {
		struct entry *e = at(m, hash, w);

		if (e->hash == hash && e->klen == klen && klen &&
		    memcmp(e->data + e->vlen, key, klen) == 0) {
			e->used = ++m->clock;
			*vlen = e->vlen;
			return e->data;
		}
	}
	return NULL;
}

void memo_put(struct memo *m, const void *key, size_t klen, uint64_t hash,
	      const void *val, size_t vlen)
{
	struct entry *victim = at(m, hash, 0);

	if (klen == 0 || klen + vlen > m->max)
		return;
	for (int w = 1; w < WAYS && victim->klen; w++) {
		struct entry *e = at(m, hash, w);

		if (!e->klen || e->used < victim->used)
			victim = e;
	}
	victim->hash = hash;
	victim->used = ++m->clock;
	victim->klen = (uint32_t)klen;
	victim->vlen = (uint32_t)vlen;
	memcpy(victim->data, val, vlen);
	memcpy(victim->data + vlen, key, klen);
}
