/* test_input.c: plain and gzip input, lines, resume offsets. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

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
	struct input *in = input_open(path, err, sizeof(err));
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
	in = input_open(p, err, sizeof(err));
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
	unlink(p);
}
