/* failmalloc.c: an LD_PRELOAD allocator for fault-injection tests.  With
 * FAILMALLOC_AFTER=N, the N-th and every later malloc, calloc or realloc
 * fails (returns NULL with ENOMEM), so that a test can check that the
 * program exits cleanly and its database stays whole.  With
 * FAILMALLOC_REPORT=FILE, the process writes "calls C failed F" to FILE
 * as it exits: how many allocations it asked for and how many were
 * refused, so that a test knows a failure was injected (0 or no
 * FAILMALLOC_AFTER: count only). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void *malloc(size_t n);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t n);

static long after = -1; /* -1: not read yet; 0: never fail */
static long calls;
static long failed;

static int fail_now(void)
{
	if (after < 0) {
		/* getenv allocates nothing */
		const char *s = getenv("FAILMALLOC_AFTER");

		after = s ? atol(s) : 0;
	}
	if (__atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) < after ||
	    after == 0)
		return 0;
	__atomic_add_fetch(&failed, 1, __ATOMIC_RELAXED);
	errno = ENOMEM;
	return 1;
}

/* At exit, without allocating: snprintf into a stack buffer, write(2). */
__attribute__((destructor)) static void report(void)
{
	const char *path = getenv("FAILMALLOC_REPORT");
	char line[64];
	int fd;
	int n;

	if (!path)
		return;
	n = snprintf(line, sizeof(line), "calls %ld failed %ld\n",
		     __atomic_load_n(&calls, __ATOMIC_RELAXED),
		     __atomic_load_n(&failed, __ATOMIC_RELAXED));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return;
	if (write(fd, line, (size_t)n) < 0)
		n = 0;
	close(fd);
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
