/* memo.h: a bounded cache from byte strings to byte strings, for work
 * that repeats across lines (classifying the same credential again).
 * Its memory is fixed when it is made: old entries are forgotten. */
#ifndef KEYAUDIT_MEMO_H
#define KEYAUDIT_MEMO_H

#include <stddef.h>
#include <stdint.h>

struct memo;

/* A cache of about nslots entries (rounded up to a power of two), each
 * holding a key and its value of at most entry_max bytes together. */
struct memo *memo_new(size_t nslots, size_t entry_max);
/* Free m; NULL does nothing.  Entries are wiped first: they may hold
 * fingerprints of secrets. */
void memo_free(struct memo *m);

/* The value stored for key (hash is buf_hash(key, klen), which the
 * caller often has already), with its length in *vlen, or NULL.  The
 * value is aligned for any type and stays valid until the next
 * memo_put(). */
const void *memo_get(struct memo *m, const void *key, size_t klen,
		     uint64_t hash, size_t *vlen);
/* Remember val for key, forgetting an older entry.  A key and value
 * too long together are not kept. */
void memo_put(struct memo *m, const void *key, size_t klen, uint64_t hash,
	      const void *val, size_t vlen);

#endif
