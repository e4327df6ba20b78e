/* tally.c: open-addressing hash table over arena-allocated entries. */
#include "tally.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define BLOCK (256 * 1024) /* arena block size */

struct block {
	struct block *next;
	size_t size;
	size_t used;
	char data[];
};

struct tally {
	struct tally_entry **slot;
	size_t nslots; /* a power of two */
	size_t count;
	struct block *blocks;
	size_t bytes;
};

struct tally *tally_new(void)
{
	struct tally *t = xcalloc(1, sizeof(*t));

	t->nslots = 1024;
	t->slot = xcalloc(t->nslots, sizeof(*t->slot));
	return t;
}

void tally_free(struct tally *t)
{
	struct block *b;

	if (!t)
		return;
	while ((b = t->blocks)) {
		t->blocks = b->next;
		free(b);
	}
	free(t->slot);
	free(t);
}

static void *arena_alloc(struct tally *t, size_t n)
{
	struct block *b = t->blocks;

	n = (n + 15) & ~(size_t)15;
	if (!b || b->used + n > BLOCK - sizeof(*b)) {
		size_t size = n > BLOCK - sizeof(*b) ? n + sizeof(*b) : BLOCK;

		b = xmalloc(size);
		b->size = size;
		b->used = 0;
		b->next = t->blocks;
		t->blocks = b;
		t->bytes += size;
	}
	b->used += n;
	return b->data + b->used - n;
}

static void grow(struct tally *t)
{
	size_t n = t->nslots * 2;
	struct tally_entry **s = xcalloc(n, sizeof(*s));

	for (size_t i = 0; i < t->nslots; i++) {
		struct tally_entry *e = t->slot[i];
		size_t j;

		if (!e)
			continue;
		for (j = e->hash & (n - 1); s[j]; j = (j + 1) & (n - 1))
			;
		s[j] = e;
	}
	free(t->slot);
	t->slot = s;
	t->nslots = n;
}

void tally_add(struct tally *t, const void *key, size_t keylen, uint64_t n,
	       int64_t ts)
{
	tally_add_hashed(t, key, keylen, buf_hash(key, keylen), n, ts);
}

void tally_add_hashed(struct tally *t, const void *key, size_t keylen,
		      uint64_t h, uint64_t n, int64_t ts)
{
	size_t mask = t->nslots - 1;
	size_t i;
	struct tally_entry *e;

	for (i = h & mask; (e = t->slot[i]); i = (i + 1) & mask) {
		if (e->hash == h && e->keylen == keylen &&
		    memcmp(e->key, key, keylen) == 0) {
			e->n += n;
			if (ts < e->first)
				e->first = ts;
			if (ts > e->last)
				e->last = ts;
			return;
		}
	}
	e = arena_alloc(t, sizeof(*e) + keylen);
	e->hash = h;
	e->n = n;
	e->first = e->last = ts;
	e->keylen = keylen;
	memcpy(e->key, key, keylen);
	t->slot[i] = e;
	t->count++;
	/* keep the load under 1/2 so probes stay short */
	if (t->count * 2 > t->nslots)
		grow(t);
}

const struct tally_entry *tally_find(const struct tally *t, const void *key,
				     size_t keylen, uint64_t h)
{
	size_t mask = t->nslots - 1;
	const struct tally_entry *e;

	for (size_t i = h & mask; (e = t->slot[i]); i = (i + 1) & mask)
		if (e->hash == h && e->keylen == keylen &&
		    memcmp(e->key, key, keylen) == 0)
			return e;
	return NULL;
}

size_t tally_size(const struct tally *t)
{
	return t->count;
}

size_t tally_bytes(const struct tally *t)
{
	return t->bytes + t->nslots * sizeof(*t->slot);
}

int tally_each(const struct tally *t,
	       int (*fn)(void *ctx, const struct tally_entry *e), void *ctx)
{
	for (size_t i = 0; i < t->nslots; i++) {
		int rc;

		if (!t->slot[i])
			continue;
		rc = fn(ctx, t->slot[i]);
		if (rc)
			return rc;
	}
	return 0;
}

int tally_each_sorted(const struct tally *t,
		      int (*cmp)(const void *a, const void *b),
		      int (*fn)(void *ctx, const struct tally_entry *e),
		      void *ctx)
{
	struct tally_entry **v;
	size_t n = 0;
	int rc = 0;

	if (t->count == 0)
		return 0;
	v = xmalloc(t->count * sizeof(*v));
	for (size_t i = 0; i < t->nslots; i++)
		if (t->slot[i])
			v[n++] = t->slot[i];
	qsort(v, n, sizeof(*v), cmp);
	for (size_t i = 0; i < n && !rc; i++)
		rc = fn(ctx, v[i]);
	free(v);
	return rc;
}

void tally_clear(struct tally *t)
{
	struct block *b;

	/* keep one block; free the rest so a burst does not pin memory */
	while (t->blocks && t->blocks->next) {
		b = t->blocks;
		t->blocks = b->next;
		t->bytes -= b->size;
		free(b);
	}
	if (t->blocks)
		t->blocks->used = 0;
	memset(t->slot, 0, t->nslots * sizeof(*t->slot));
	t->count = 0;
}
