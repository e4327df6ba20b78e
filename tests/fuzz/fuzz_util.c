/* fuzz_util.c: the scratch file and checks the fuzz targets share. */
#include "fuzz.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf.h"

static int scratch_fd = -1;
static char scratch_path[64];

static void write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w <= 0) {
			perror("fuzz: write scratch file");
			abort();
		}
		p += w;
		n -= (size_t)w;
	}
}

const char *fuzz_file(const void *data, size_t size)
{
	if (scratch_fd < 0) {
		scratch_fd = memfd_create("keyaudit-fuzz", MFD_CLOEXEC);
		if (scratch_fd < 0) {
			perror("fuzz: memfd_create");
			abort();
		}
		snprintf(scratch_path, sizeof(scratch_path),
			 "/proc/self/fd/%d", scratch_fd);
	}
	if (ftruncate(scratch_fd, 0) != 0 ||
	    lseek(scratch_fd, 0, SEEK_SET) != 0) {
		perror("fuzz: reset scratch file");
		abort();
	}
	write_all(scratch_fd, data, size);
	return scratch_path;
}

char *fuzz_dup(const void *p, size_t n)
{
	char *q = xmalloc(n);

	if (n)
		memcpy(q, p, n);
	return q;
}

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FUZZ_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define FUZZ_ASAN 1
#endif

#ifdef FUZZ_ASAN
void *__asan_region_is_poisoned(void *beg, size_t size);
#endif

void fuzz_touch(const void *p, size_t len)
{
	const volatile unsigned char *b = p;
	unsigned char sum = 0;

	if (len == 0)
		return;
#ifdef FUZZ_ASAN
	/* One shadow check instead of a read per byte (megabytes of lines
	 * are touched); the first and last bytes are still read. */
	if (__asan_region_is_poisoned((void *)(uintptr_t)p, len))
		for (size_t i = 0; i < len; i++)
			sum = (unsigned char)(sum + b[i]); /* reports it */
	sum = (unsigned char)(sum + b[0] + b[len - 1]);
#else
	for (size_t i = 0; i < len; i++)
		sum = (unsigned char)(sum + b[i]);
#endif
	/* Make the sum observable so the reads are not optimised away. */
	__asm__ volatile("" : : "r"(sum));
}

void fuzz_fail(const char *file, int line, const char *what)
{
	fprintf(stderr, "fuzz: %s:%d: broken promise: %s\n", file, line, what);
	abort();
}
