/* test_input_crc.c: the CRC-32 of the bytes read so far, taken by the
 * reader thread per chunk and by the reading thread for the rest. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "harness.h"
#include "input.h"

void test_input_crc(void);

/* Lines of every length up to 700 bytes, a line of exactly the limit,
 * an overlong one over several chunks, and short lines after them. */
static size_t corpus(char *buf)
{
	const size_t mib = 1024 * 1024;
	size_t n = 0;

	for (int i = 0; n < 6 * mib; i++) {
		n += (size_t)sprintf(buf + n, "line %d ", i);
		memset(buf + n, 'a' + i % 26, (size_t)(i * 7 % 700));
		n += (size_t)(i * 7 % 700);
		buf[n++] = '\n';
		if (i == 2000) {
			memset(buf + n, 'L', INPUT_LINE_MAX);
			n += INPUT_LINE_MAX;
			buf[n++] = '\n';
		}
		if (i == 4000) {
			memset(buf + n, 'O', 2 * mib + 5);
			n += 2 * mib + 5;
			buf[n++] = '\n';
		}
	}
	return n;
}

/* zlib's CRC-32 of buf[0..at), taken on from *ref at *ref_at. */
static uint32_t crc_to(const char *buf, uint64_t at, uint32_t *ref,
		       uint64_t *ref_at)
{
	*ref = (uint32_t)crc32(*ref, (const Bytef *)buf + *ref_at,
			       (uInt)(at - *ref_at));
	*ref_at = at;
	return *ref;
}

/* Read path (thread or not, after skipping skip bytes), asking for the
 * CRC every step lines, at the overlong ones and at the end: it is
 * zlib's of buf up to the offset each time.  Return how many times it
 * was right, or -1 when it was wrong or not known once. */
static int read_checking(const char *path, int thread, uint64_t skip, int step,
			 const char *buf)
{
	char err[256];
	struct input *in = input_open(path, thread, err, sizeof(err));
	const char *line;
	size_t len;
	int right = 0;
	int rc;
	uint32_t crc;
	uint32_t ref = 0;
	uint64_t ref_at = 0;

	if (!in || input_skip(in, skip) != 0)
		return -1;
	for (int i = 0; (rc = input_next_line(in, &line, &len)) > 0; i++) {
		uint64_t at = input_offset(in);

		if (i % step != 0 && rc != 2)
			continue;
		if (input_crc(in, &crc) != 0 ||
		    crc != crc_to(buf, at, &ref, &ref_at))
			return -1;
		right++;
	}
	if (input_crc(in, &crc) != 0 ||
	    crc != crc_to(buf, input_offset(in), &ref, &ref_at))
		right = -1;
	input_close(in);
	return right;
}

/* Every check of read_checking(), with and without a reader thread. */
static void check_all(const char *p, const char *buf)
{
	for (int thread = 0; thread < 2; thread++) {
		OK(read_checking(p, thread, 0, 997, buf) > 5,
		   "the CRC at every 997th line, the overlong ones and the "
		   "end is zlib's of the bytes read");
		OK(read_checking(p, thread, 0, 1, buf) > 8000,
		   "and at every line");
		OK(read_checking(p, thread, 12345, 501, buf) > 5,
		   "and after a skip, the skipped bytes counted");
	}
}

void test_input_crc(void)
{
	char p[] = "/tmp/keyaudit-crc-XXXXXX";
	int fd = mkstemp(p);
	char *buf = malloc(8u * 1024 * 1024);
	size_t n = corpus(buf);
	gzFile g;

	close(fd);
	g = gzopen(p, "wb1");
	gzwrite(g, buf, (unsigned)n);
	gzclose(g);
	check_all(p, buf);
	/* three members, cut inside a line and inside the overlong one */
	g = gzopen(p, "wb1");
	gzwrite(g, buf, 1000003);
	gzclose(g);
	g = gzopen(p, "ab6");
	gzwrite(g, buf + 1000003, 3000000);
	gzclose(g);
	g = gzopen(p, "ab9");
	gzwrite(g, buf + 4000003, (unsigned)(n - 4000003));
	gzclose(g);
	check_all(p, buf);
	unlink(p);
	free(buf);
}
