/* fuzz_input.c: libFuzzer target for the log reader (input.h): plain
 * files, gzip streams whole, cut short, damaged, and concatenated.
 *
 * An input that starts with the gzip magic (1f 8b) is the file as it is.
 * Otherwise the first four bytes steer and the rest is the payload:
 *
 *   byte 0  bits 0-1  0 plain: the file is the payload
 *                     1 gzip: the payload compressed into 1-8 members
 *                     2 cut: the same, cut at byte CUT of the file
 *                     3 damaged: the same, one byte flipped at CUT
 *           bit 2     input_hold_partial(in, 0) instead of the default
 *           bit 3     the payload is run-length coded (see expand()),
 *                     up to 2 MiB: long lines
 *           bits 4-7  which line's end input_skip() resumes from
 *   byte 1  bits 0-2  members - 1; bits 3-6 the compression level;
 *                     bit 7 inflate in the reading thread (as under
 *                     --jobs), not in a thread of its own
 *   bytes 2-3         CUT, little-endian, modulo the file's size
 *
 * Where the decompressed bytes are known, every line returned is checked
 * against them, as are the head, offsets, pending bytes, how the input
 * ended, and the lines read after input_skip() to a line's end. */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "buf.h"
#include "fuzz.h"
#include "input.h"

#define MAX_MEMBERS 8
#define REPEAT_MAX  (2u * 1024 * 1024)
#define MAX_ENDS    4096 /* line ends remembered for input_skip() */

/* What the reader should give, when the harness knows it. */
struct expect {
	const char *p; /* the decompressed bytes, NULL: unknown */
	size_t len;    /* how many of them the file holds in full */
	int complete;  /* the file ends cleanly after len bytes */
	int hold;      /* a plain file whose last line is held */
	int truncated; /* a gzip stream cut inside a member */
};

/* Line ends seen on the first pass, for input_skip(). */
struct ends {
	uint64_t off[MAX_ENDS];
	int n;
};

/* gzip members of payload p[0..len), concatenated into *out.  Member
 * boundaries (offsets in *out, and the payload bytes before each) go to
 * zb[] and pb[]: nmemb + 1 entries, the first 0. */
