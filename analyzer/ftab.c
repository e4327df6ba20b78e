/* ftab.c: open-addressing tables of fixed-size entries, and of strings
 * numbered as they come. */
#include "ftab.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

#define BLOCK_ENTRIES 2048 /* entries a block: they never move */
#define FIRST_SLOTS   1024

/* A slot is 0 (empty) or the upper half of its key's hash (the tag,
 * whose low bits also place it) over the entry's number + 1. */
struct ftab {
	uint64_t *slot;
	size_t nslots; /* a power of two */
	size_t count;
	char **blocks;
	size_t cap_blocks;
	size_t esize;
	size_t ksize;
};

struct ftab *ftab_new(size_t esize, size_t ksize)
{
	struct ftab *t = xcalloc(1, sizeof(*t));

	t->esize = (esize + 7) & ~(size_t)7;
	t->ksize = ksize;
	t->nslots = FIRST_SLOTS;
	t->slot = xcalloc(t->nslots, sizeof(*t->slot));
	return t;
}

void ftab_free(struct ftab *t)
{
	if (!t)
		return;
	for (size_t b = 0; b * BLOCK_ENTRIES < t->count; b++)
		free(t->blocks[b]);
	free(t->blocks);
	free(t->slot);
	free(t);
}

void *ftab_at(const struct ftab *t, size_t i)
{
	return t->blocks[i / BLOCK_ENTRIES] + (i % BLOCK_ENTRIES) * t->esize;
}

size_t ftab_size(const struct ftab *t)
{
	return t->count;
}

size_t ftab_bytes(const struct ftab *t)
{
	size_t blocks = (t->count + BLOCK_ENTRIES - 1) / BLOCK_ENTRIES;

	return t->nslots * sizeof(*t->slot) +
	       blocks * BLOCK_ENTRIES * t->esize;
}

static void grow(struct ftab *t)
{
	size_t n = t->nslots * 2;
	uint64_t *s = xcalloc(n, sizeof(*s));

	for (size_t i = 0; i < t->nslots; i++) {
		size_t j;

		if (!t->slot[i])
			continue;
		for (j = (t->slot[i] >> 32) & (n - 1); s[j];
		     j = (j + 1) & (n - 1))
			;
		s[j] = t->slot[i];
	}
	free(t->slot);
	t->slot = s;
	t->nslots = n;
}

/* The slot of key: its entry's, or the empty one where it would go. */
static size_t probe(const struct ftab *t, const void *key, uint64_t h)
{
	uint64_t tag = h >> 32;
	size_t mask = t->nslots - 1;
	size_t i;
	uint64_t s;

	for (i = tag & mask; (s = t->slot[i]); i = (i + 1) & mask)
		if (s >> 32 == tag &&
		    memcmp(ftab_at(t, (uint32_t)s - 1), key, t->ksize) == 0)
			break;
	return i;
}

static void *add(struct ftab *t, size_t i, const void *key, uint64_t h)
{
	char *e;

	if (t->count % BLOCK_ENTRIES == 0) {
		size_t b = t->count / BLOCK_ENTRIES;

		t->blocks = xgrow(t->blocks, b, &t->cap_blocks,
				  sizeof(*t->blocks), 16);
		t->blocks[b] = xmalloc(BLOCK_ENTRIES * t->esize);
	}
	e = ftab_at(t, t->count);
	memcpy(e, key, t->ksize);
	memset(e + t->ksize, 0, t->esize - t->ksize);
	t->slot[i] = (h >> 32) << 32 | (uint64_t)(t->count + 1);
	t->count++;
	/* keep the load under 3/4: the tags keep probes cheap */
	if (t->count * 4 > t->nslots * 3)
		grow(t);
	return e;
}

void *ftab_get(struct ftab *t, const void *key, uint64_t h, int *fresh)
{
	size_t i = probe(t, key, h);

	*fresh = t->slot[i] == 0;
	if (*fresh)
		return add(t, i, key, h);
	return ftab_at(t, (uint32_t)t->slot[i] - 1);
}

/* ---- strings -------------------------------------------------------- */

/* A string's place in text; its key in the table is its number. */
struct str {
	uint64_t hash;
	uint32_t off;
	uint32_t len;
};

struct strtab {
	uint32_t *slot; /* 0 empty, else the number */
	size_t nslots;
	struct str *strs; /* strs[id - 1] */
	size_t n;
	size_t cap;
	char *text;
	size_t used;
	size_t room;
};

struct strtab *strtab_new(void)
{
	struct strtab *s = xcalloc(1, sizeof(*s));

	s->nslots = 256;
	s->slot = xcalloc(s->nslots, sizeof(*s->slot));
	return s;
}

void strtab_free(struct strtab *s)
{
	if (!s)
		return;
	free(s->slot);
	free(s->strs);
	free(s->text);
	free(s);
}

static void str_grow(struct strtab *s)
{
	size_t n = s->nslots * 2;
	uint32_t *slot = xcalloc(n, sizeof(*slot));

	for (size_t i = 0; i < s->n; i++) {
		size_t j = s->strs[i].hash & (n - 1);

		while (slot[j])
			j = (j + 1) & (n - 1);
		slot[j] = (uint32_t)(i + 1);
	}
	free(s->slot);
	s->slot = slot;
	s->nslots = n;
}

static uint32_t str_add(struct strtab *s, size_t i, const void *p, size_t len,
			uint64_t h)
{
	struct str *e;

	while (s->used + len > s->room) {
		s->room = s->room ? 2 * s->room : 4096;
		s->text = xrealloc(s->text, s->room);
	}
	s->strs = xgrow(s->strs, s->n, &s->cap, sizeof(*s->strs), 64);
	e = &s->strs[s->n];
	e->hash = h;
	e->off = (uint32_t)s->used;
	e->len = (uint32_t)len;
	if (len) /* text is NULL until a string has a byte */
		memcpy(s->text + s->used, p, len);
	s->used += len;
	s->slot[i] = (uint32_t)++s->n;
	if (s->n * 2 > s->nslots)
		str_grow(s);
	return (uint32_t)s->n;
}

uint32_t strtab_id(struct strtab *s, const void *p, size_t len, uint64_t h)
{
	size_t mask = s->nslots - 1;
	size_t i;
	uint32_t id;

	for (i = h & mask; (id = s->slot[i]); i = (i + 1) & mask) {
		const struct str *e = &s->strs[id - 1];

		if (e->hash == h && e->len == len &&
		    (len == 0 || memcmp(s->text + e->off, p, len) == 0))
			return id;
	}
	return str_add(s, i, p, len, h);
}

const char *strtab_text(const struct strtab *s, uint32_t id, size_t *len)
{
	const struct str *e = &s->strs[id - 1];

	*len = e->len;
	return s->text + e->off;
}

size_t strtab_size(const struct strtab *s)
{
	return s->n;
}

size_t strtab_bytes(const struct strtab *s)
{
	return s->nslots * sizeof(*s->slot) + s->cap * sizeof(*s->strs) +
	       s->room;
}
