/* input.c: read plain or gzipped logs, yield complete lines, and keep
 * track of decompressed offsets so that a later run can resume. */
#include "input.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"

#define RAW_CHUNK (256 * 1024) /* compressed bytes read at a time */
#define FILL_CHUNK (256 * 1024) /* least room asked of a fill */
#define BUF_CAP (INPUT_LINE_MAX + FILL_CHUNK)

struct input {
	int fd;
	int is_stdin;
	int gz;
	int hold;
	/* compressed side */
	z_stream z;
	int z_ready;
	int in_member; /* inside a gzip member, not yet at its end */
	unsigned char *raw;
	uint64_t raw_total; /* compressed bytes read from fd */
	uint64_t size;      /* of the file, 0 if not a regular file */
	int raw_eof;
	/* decompressed side: buf[start..end) is unread */
	char *buf;
	size_t start;
	size_t scan; /* no '\n' in buf[start..scan) */
	size_t end;
	uint64_t base; /* decompressed offset of buf[0] */
	uint64_t consumed;
	int done; /* the source has nothing more */
	int skipping; /* inside an overlong line */
	enum input_end how;
	uint64_t pending;
	char msg[160];
};

static int read_raw(struct input *in, void *dst, size_t cap)
{
	ssize_t n;

	do
		n = read(in->fd, dst, cap);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		in->how = INPUT_END_IOERROR;
		snprintf(in->msg, sizeof(in->msg), "read error: %s",
			 strerror(errno));
		return -1;
	}
	in->raw_total += (uint64_t)n;
	return (int)n;
}

static void set_end(struct input *in, enum input_end how, const char *what)
{
	in->how = how;
	snprintf(in->msg, sizeof(in->msg), "%s at compressed byte %llu", what,
		 (unsigned long long)(in->raw_total - in->z.avail_in));
}

/* Start the next gzip member, or finish.  Return 1 to go on, 0 when
 * done. */
static int next_member(struct input *in)
{
	int n;

	if (in->z.avail_in == 0 && !in->raw_eof) {
		n = read_raw(in, in->raw, RAW_CHUNK);
		if (n < 0)
			return 0;
		in->raw_eof = n == 0;
		in->z.next_in = in->raw;
		in->z.avail_in = (unsigned)n;
	}
	if (in->z.avail_in == 0)
		return 0; /* clean end after the last member */
	if (in->z.next_in[0] != 0x1f) {
		set_end(in, INPUT_END_CORRUPT, "trailing garbage after gzip "
					       "data");
		return 0;
	}
	inflateReset(&in->z);
	in->in_member = 1;
	return 1;
}

/* Inflate into dst; return bytes made, 0 when the stream is over. */
static size_t fill_gzip(struct input *in, char *dst, size_t room)
{
	if (in->how != INPUT_END_CLEAN)
		return 0;
	in->z.next_out = (unsigned char *)dst;
	in->z.avail_out = (unsigned)room;
	while (in->z.avail_out == room) {
		int ret;

		if (!in->in_member && !next_member(in))
			break;
		if (in->z.avail_in == 0) {
			int n = in->raw_eof ? 0
					    : read_raw(in, in->raw, RAW_CHUNK);

			if (n < 0)
				break;
			if (n == 0) {
				in->raw_eof = 1;
				set_end(in, INPUT_END_TRUNCATED,
					"premature end of gzip data");
				break;
			}
			in->z.next_in = in->raw;
			in->z.avail_in = (unsigned)n;
		}
		ret = inflate(&in->z, Z_NO_FLUSH);
		if (ret == Z_STREAM_END)
			in->in_member = 0;
		else if (ret != Z_OK && ret != Z_BUF_ERROR) {
			set_end(in, INPUT_END_CORRUPT, "corrupt gzip data");
			break;
		}
	}
	return room - in->z.avail_out;
}

/* Add decompressed bytes at buf[end]; set done when there are none. */
static void fill(struct input *in)
{
	size_t room = BUF_CAP - in->end;
	size_t n;

	if (in->gz) {
		n = fill_gzip(in, in->buf + in->end, room);
	} else {
		int r = read_raw(in, in->buf + in->end,
				 room > RAW_CHUNK ? RAW_CHUNK : room);

		n = r > 0 ? (size_t)r : 0;
	}
	in->end += n;
	if (n == 0)
		in->done = 1;
}

struct input *input_open(const char *path, char *err, size_t errlen)
{
	struct input *in = xcalloc(1, sizeof(*in));
	struct stat sb;
	int n;

