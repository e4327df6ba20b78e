/* memo.h: a bounded cache from byte strings (or tuples of them) to
 * byte strings, for work that repeats across lines (classifying the
 * same credential again).  Its memory is fixed when it is made: old
 * entries are forgotten. */
#ifndef KEYAUDIT_MEMO_H
#define KEYAUDIT_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct memo;

/* A cache of at most nslots entries (rounded up to a power of two),
 * whose keys and values take arena bytes together at most; an entry
 * of more than entry_max bytes (key and value) is not kept.  The index
 * takes 8 bytes a slot; the arena's pages are touched as it fills.
 * Return the memo, to free with memo_free(); out of memory exits. */
struct memo *memo_new_arena(size_t nslots, size_t arena, size_t entry_max);
/* memo_new_arena() with an arena of nslots * entry_max / 2 bytes. */
struct memo *memo_new(size_t nslots, size_t entry_max);
/* Free m; NULL does nothing.  Entries are wiped first: they may hold
 * fingerprints of secrets. */
void memo_free(struct memo *m);

/* The hash of the key made of the n byte strings part[0..n), hashed
 * where they are (nothing is copied); ("ab") and ("a", "b") differ. */
uint64_t memo_hash(const struct span *part, int n);

/* The value stored for the key part[0..n) (hash is memo_hash() of it),
 * with its length in *vlen, or NULL.  The value is aligned to 8 bytes
 * and stays valid until the next memo_put() or memo_find() on m (a hit
 * on an entry about to be forgotten copies it to the newest end). */
const void *memo_find(struct memo *m, const struct span *part, int n,
		      uint64_t hash, size_t *vlen);
/* Remember val for the key part[0..n), forgetting the oldest entries
 * when the arena or the key's set of slots is full.  A key of no parts
 * or of one empty string, or a key and value longer than entry_max
 * together (with 4 bytes a part), is not kept. */
void memo_keep(struct memo *m, const struct span *part, int n, uint64_t hash,
	       const void *val, size_t vlen);

/* memo_find() and memo_keep() for a key of one string, whose hash is
 * buf_hash(key, klen) (which the caller often has already). */
const void *memo_get(struct memo *m, const void *key, size_t klen,
		     uint64_t hash, size_t *vlen);
void memo_put(struct memo *m, const void *key, size_t klen, uint64_t hash,
	      const void *val, size_t vlen);

#endif
