/* test_input.c: plain and gzip input, lines, resume offsets. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"
#include "harness.h"
#include "input.h"
#include "record.h"

void test_input(void);

static void write_file(const char *path, const char *data, size_t n)
{
	FILE *f = fopen(path, "wb");

	fwrite(data, 1, n, f);
	fclose(f);
}

static void write_gz(const char *path, const char *mode, const char *text)
{
	gzFile g = gzopen(path, mode);

	gzputs(g, text);
	gzclose(g);
}

static int count_lines(const char *path, int hold, enum input_end *how)
{
	char err[256];
	struct input *in = input_open(path, 1, err, sizeof(err));
	const char *line;
	size_t len;
	int n = 0;

	if (!in)
		return -1;
	input_hold_partial(in, hold);
	while (input_next_line(in, &line, &len) > 0)
		n++;
	*how = input_end(in);
	input_close(in);
	return n;
}

/* What a reader made of an input: each line's return code, length,
 * bytes and offset after it, folded into one digest. */
struct reading {
	uint64_t digest;
	int lines;    /* returned 1 */
	int overlong; /* returned 2 */
	int longest;  /* a line of exactly INPUT_LINE_MAX bytes was given */
};

static void fold(uint64_t *h, const void *p, size_t n)
{
	*h = buf_mix(*h ^ buf_hash(p, n));
}

static void read_all(struct input *in, struct reading *r)
{
	const char *line;
	size_t len;
	int rc;

	memset(r, 0, sizeof(*r));
	while ((rc = input_next_line(in, &line, &len)) > 0) {
		uint64_t off = input_offset(in);

		fold(&r->digest, &rc, sizeof(rc));
		fold(&r->digest, &off, sizeof(off));
		if (rc == 2) {
			r->overlong++;
			continue;
		}
		fold(&r->digest, &len, sizeof(len));
		fold(&r->digest, line, len);
		r->lines++;
		r->longest |= len == INPUT_LINE_MAX;
	}
}

/* Append short numbered lines to buf until it holds at least upto
 * bytes. */
static size_t short_lines(char *buf, size_t n, size_t upto, int *i)
{
	while (n < upto) {
		n += (size_t)sprintf(buf + n, "line %d ", *i);
		memset(buf + n, 'x', (size_t)(*i % 300));
		n += (size_t)(*i % 300);
		buf[n++] = '\n';
		++*i;
	}
	return n;
}

static size_t long_line(char *buf, size_t n, char c, size_t len)
{
	memset(buf + n, c, len);
	buf[n + len] = '\n';
	return n + len + 1;
}

/* Lines cut by every boundary of the inflated data, and lines at and
 * past the length limit across them: gzip reads as the plain file does,
 * and resumes at the same offsets. */
static void test_input_boundaries(const char *p)
{
	const size_t mib = 1024 * 1024;
	char *buf = malloc(9 * mib);
	char plain[64];
	size_t n = 0;
	size_t at_b;
	size_t after_b;
	int i = 0;
	struct reading rp;
	struct reading rg;
	struct input *in;
	char err[256];
	const char *line;
	size_t len;
	gzFile g;

	n = short_lines(buf, n, mib - 50, &i);
	n = long_line(buf, n, 'a', INPUT_LINE_MAX); /* kept */
	at_b = n;
	n = long_line(buf, n, 'b', INPUT_LINE_MAX + 1); /* too long */
	after_b = n;
	n = short_lines(buf, n, n + mib + mib / 2, &i);
	n = long_line(buf, n, 'c', 3 * mib); /* too long, over chunks */
	n = short_lines(buf, n, n + mib / 3, &i);
	snprintf(plain, sizeof(plain), "%s.plain", p);
	write_file(plain, buf, n);
	g = gzopen(p, "wb1");
	gzwrite(g, buf, (unsigned)n);
	gzclose(g);

	in = input_open(plain, 1, err, sizeof(err));
	read_all(in, &rp);
	input_close(in);
	INT_EQ(rp.lines, i + 1, "plain: every short line and the longest");
	INT_EQ(rp.overlong, 2, "plain: the two overlong lines");
	OK(rp.longest, "plain: a line of exactly the limit is given");
	/* gzip inflated in a thread of its own (thread 1), in chunks, and
	 * in the reading thread (0), as under --jobs */
	for (int thread = 0; thread < 2; thread++) {
		in = input_open(p, thread, err, sizeof(err));
		OK(input_is_gzip(in), "the gzip copy is read as gzip");
		read_all(in, &rg);
		INT_EQ(input_end(in), INPUT_END_CLEAN, "gzip read to its end");
		input_close(in);
		INT_EQ(rg.lines, rp.lines, "gzip: the same lines");
		INT_EQ(rg.overlong, rp.overlong,
		       "gzip: the same overlong lines");
		OK(rg.digest == rp.digest,
		   "gzip: the same bytes at the same offsets");
	}
	/* resuming just before and just after the overlong line: plain,
	 * gzip in a thread, gzip without */
	for (int k = 0; k < 3; k++) {
		const char *path = k ? p : plain;

		in = input_open(path, k < 2, err, sizeof(err));
		INT_EQ(input_skip(in, at_b), 0, "skip to the overlong line");
		INT_EQ(input_next_line(in, &line, &len), 2, "it is skipped");
		INT_EQ(input_offset(in), after_b, "offset after it");
		input_close(in);
		in = input_open(path, k < 2, err, sizeof(err));
		INT_EQ(input_skip(in, after_b), 0, "skip past it");
		INT_EQ(input_next_line(in, &line, &len), 1, "a line after it");
		OK(len > 5 && memcmp(line, "line ", 5) == 0,
		   "resumed at the short line after it");
		input_close(in);
	}
	unlink(plain);
	free(buf);
}

void test_input(void)
{
	char p[] = "/tmp/keyaudit-input-XXXXXX";
	int fd = mkstemp(p);
	enum input_end how;
	char err[256];
	struct input *in;
	const char *line;
	size_t len;

	close(fd);
	write_file(p, "a\nbb\ncc", 7);
	INT_EQ(count_lines(p, 1, &how), 2, "partial last line held");
	INT_EQ(how, INPUT_END_PARTIAL, "said so");
	INT_EQ(count_lines(p, 0, &how), 3, "or given when not held");
	/* two gzip members, read through */
	write_gz(p, "wb", "one\ntwo\n");
	write_gz(p, "ab", "three\n");
	INT_EQ(count_lines(p, 1, &how), 3, "concatenated members");
	INT_EQ(how, INPUT_END_CLEAN, "clean end");
	/* resume after the first line */
	in = input_open(p, 1, err, sizeof(err));
	INT_EQ(input_skip(in, 4), 0, "skip");
	INT_EQ(input_next_line(in, &line, &len), 1, "a line after the skip");
	SPAN_EQ(((struct span){line, len}), "two", "resumed at the offset");
	INT_EQ(input_offset(in), 8, "offset after it");
	input_close(in);
	/* a gzip cut short keeps its complete lines */
	{
		FILE *f = fopen(p, "rb");
		char buf[4096];
		size_t n = fread(buf, 1, sizeof(buf), f);

		fclose(f);
		write_file(p, buf, n - 12);
		INT_EQ(count_lines(p, 1, &how), 2, "lines before the cut");
		INT_EQ(how, INPUT_END_TRUNCATED, "premature end");
	}
	test_input_boundaries(p);
	unlink(p);
}
