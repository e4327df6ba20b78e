/* buf.h: allocation helpers that never return NULL, and a growable buffer. */
#ifndef KEYAUDIT_BUF_H
#define KEYAUDIT_BUF_H

#include <stddef.h>
#include <stdint.h>

/* Allocate or exit: on failure print "keyaudit: out of memory" and exit
 * with status 3.  Tests may install a failing allocator through
 * buf_set_alloc_limit() to check that callers clean up. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Room for one more at p, an array of n elements of size bytes with
 * room for *cap: when it is full, *cap doubles (from first when 0) and
 * the array moves.  Return where the array now is. */
void *xgrow(void *p, size_t n, size_t *cap, size_t size, size_t first);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* A growable byte buffer with a hard cap.  data is always NUL-terminated
 * after buf_put*(); len excludes the NUL. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max; /* buf_put* fail (return -1) past this many bytes */
};

void buf_init(struct buf *b, size_t max);
/* Append n bytes; return 0, or -1 when the result would exceed b->max
 * (the buffer is left as it was). */
int buf_put(struct buf *b, const void *p, size_t n);
int buf_puts(struct buf *b, const char *s);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);

/* The value of hex digit c, or -1. */
int buf_hexval(int c);

/* Percent-decode len bytes at s into out (room for len bytes); a '%' not
 * followed by two hex digits stays as it is.  Return the length. */
size_t buf_url_decode(const char *s, size_t len, char *out);

/* A fast non-cryptographic hash (word at a time, well mixed), for hash
 * tables and caches on the per-line path. */
uint64_t buf_hash(const void *p, size_t n);
/* buf_hash()'s final mixing step: a hash of a hash combined with small
 * values (h ^ x), for keys whose long part was hashed before. */
uint64_t buf_mix(uint64_t h);

#endif
