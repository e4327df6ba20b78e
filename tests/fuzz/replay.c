/* replay.c: run a fuzz target without libFuzzer, on every FILE given and
 * every file in each DIR given, so that make check replays the seed
 * corpora and the inputs that once crashed (zstd's regression_driver.c
 * does the same).
 *
 *   fuzz-replay-TARGET [FILE|DIR]...
 *
 * Each input's name goes to stderr before it runs, so a crash names its
 * input.  Exit 0 when every input ran, 1 when one could not be read, 2
 * on bad usage; a crash or sanitizer report ends the run on its own. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "fuzz.h"

static long replayed;

/* Read path whole into a block of exactly its size. */
static char *slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	char *copy;
	size_t n;

	if (!f)
		return NULL;
	buf_init(&b, (size_t)-1);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	if (ferror(f)) {
		fclose(f);
		buf_free(&b);
		return NULL;
	}
	fclose(f);
	*size = b.len;
	/* An exact-size copy: the target must not read past size bytes. */
	copy = fuzz_dup(b.data, b.len);
	buf_free(&b);
	return copy;
}

static int run_file(const char *path)
{
	size_t size = 0;
	char *data = slurp(path, &size);

	if (!data) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	fprintf(stderr, "replay: %s (%zu bytes)\n", path, size);
	LLVMFuzzerTestOneInput((const uint8_t *)data, size);
	free(data);
	replayed++;
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every regular file in dir whose name does not start with '.', in name
 * order so that runs are repeatable. */
static int run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (!d) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		names = xrealloc(names, (n + 1) * sizeof(*names));
		names[n] = xmalloc(strlen(dir) + strlen(e->d_name) + 2);
		sprintf(names[n], "%s/%s", dir, e->d_name);
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), by_name);
	for (size_t i = 0; i < n; i++) {
		struct stat sb;

		if (stat(names[i], &sb) == 0 && S_ISREG(sb.st_mode) &&
		    run_file(names[i]) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

int main(int argc, char **argv)
{
	int rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;

		if (stat(argv[i], &sb) != 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i],
				strerror(errno));
			rc = 1;
		} else if (S_ISDIR(sb.st_mode) ? run_dir(argv[i]) < 0
					       : run_file(argv[i]) < 0)
			rc = 1;
	}
	fprintf(stderr, "replay: %ld inputs\n", replayed);
	return rc;
}
