/* fuzz.h: what the fuzz targets, their helpers and the replay driver
 * share. */
#ifndef KEYAUDIT_FUZZ_H
#define KEYAUDIT_FUZZ_H

#include <stddef.h>
#include <stdint.h>

/* The entry point every target defines; libFuzzer or replay.c calls it
 * with size bytes at data (not NUL-terminated).  Returns 0. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Replace the contents of this process's scratch file (an anonymous
 * memfd, so a crash leaves nothing behind) with size bytes at data and
 * return a path that opens it.  The path stays valid for the life of
 * the process; the next call overwrites the contents. */
const char *fuzz_file(const void *data, size_t size);

/* A copy of n bytes at p in a heap block of exactly n bytes, so that
 * AddressSanitizer catches a read past the end.  Free with free(). */
char *fuzz_dup(const void *p, size_t n);

/* Read every byte of len bytes at p, so that a span pointing at freed or
 * unowned memory is caught by AddressSanitizer. */
void fuzz_touch(const void *p, size_t len);

/* A broken promise of the code under test: print "fuzz: what" and
 * abort, so that libFuzzer saves the input. */
#define FUZZ_CHECK(cond, what)                                                \
	do {                                                                  \
		if (!(cond))                                                  \
			fuzz_fail(__FILE__, __LINE__, (what));                \
	} while (0)
void fuzz_fail(const char *file, int line, const char *what)
    __attribute__((noreturn));

#endif
