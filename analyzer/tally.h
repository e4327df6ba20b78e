/* tally.h: an in-memory counter table keyed by byte strings, used to
 * aggregate a batch of requests before it is written to the database. */
#ifndef KEYAUDIT_TALLY_H
#define KEYAUDIT_TALLY_H

#include <stddef.h>
#include <stdint.h>

struct tally_entry {
	uint64_t hash;
	uint64_t n;
	int64_t first; /* smallest time added */
	int64_t last;  /* largest time added */
	size_t keylen;
	char key[]; /* keylen bytes */
};

struct tally;

struct tally *tally_new(void);
/* Free t and its entries; NULL does nothing. */
void tally_free(struct tally *t);

/* Add n at time ts to the entry for key, creating it when new.  Entries
 * live in arena blocks: adding to an existing key allocates nothing. */
void tally_add(struct tally *t, const void *key, size_t keylen, uint64_t n,
	       int64_t ts);
/* The same with the key's hash given: any function of the key's bytes
 * alone, the same one for every key of t. */
void tally_add_hashed(struct tally *t, const void *key, size_t keylen,
		      uint64_t hash, uint64_t n, int64_t ts);

/* The entry for key, added with hash h (as tally_add_hashed() was
 * given), or NULL.  It stays valid until the next tally_clear(). */
const struct tally_entry *tally_find(const struct tally *t, const void *key,
				     size_t keylen, uint64_t h);

size_t tally_size(const struct tally *t);
/* Bytes held by entries and the index, for flush decisions. */
size_t tally_bytes(const struct tally *t);

/* Call fn on every entry in an unspecified order; stop and return fn's
 * value when it is not 0. */
int tally_each(const struct tally *t,
	       int (*fn)(void *ctx, const struct tally_entry *e), void *ctx);

/* The same, in the order of cmp (a qsort() comparator on
 * const struct tally_entry * const *): writing a B-tree in key order
 * touches each page once. */
int tally_each_sorted(const struct tally *t,
		      int (*cmp)(const void *a, const void *b),
		      int (*fn)(void *ctx, const struct tally_entry *e),
		      void *ctx);

/* Forget every entry, keeping the memory for reuse. */
void tally_clear(struct tally *t);

#endif
