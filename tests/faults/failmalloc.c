/* failmalloc.c: an LD_PRELOAD allocator for fault-injection tests.  With
 * FAILMALLOC_AFTER=N, the N-th and every later malloc, calloc or realloc
 * fails (returns NULL with ENOMEM), so that a test can check that the
 * program exits cleanly and its database stays whole. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);

static long after = -1; /* -1: not read yet; 0: never fail */
static long calls;

static int fail_now(void)
{
	if (after < 0) {
		/* getenv allocates nothing */
		const char *s = getenv("FAILMALLOC_AFTER");

		after = s ? atol(s) : 0;
	}
	if (after == 0)
		return 0;
	if (__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) < after)
		return 0;
	errno = ENOMEM;
	return 1;
}

void *malloc(size_t n)
{
	return fail_now() ? NULL : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
	return fail_now() ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
	return fail_now() ? NULL : __libc_realloc(p, n);
}