	in->is_stdin = strcmp(path, "-") == 0;
	in->fd = in->is_stdin ? 0 : open(path, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(in);
		return NULL;
	}
	in->hold = !in->is_stdin;
	if (fstat(in->fd, &sb) == 0 && S_ISREG(sb.st_mode))
		in->size = (uint64_t)sb.st_size;
	in->raw = xmalloc(RAW_CHUNK);
	in->buf = xmalloc(BUF_CAP);
	n = read_raw(in, in->raw, RAW_CHUNK);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, in->msg);
		input_close(in);
		return NULL;
	}
	in->raw_eof = n == 0;
	/* gzip magic: 1f 8b (RFC 1952) */
	in->gz = n >= 2 && in->raw[0] == 0x1f && in->raw[1] == 0x8b;
	if (in->gz) {
		/* 16 + 15: a gzip wrapper, the largest (32 KiB) window */
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
			snprintf(err, errlen, "%s: cannot start zlib", path);
			input_close(in);
			return NULL;
		}
		in->z_ready = 1;
		in->z.next_in = in->raw;
		in->z.avail_in = (unsigned)n;
		in->in_member = 1;
	} else {
		memcpy(in->buf, in->raw, (size_t)n);
		in->end = (size_t)n;
	}
	while (!in->done && in->end < INPUT_HEAD_MAX)
		fill(in);
	return in;
}

void input_close(struct input *in)
{
	if (!in)
		return;
	if (in->z_ready)
		inflateEnd(&in->z);
	if (!in->is_stdin && in->fd >= 0)
		close(in->fd);
	free(in->raw);
	free(in->buf);
	free(in);
}

void input_hold_partial(struct input *in, int hold)
{
	in->hold = hold;
}

int input_is_gzip(const struct input *in)
{
	return in->gz;
}

void input_head(struct input *in, const char **p, size_t *len)
{
	*p = in->buf;
	*len = in->base == 0 && in->end < INPUT_HEAD_MAX ? in->end
							 : INPUT_HEAD_MAX;
	if (in->base != 0)
		*len = 0;
}

/* Move unread bytes to the front to make room. */
static void compact(struct input *in)
{
	size_t keep = in->end - in->start;

	memmove(in->buf, in->buf + in->start, keep);
	in->base += in->start;
	in->scan -= in->start;
	in->start = 0;
	in->end = keep;
}

int input_skip(struct input *in, uint64_t offset)
{
	while (in->consumed < offset) {
		size_t avail = in->end - in->start;
		uint64_t want = offset - in->consumed;
		size_t n = want < avail ? (size_t)want : avail;

		in->start += n;
		in->consumed += n;
		if (in->scan < in->start)
			in->scan = in->start;
		if (in->consumed == offset)
			break;
		in->start = in->end = in->scan = 0;
		in->base = in->consumed;
		fill(in);
		if (in->done)
			return in->how == INPUT_END_CLEAN ||
					       in->how == INPUT_END_PARTIAL
				       ? 1
				       : -1;
	}
	return 0;
}

/* The source is over and buf[start..end) has no '\n'. */
static int tail(struct input *in, const char **line, size_t *len)
{
	size_t n = in->end - in->start;

	if (n == 0)
		return 0;
	if (in->how == INPUT_END_CLEAN && (!in->hold || in->gz)) {
		*line = in->buf + in->start;
		*len = n;
		in->start = in->scan = in->end;
		in->consumed = in->base + in->end;
		return 1;
	}
	if (in->how == INPUT_END_CLEAN)
		in->how = INPUT_END_PARTIAL;
	in->pending = n;
	return 0;
}

int input_next_line(struct input *in, const char **line, size_t *len)
{
	for (;;) {
		char *nl = memchr(in->buf + in->scan, '\n', in->end - in->scan);

		if (nl) {
			size_t at = (size_t)(nl - in->buf);
			int skipped = in->skipping;

			*line = in->buf + in->start;
			*len = at - in->start;
			in->start = in->scan = at + 1;
			in->consumed = in->base + in->start;
			in->skipping = 0;
			if (!skipped)
				return 1;
			*line = NULL;
			return 2;
		}
		in->scan = in->end;
		if (in->end - in->start >= INPUT_LINE_MAX) {
			/* Overlong: drop what we have, remember to report
			 * the line once its end is found. */
			in->skipping = 1;
			in->start = in->end;
		}
		if (in->done && in->skipping) {
			in->skipping = 0;
			in->consumed = in->base + in->end;
			*line = NULL;
			return 2;
		}
		if (in->done)
			return tail(in, line, len);
		if (BUF_CAP - in->end < FILL_CHUNK)
			compact(in);
		fill(in);
	}
}

uint64_t input_offset(const struct input *in)
{
	return in->consumed;
}

enum input_end input_end(const struct input *in)
{
	return in->how;
}

const char *input_end_message(const struct input *in)
{
	return in->msg;
}

uint64_t input_raw_offset(const struct input *in)
{
	return in->raw_total;
}

uint64_t input_size(const struct input *in)
{
	return in->size;
}

uint64_t input_pending(const struct input *in)
{
	return in->pending;
}