static size_t gzip_members(const char *p, size_t len, int nmemb, int level,
			   unsigned char **out, size_t *zb, size_t *pb)
{
	size_t cap = 0;
	size_t used = 0;

	zb[0] = pb[0] = 0;
	for (int m = 0; m < nmemb; m++) {
		size_t from = len * (size_t)m / (size_t)nmemb;
		size_t to = len * (size_t)(m + 1) / (size_t)nmemb;
		z_stream z;

		memset(&z, 0, sizeof(z));
		/* 16 + 15: a gzip wrapper around a 32 KiB window */
		if (deflateInit2(&z, level, Z_DEFLATED, 16 + MAX_WBITS, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			abort();
		cap += deflateBound(&z, (uLong)(to - from));
		*out = xrealloc(*out, cap);
		z.next_in = (unsigned char *)(uintptr_t)(p + from);
		z.avail_in = (uInt)(to - from);
		z.next_out = *out + used;
		z.avail_out = (uInt)(cap - used);
		if (deflate(&z, Z_FINISH) != Z_STREAM_END)
			abort();
		used += z.total_out;
		deflateEnd(&z);
		zb[m + 1] = used;
		pb[m + 1] = to;
	}
	return used;
}

/* Built with -DFUZZ_SKIP_KNOWN, the checks that bugs already reported
 * break (their reproducers are in tests/data/fuzz/input/) are skipped so
 * that fuzzing can find others: after an overlong last line without a
 * '\n', the line's tail comes back as a line or as pending bytes; a line
 * a little longer than INPUT_LINE_MAX may come back whole, and one of
 * exactly INPUT_LINE_MAX bytes may be skipped. */
#ifdef FUZZ_SKIP_KNOWN
#define SKIP_KNOWN 1
#else
#define SKIP_KNOWN 0
#endif

/* Check an overlong line the reader skipped at *pos. */
static void check_skipped(const struct expect *e, uint64_t *pos,
			  uint64_t offset)
{
	size_t at = (size_t)*pos;
	const char *nl = memchr(e->p + at, '\n', e->len - at);
	size_t len = nl ? (size_t)(nl - (e->p + at)) : e->len - at;

	FUZZ_CHECK(len > INPUT_LINE_MAX ||
		       (SKIP_KNOWN && len == INPUT_LINE_MAX),
		   "only a line longer than INPUT_LINE_MAX is skipped");
	if (e->truncated) {
		/* The cut may fall inside the line: the reader saw less. */
		FUZZ_CHECK(offset > at && offset <= at + len + (nl != NULL),
			   "input_offset() after a skipped line");
		*pos = offset;
		return;
	}
	*pos = at + len + (nl != NULL);
	FUZZ_CHECK(offset == *pos, "input_offset() after a skipped line");
}

/* Check one line the reader returned at decompressed offset *pos. */
static void check_line(const struct expect *e, uint64_t *pos, int r,
		       const char *line, size_t len, uint64_t offset)
{
	size_t at = (size_t)*pos;

	if (r == 2) {
		check_skipped(e, pos, offset);
		return;
	}
	FUZZ_CHECK(SKIP_KNOWN || len <= INPUT_LINE_MAX,
		   "a line is at most INPUT_LINE_MAX");
	FUZZ_CHECK(at + len <= e->len, "a line lies within the data");
	FUZZ_CHECK(len == 0 || memcmp(line, e->p + at, len) == 0,
		   "a line holds the bytes written");
	if (at + len < e->len) {
		FUZZ_CHECK(e->p[at + len] == '\n', "a line ends at a newline");
		*pos = at + len + 1;
	} else {
		FUZZ_CHECK(e->complete && !e->hold,
			   "an unfinished last line is given only at a clean "
			   "end, and not when held");
		*pos = at + len;
	}
	FUZZ_CHECK(offset == *pos, "input_offset() after a line");
}

/* Read in to its end from decompressed offset pos; check what is known;
 * remember line ends in ends when not NULL. */
static void read_all(struct input *in, const struct expect *e, uint64_t pos,
		     struct ends *ends)
{
	const char *line;
	size_t len;
	int r;
	int known = 0; /* a known bug: stop checking */

	while ((r = input_next_line(in, &line, &len)) != 0) {
		FUZZ_CHECK(r == 1 || r == 2, "input_next_line() result");
		FUZZ_CHECK(r == 2 ? line == NULL : line != NULL,
			   "an overlong line is NULL");
		if (r == 1)
			fuzz_touch(line, len);
		if (e->p && !known)
			check_line(e, &pos, r, line, len, input_offset(in));
		if (SKIP_KNOWN && e->p && r == 2 && pos == e->len &&
		    e->p[e->len - 1] != '\n')
			known = 1;
		if (ends && ends->n < MAX_ENDS)
			ends->off[ends->n++] = input_offset(in);
	}
	fuzz_touch(input_end_message(in), strlen(input_end_message(in)) + 1);
	if (!e->p || known)
		return;
	if (e->truncated) {
		FUZZ_CHECK(input_end(in) == INPUT_END_TRUNCATED,
			   "a gzip stream cut inside a member is truncated");
		FUZZ_CHECK(input_end_message(in)[0] != '\0',
			   "a truncated stream says so");
		return;
	}
	FUZZ_CHECK(input_pending(in) == e->len - pos,
		   "pending: the bytes of the unfinished last line");
	FUZZ_CHECK(input_end(in) ==
		       (pos == e->len ? INPUT_END_CLEAN : INPUT_END_PARTIAL),
		   "how the input ended");
}

static void check_head(struct input *in, const struct expect *e)
{
	const char *p;
	size_t len;

	input_head(in, &p, &len);
	FUZZ_CHECK(len <= INPUT_HEAD_MAX, "head size");
	fuzz_touch(p, len);
	if (!e->p)
		return;
	FUZZ_CHECK(memcmp(p, e->p, len) == 0, "head bytes");
	if (!e->truncated)
		FUZZ_CHECK(
		    len == (e->len < INPUT_HEAD_MAX ? e->len : INPUT_HEAD_MAX),
		    "the head is short only when the data is");
}

/* Open path; NULL only for a harness failure, which aborts. */
static struct input *open_it(const char *path, int hold, int thread)
{
	char err[256];
	struct input *in = input_open(path, thread, err, sizeof(err));

	FUZZ_CHECK(in != NULL, "the scratch file opens");
	if (!hold)
		input_hold_partial(in, 0);
	return in;
}

/* Read path, then again from one line's end (pick), then skip past its
 * end. */
static void exercise(const char *path, const struct expect *e, int hold,
		     unsigned pick, int thread)
{
	struct ends *ends = xcalloc(1, sizeof(*ends));
	struct input *in = open_it(path, hold, thread);
	uint64_t total;
	uint64_t at;
	int r;

	(void)input_is_gzip(in);
	check_head(in, e);
	read_all(in, e, 0, ends);
	total = input_offset(in) + input_pending(in);
	FUZZ_CHECK(input_raw_offset(in) <= input_size(in) ||
		       input_size(in) == 0,
		   "raw offset within the file");
	input_close(in);

	at = ends->n ? ends->off[pick % (unsigned)ends->n] : 0;
	in = open_it(path, hold, thread);
	r = input_skip(in, at);
	FUZZ_CHECK(r == 0 || (r < 0 && !e->p), "skip to a line's end");
	if (r == 0) {
		FUZZ_CHECK(input_offset(in) == at, "offset after a skip");
		read_all(in, e, at, NULL);
	}
	input_close(in);

	in = open_it(path, hold, thread);
	r = input_skip(in, total + 1 + pick);
	FUZZ_CHECK(r != 0, "a skip past the end says so");
	input_close(in);
	free(ends);
}

/* Run-length decode p[0..len): each three bytes C, N (16 bits,
 * little-endian) stand for N + 1 times C; one or two bytes left over
 * stand for themselves.  At most REPEAT_MAX bytes, in a new block. */
static char *expand(const char *p, size_t len, size_t *outlen)
{
	size_t total = 0;
	size_t n = 0;
	size_t i;
	char *out;

	for (i = 0; i + 3 <= len; i += 3)
		total += 1 + ((size_t)(unsigned char)p[i + 1] |
			      (size_t)(unsigned char)p[i + 2] << 8);
	total += len - i;
	if (total > REPEAT_MAX)
		total = REPEAT_MAX;
	out = xmalloc(total);
	for (i = 0; i + 3 <= len && n < total; i += 3) {
		size_t times = 1 + ((size_t)(unsigned char)p[i + 1] |
				    (size_t)(unsigned char)p[i + 2] << 8);

		if (times > total - n)
			times = total - n;
		memset(out + n, p[i], times);
		n += times;
	}
	for (; i < len && n < total; i++)
		out[n++] = p[i];
	*outlen = n;
	return out;
}

static void steered(const uint8_t *data, size_t size)
{
	unsigned mode = data[0] & 3;
	int hold = !(data[0] & 4);
	unsigned pick = data[0] >> 4;
	int nmemb = 1 + (data[1] & 7);
	int level = (data[1] >> 3) & 15;
	int thread = !(data[1] & 0x80);
	size_t cut = (size_t)data[2] | (size_t)data[3] << 8;
	const char *payload = (const char *)data + 4;
	size_t plen = size - 4;
	char *rep = NULL;
	unsigned char *gz = NULL;
	size_t zb[MAX_MEMBERS + 1];
	size_t pb[MAX_MEMBERS + 1];
	size_t zlen;
	struct expect e = {payload, plen, 1, 0, 0};

	if (data[0] & 8)
		payload = rep = expand(payload, plen, &plen);
	e.p = payload;
	e.len = plen;
	if (mode == 0) {
		/* A payload that starts with the gzip magic is read as
		 * gzip: nothing is known then. */
		if (plen >= 2 && payload[0] == 0x1f &&
		    (unsigned char)payload[1] == 0x8b)
			e.p = NULL;
		e.hold = hold;
		exercise(fuzz_file(payload, plen), &e, hold, pick, thread);
		free(rep);
		return;
	}
	zlen = gzip_members(payload, plen, nmemb, level > 9 ? 9 : level, &gz,
			    zb, pb);
	cut %= zlen + 1;
	if (mode == 1) {
		cut = zlen;
	} else if (mode == 3) {
		if (cut < zlen)
			gz[cut] ^= (unsigned char)(data[1] | 1);
		e.p = NULL; /* damage may go unseen until a CRC */
		cut = zlen;
	}
	if (mode == 2) {
		int m = 0;

		while (m < nmemb && zb[m + 1] <= cut)
			m++;
		e.truncated = zb[m] != cut;
		e.complete = !e.truncated;
		/* Cut inside a member, lines of that member may come before
		 * the cut is seen: the payload bounds them. */
		if (!e.truncated)
			e.len = pb[m]; /* bytes of the members left whole */
		if (cut < 2)
			e.p = NULL; /* too short to be gzip */
	}
	exercise(fuzz_file(gz, cut), &e, hold, pick, thread);
	free(gz);
	free(rep);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct expect unknown = {NULL, 0, 0, 0, 0};

	if (size < 4 || (data[0] == 0x1f && data[1] == 0x8b)) {
		exercise(fuzz_file(data, size), &unknown, (size & 1) == 0,
			 (unsigned)size, (size & 2) == 0);
		return 0;
	}
	steered(data, size);
	return 0;
}
