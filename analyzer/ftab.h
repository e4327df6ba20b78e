/* ftab.h: hash tables for counting on the per-line path.
 *
 * An ftab holds entries of one fixed size, each starting with a key of
 * one fixed size; an entry is found, or added zeroed past its key, by
 * one probe of an index whose slots hold a part of each key's hash, so
 * that a probe reads an entry only when that part matches.  Entries are
 * numbered from 0 in the order they were added and never move.
 *
 * A strtab gives each distinct byte string a number from 1, and back.
 *
 * Neither frees anything before ftab_free() or strtab_free(): a batch
 * of counts is made, written, and freed whole. */
#ifndef KEYAUDIT_FTAB_H
#define KEYAUDIT_FTAB_H

#include <stddef.h>
#include <stdint.h>

struct ftab;

/* A table of entries of esize bytes whose first ksize bytes are the key
 * (ksize <= esize).  Out of memory exits (xmalloc). */
struct ftab *ftab_new(size_t esize, size_t ksize);
/* Free t; NULL does nothing. */
void ftab_free(struct ftab *t);

/* The entry of key (ksize bytes; h is any function of them alone, the
 * same one for every key of t).  A new one is added, its key copied and
 * the rest zeroed, and *fresh set to 1; else *fresh is 0.  The entry's
 * address stays valid until ftab_free(). */
void *ftab_get(struct ftab *t, const void *key, uint64_t h, int *fresh);
/* Entry i (0 <= i < ftab_size(t)), in the order they were added. */
void *ftab_at(const struct ftab *t, size_t i);
size_t ftab_size(const struct ftab *t);
/* Bytes held by the entries and the index. */
size_t ftab_bytes(const struct ftab *t);

struct strtab;

struct strtab *strtab_new(void);
void strtab_free(struct strtab *s);
/* The number of p[0..len) (h: buf_hash(p, len)), from 1, the same for
 * the same bytes; a new string is copied in. */
uint32_t strtab_id(struct strtab *s, const void *p, size_t len, uint64_t h);
/* The bytes of number id, and their length in *len.  Valid until the
 * next strtab_id() or strtab_free(). */
const char *strtab_text(const struct strtab *s, uint32_t id, size_t *len);
/* How many strings s holds. */
size_t strtab_size(const struct strtab *s);
size_t strtab_bytes(const struct strtab *s);

#endif
