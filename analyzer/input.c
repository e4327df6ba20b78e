/* input.c: read plain or compressed logs (gzip, zstd, xz, bzip2), yield
 * complete lines, and keep track of decompressed offsets so that a later
 * run can resume. */
#include "input.h"

#include <bzlib.h>
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>
#ifdef KEYAUDIT_ISAL
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#endif
#include <zlib.h> /* crc32_combine(), and inflate without ISA-L */

#include "buf.h"

/* Set by a signal handler: an interrupted read ends the input. */
static const volatile sig_atomic_t *stop_flag;

#define RAW_CHUNK  (256 * 1024) /* compressed bytes read at a time */
#define FILL_CHUNK (256 * 1024) /* least room asked of a fill */
#define BUF_CAP	   (INPUT_LINE_MAX + FILL_CHUNK)
#define NCHUNKS	   4 /* decompressed chunks in flight between threads */
/* Inflating half a megabyte a call: each call of inflate also keeps its
 * last 32 KiB as the window.  NCHUNKS of them are 2 MiB; with chunks of
 * a megabyte, 5 M lines peaked 1.8 MB higher, for no CPU measurable. */
#define CHUNK (512 * 1024)

/* A chunk of decompressed data handed from the reader thread, which
 * writes data; the consumer reads lines in place.  The line cut by the
 * chunk's start is completed by copying its head into the margin just
 * before data: lines are at most INPUT_LINE_MAX, and only the pages of
 * the margin that are written take memory. */
struct chunk {
	size_t len;
	int last;     /* the stream is over after this one */
	uint32_t crc; /* CRC-32 of the stream up to this chunk's end */
	char *data;   /* CHUNK bytes, after a margin of INPUT_LINE_MAX */
	char mem[];
};

/* The inflater: ISA-L's where the build chose it, else zlib's. */
struct codec {
#ifdef KEYAUDIT_ISAL
	struct inflate_state s;
#else
	z_stream s;
#endif
};

/* What a file is, by its magic bytes. */
enum kind { KIND_PLAIN, KIND_GZIP, KIND_ZSTD, KIND_XZ, KIND_BZIP2 };

/* The decoder of a zstd, xz or bzip2 file, and its compressed input. */
struct other {
	ZSTD_DCtx *zd;
	lzma_stream xz;
	bz_stream bz;
	int started; /* the xz or bzip2 decoder holds state to end */
	const unsigned char *next;
	size_t avail;
};

struct input {
	int fd;
	int is_stdin;
	int gz; /* compressed (gzip or another kind): whole when it ends clean
		 */
	enum kind kind;
	struct other *o;
	int hold;
	/* compressed side, owned by the reader thread once it runs */
	struct codec z;
	int z_ready;
	int in_member; /* inside a gzip member, not yet at its end */
	/* CRC-32 of the members inflated whole, and bytes of the current
	 * one so far (whose CRC the codec takes, to check its trailer) */
	uint32_t members_crc;
	uint64_t member_len;
	unsigned char *raw;
	uint64_t raw_total; /* compressed bytes read from fd */
	uint64_t size;	    /* of the file, 0 if not a regular file */
	int raw_eof;
	/* decompressed side: buf[start..end) is unread; buf is own_buf, or
	 * in a chunk from the reader thread */
	char *buf;
	char *own_buf;
	size_t start;
	size_t scan; /* no '\n' in buf[start..scan) */
	size_t end;
	uint64_t base; /* decompressed offset of buf[0] */
	uint64_t consumed;
	/* CRC-32 (gzip's) of the decompressed bytes [0, crc_at); crc_at is
	 * at most consumed but inside an overlong line, and at least base */
	uint32_t crc;
	uint64_t crc_at;
	/* the reader thread's CRC-32 at the ends of chunks taken, oldest
	 * first: the CRC jumps to one when it is passed, so that the bytes
	 * before it are not read again */
	struct {
		uint64_t at;
		uint32_t crc;
	} mark[2 * NCHUNKS];
	int nmarks;
	int done;     /* the source has nothing more */
	int skipping; /* inside an overlong line */
	enum input_end how;
	uint64_t pending;
	char msg[160];
	/* the reader thread (gzip only) and its queue */
	int threaded;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct chunk *chunk[NCHUNKS];
	int head;    /* the chunk the consumer reads, or takes next */
	int count;   /* chunks ready, the one the consumer reads included */
	int holding; /* buf is in chunk[head] */
	int stop;    /* the consumer is closing */
};

static int codec_init(struct codec *c)
{
	memset(c, 0, sizeof(*c));
#ifdef KEYAUDIT_ISAL
	isal_inflate_init(&c->s);
	c->s.crc_flag = ISAL_GZIP; /* parse the header, check the CRC */
	return 0;
#else
	/* 16 + 15: a gzip wrapper, the largest (32 KiB) window */
	return inflateInit2(&c->s, 16 + MAX_WBITS) == Z_OK ? 0 : -1;
#endif
}

static void codec_reset(struct codec *c)
{
#ifdef KEYAUDIT_ISAL
	unsigned char *next = c->s.next_in;
	uint32_t avail = c->s.avail_in;

	isal_inflate_reset(&c->s);
	c->s.crc_flag = ISAL_GZIP;
	c->s.next_in = next;
	c->s.avail_in = avail;
#else
	inflateReset(&c->s);
#endif
}

static void codec_end(struct codec *c)
{
#ifndef KEYAUDIT_ISAL
	inflateEnd(&c->s);
#else
	(void)c;
#endif
}

/* gzip's CRC-32 of p[0..len) after crc. */
static uint32_t crc_add(uint32_t crc, const char *p, size_t len)
{
#ifdef KEYAUDIT_ISAL
	return crc32_gzip_refl(crc, (const unsigned char *)p, len);
#else
	while (len > 0) {
		uInt n = len > (1u << 30) ? 1u << 30 : (uInt)len;

		crc = (uint32_t)crc32(crc, (const Bytef *)p, n);
		p += n;
		len -= n;
	}
	return crc;
#endif
}

/* Take the CRC to the reader's marks at or below upto. */
static void crc_marks(struct input *in, uint64_t upto)
{
	int n = 0;

	for (; n < in->nmarks && in->mark[n].at <= upto; n++)
		if (in->mark[n].at > in->crc_at) {
			in->crc = in->mark[n].crc;
			in->crc_at = in->mark[n].at;
		}
	in->nmarks -= n;
	memmove(in->mark, in->mark + n,
		(size_t)in->nmarks * sizeof(*in->mark));
}

/* Take the CRC on to offset upto, before buf's bytes below it go (a
 * reader thread's mark may stand in for bytes gone: when it does not,
 * crc_at stays below upto). */
static void crc_upto(struct input *in, uint64_t upto)
{
	crc_marks(in, upto);
	if (upto <= in->crc_at || in->crc_at < in->base)
		return;
	in->crc = crc_add(in->crc, in->buf + (in->crc_at - in->base),
			  (size_t)(upto - in->crc_at));
	in->crc_at = upto;
}

/* The CRC-32 of the current member's output so far. */
static uint32_t codec_crc(const struct codec *c)
{
#ifdef KEYAUDIT_ISAL
	return c->s.crc;
#else
	return (uint32_t)c->s.adler;
#endif
}

enum { CODEC_OK, CODEC_MEMBER_END, CODEC_ERROR };

/* Inflate what fits; say whether a gzip member just ended. */
static int codec_run(struct codec *c)
{
#ifdef KEYAUDIT_ISAL
	int ret = isal_inflate(&c->s);

	if (ret != ISAL_DECOMP_OK && ret != ISAL_END_INPUT &&
	    ret != ISAL_OUT_OVERFLOW)
		return CODEC_ERROR;
	return c->s.block_state == ISAL_BLOCK_FINISH ? CODEC_MEMBER_END
						     : CODEC_OK;
#else
	int ret = inflate(&c->s, Z_NO_FLUSH);

	if (ret == Z_STREAM_END)
		return CODEC_MEMBER_END;
	return ret == Z_OK || ret == Z_BUF_ERROR ? CODEC_OK : CODEC_ERROR;
#endif
}

static int read_raw(struct input *in, void *dst, size_t cap)
{
	ssize_t n;

	do
		n = read(in->fd, dst, cap);
	while (n < 0 && errno == EINTR && !(stop_flag && *stop_flag));
	if (n < 0 && errno == EINTR) {
		/* the run is stopping: what was read is kept, the line it
		 * cut waits for the next run */
		in->how = INPUT_END_PARTIAL;
		snprintf(in->msg, sizeof(in->msg), "interrupted");
		return -1;
	}
	if (n < 0) {
		in->how = INPUT_END_IOERROR;
		snprintf(in->msg, sizeof(in->msg), "read error: %s",
			 strerror(errno));
		return -1;
	}
	/* atomic: the progress display reads it from the other thread */
	__atomic_add_fetch(&in->raw_total, (uint64_t)n, __ATOMIC_RELAXED);
	return (int)n;
}

static void set_end(struct input *in, enum input_end how, const char *what)
{
	uint64_t avail = in->o ? in->o->avail : in->z.s.avail_in;

	in->how = how;
	snprintf(in->msg, sizeof(in->msg), "%s at compressed byte %llu", what,
		 (unsigned long long)(in->raw_total - avail));
}

/* Start the next gzip member, or finish.  Return 1 to go on, 0 when
 * done. */
static int next_member(struct input *in)
{
	int n;

	if (in->z.s.avail_in == 0 && !in->raw_eof) {
		n = read_raw(in, in->raw, RAW_CHUNK);
		if (n < 0)
			return 0;
		in->raw_eof = n == 0;
		in->z.s.next_in = in->raw;
		in->z.s.avail_in = (uint32_t)n;
	}
	if (in->z.s.avail_in == 0)
		return 0; /* clean end after the last member */
	if (in->z.s.next_in[0] != 0x1f) {
		set_end(in, INPUT_END_CORRUPT,
			"trailing garbage after gzip "
			"data");
		return 0;
	}
	codec_reset(&in->z);
	in->in_member = 1;
	return 1;
}

/* codec_run(), counting the member's bytes; a member's CRC is folded
 * into the stream's when it ends. */
static int inflate_step(struct input *in)
{
	uint32_t before = in->z.s.avail_out;
	int ret = codec_run(&in->z);

	in->member_len += before - in->z.s.avail_out;
	if (ret == CODEC_MEMBER_END) {
		in->members_crc =
		    (uint32_t)crc32_combine(in->members_crc, codec_crc(&in->z),
					    (z_off_t)in->member_len);
		in->member_len = 0;
	}
	return ret;
}

/* The CRC-32 of the whole stream inflated so far, from the codec's. */
static uint32_t inflated_crc(const struct input *in)
{
	if (in->member_len == 0)
		return in->members_crc;
	return (uint32_t)crc32_combine(in->members_crc, codec_crc(&in->z),
				       (z_off_t)in->member_len);
}

/* Inflate into dst; return bytes made, 0 when the stream is over. */
static size_t fill_gzip(struct input *in, char *dst, size_t room)
{
	if (in->how != INPUT_END_CLEAN)
		return 0;
	in->z.s.next_out = (unsigned char *)dst;
	in->z.s.avail_out = (uint32_t)room;
	while (in->z.s.avail_out == room) {
		int ret;

		if (!in->in_member && !next_member(in))
			break;
		if (in->z.s.avail_in == 0) {
			int n =
			    in->raw_eof ? 0 : read_raw(in, in->raw, RAW_CHUNK);

			if (n < 0)
				break;
			if (n == 0) {
				uint32_t before = in->z.s.avail_out;
				int last;

				/* ISA-L may hold inflated bytes back until
				 * it sees more input: take them before
				 * calling the stream cut short */
				in->raw_eof = 1;
				last = inflate_step(in);
				if (last == CODEC_MEMBER_END)
					in->in_member = 0;
				if (last == CODEC_MEMBER_END ||
				    in->z.s.avail_out != before)
					continue;
				set_end(in, INPUT_END_TRUNCATED,
					"premature end of gzip data");
				break;
			}
			in->z.s.next_in = in->raw;
			in->z.s.avail_in = (uint32_t)n;
		}
		ret = inflate_step(in);
		if (ret == CODEC_MEMBER_END)
			in->in_member = 0;
		else if (ret == CODEC_ERROR) {
			set_end(in, INPUT_END_CORRUPT, "corrupt gzip data");
			break;
		}
	}
	return room - in->z.s.avail_out;
}

static const char *kind_name(enum kind k)
{
	return k == KIND_ZSTD ? "zstd" : k == KIND_XZ ? "xz" : "bzip2";
}

/* End the xz or bzip2 decoder (zstd's context is reused). */
static void other_stop(struct input *in)
{
	struct other *o = in->o;

	if (!o->started)
		return;
	if (in->kind == KIND_XZ)
		lzma_end(&o->xz);
	else if (in->kind == KIND_BZIP2)
		BZ2_bzDecompressEnd(&o->bz);
	o->started = 0;
}

/* Start decoding a frame (zstd) or stream (xz, bzip2).  0 or -1. */
static int other_start(struct input *in)
{
	struct other *o = in->o;

	other_stop(in);
	if (in->kind == KIND_ZSTD) {
		if (!o->zd)
			o->zd = ZSTD_createDCtx();
		return o->zd && !ZSTD_isError(ZSTD_DCtx_reset(
				    o->zd, ZSTD_reset_session_only))
			   ? 0
			   : -1;
	}
	if (in->kind == KIND_XZ) {
		lzma_stream init = LZMA_STREAM_INIT;

		o->xz = init;
		/* no memory limit: a log's dictionary is the compressor's */
		if (lzma_stream_decoder(&o->xz, UINT64_MAX, 0) != LZMA_OK)
			return -1;
	} else {
		memset(&o->bz, 0, sizeof(o->bz));
		if (BZ2_bzDecompressInit(&o->bz, 0, 0) != BZ_OK)
			return -1;
	}
	o->started = 1;
	return 0;
}

enum { STEP_OK, STEP_END, STEP_ERROR };

static int step_zstd(struct other *o, char *dst, size_t room, size_t *made)
{
	ZSTD_inBuffer ib = {o->next, o->avail, 0};
	ZSTD_outBuffer ob = {dst, room, 0};
	size_t r = ZSTD_decompressStream(o->zd, &ob, &ib);

	o->next += ib.pos;
	o->avail -= ib.pos;
	*made = ob.pos;
	if (ZSTD_isError(r))
		return STEP_ERROR;
	return r == 0 ? STEP_END : STEP_OK;
}

static int step_xz(struct other *o, char *dst, size_t room, size_t *made)
{
	lzma_ret r;

	o->xz.next_in = o->next;
	o->xz.avail_in = o->avail;
	o->xz.next_out = (uint8_t *)dst;
	o->xz.avail_out = room;
	r = lzma_code(&o->xz, LZMA_RUN);
	o->next = o->xz.next_in;
	o->avail = o->xz.avail_in;
	*made = room - o->xz.avail_out;
	if (r == LZMA_STREAM_END)
		return STEP_END;
	return r == LZMA_OK || r == LZMA_BUF_ERROR ? STEP_OK : STEP_ERROR;
}

static int step_bzip2(struct other *o, char *dst, size_t room, size_t *made)
{
	int r;
	unsigned out = room > UINT32_MAX ? UINT32_MAX : (unsigned)room;

	o->bz.next_in = (char *)(uintptr_t)o->next;
	o->bz.avail_in = (unsigned)o->avail;
	o->bz.next_out = dst;
	o->bz.avail_out = out;
	r = BZ2_bzDecompress(&o->bz);
	o->next += o->avail - o->bz.avail_in;
	o->avail = o->bz.avail_in;
	*made = out - o->bz.avail_out;
	if (r == BZ_STREAM_END)
		return STEP_END;
	return r == BZ_OK ? STEP_OK : STEP_ERROR;
}

/* More compressed bytes for the decoder.  Return 0 at the end of the
 * file or on an error (in->how says). */
static int other_refill(struct input *in)
{
	int n = in->raw_eof ? 0 : read_raw(in, in->raw, RAW_CHUNK);

	if (n <= 0) {
		in->raw_eof = in->raw_eof || n == 0;
		return 0;
	}
	in->o->next = in->raw;
	in->o->avail = (size_t)n;
	return 1;
}

/* Decode a zstd, xz or bzip2 file into dst; return bytes made, 0 when
 * it is over.  Frames and streams that follow one another are read
 * through, as gzip members are; a file cut inside one is truncated. */
static size_t fill_other(struct input *in, char *dst, size_t room)
{
	struct other *o = in->o;
	char what[64];
	size_t made = 0;

	while (made == 0 && in->how == INPUT_END_CLEAN) {
		size_t before = o->avail;
		int ret;

		if (!in->in_member) {
			if (o->avail == 0 && !other_refill(in))
				break; /* clean end after the last frame */
			if (other_start(in) < 0) {
				set_end(in, INPUT_END_CORRUPT,
					"cannot start decoding");
				break;
			}
			in->in_member = 1;
		}
		ret = in->kind == KIND_ZSTD ? step_zstd(o, dst, room, &made)
		      : in->kind == KIND_XZ ? step_xz(o, dst, room, &made)
					    : step_bzip2(o, dst, room, &made);
		if (ret == STEP_ERROR) {
			snprintf(what, sizeof(what), "corrupt %s data",
				 kind_name(in->kind));
			set_end(in, INPUT_END_CORRUPT, what);
		} else if (ret == STEP_END) {
			in->in_member = 0;
		} else if (made == 0 && o->avail == 0 && !other_refill(in) &&
			   in->how == INPUT_END_CLEAN) {
			snprintf(what, sizeof(what),
				 "premature end of %s data",
				 kind_name(in->kind));
			set_end(in, INPUT_END_TRUNCATED, what);
		} else if (made == 0 && o->avail && o->avail == before) {
			snprintf(what, sizeof(what), "corrupt %s data",
				 kind_name(in->kind));
			set_end(in, INPUT_END_CORRUPT, what);
		}
	}
	return made;
}

/* Decompressed bytes into dst, whatever the compression. */
static size_t fill_stream(struct input *in, char *dst, size_t room)
{
	return in->kind == KIND_GZIP ? fill_gzip(in, dst, room)
				     : fill_other(in, dst, room);
}

/* The reader thread: inflate into free chunks until the stream ends or
 * the consumer stops. */
static void *reader(void *arg)
{
	struct input *in = arg;
	int slot = 0;
	int last = 0;
	uint32_t crc = 0;

	while (!last) {
		struct chunk *c;

		pthread_mutex_lock(&in->mu);
		while (in->count == NCHUNKS && !in->stop)
			pthread_cond_wait(&in->cv, &in->mu);
		if (in->stop) {
			pthread_mutex_unlock(&in->mu);
			break;
		}
		pthread_mutex_unlock(&in->mu);
		c = in->chunk[slot];
		c->len = fill_stream(in, c->data, CHUNK);
		/* gzip: the codec's own CRC (it checks each member's
		 * trailer); taken here again for the other codecs and when
		 * the data is damaged */
		crc = in->kind == KIND_GZIP && in->how == INPUT_END_CLEAN
			  ? inflated_crc(in)
			  : crc_add(crc, c->data, c->len);
		c->crc = crc;
		last = c->len == 0;
		c->last = last;
		pthread_mutex_lock(&in->mu);
		in->count++;
		pthread_cond_broadcast(&in->cv);
		pthread_mutex_unlock(&in->mu);
		slot = (slot + 1) % NCHUNKS;
	}
	return NULL;
}

/* Go on to the reader thread's next chunk, the unread bytes before it,
 * buf[start..end) (a line's head, at most INPUT_LINE_MAX), copied into
 * its margin; give the chunk left back to the reader. */
static void next_chunk(struct input *in)
{
	struct chunk *c;
	size_t keep = in->end - in->start;
	char *dst;

	pthread_mutex_lock(&in->mu);
	while (in->count < in->holding + 1)
		pthread_cond_wait(&in->cv, &in->mu);
	pthread_mutex_unlock(&in->mu);
	c = in->chunk[(in->head + in->holding) % NCHUNKS];
	if (c->len == 0) {
		in->done = 1; /* the reader has finished */
		return;
	}
	/* the bytes before the line kept are covered by the marks */
	crc_marks(in, in->base + in->start);
	if (in->nmarks == (int)(sizeof(in->mark) / sizeof(*in->mark)))
		crc_marks(in, in->mark[0].at); /* not reached, to be safe */
	dst = c->data - keep;
	if (keep)
		memcpy(dst, in->buf + in->start, keep);
	if (in->holding) {
		pthread_mutex_lock(&in->mu);
		in->count--;
		in->head = (in->head + 1) % NCHUNKS;
		pthread_cond_broadcast(&in->cv);
		pthread_mutex_unlock(&in->mu);
	}
	in->holding = 1;
	in->base += in->start;
	in->scan -= in->start;
	in->start = 0;
	in->end = keep + c->len;
	in->buf = dst;
	in->mark[in->nmarks].at = in->base + in->end;
	in->mark[in->nmarks].crc = c->crc;
	in->nmarks++;
}

/* Add decompressed bytes at buf[end], or go on to the next chunk; set
 * done when there are none. */
static void fill(struct input *in)
{
	size_t room = BUF_CAP - in->end;
	size_t n;

	if (in->threaded) {
		next_chunk(in);
		return;
	}
	if (in->gz) {
		n = fill_stream(in, in->buf + in->end, room);
	} else {
		int r = read_raw(in, in->buf + in->end,
				 room > RAW_CHUNK ? RAW_CHUNK : room);

		n = r > 0 ? (size_t)r : 0;
	}
	in->end += n;
	if (n == 0)
		in->done = 1;
}

/* Inflate in a thread of its own, so that parsing overlaps it.  Without
 * a thread (not asked for, or none could be made) the input works the
 * same, serially. */
static void start_reader(struct input *in)
{
	for (int i = 0; i < NCHUNKS; i++) {
		in->chunk[i] =
		    xmalloc(sizeof(struct chunk) + INPUT_LINE_MAX + CHUNK);
		in->chunk[i]->data = in->chunk[i]->mem + INPUT_LINE_MAX;
	}
	pthread_mutex_init(&in->mu, NULL);
	pthread_cond_init(&in->cv, NULL);
	in->threaded = pthread_create(&in->thread, NULL, reader, in) == 0;
}

/* The leading NUL bytes held (a hole a copytruncate leaves when the
 * writer does not append): the head is what follows them. */
static size_t hole(const struct input *in)
{
	size_t n = 0;

	while (n < in->end && in->buf[n] == '\0')
		n++;
	return n;
}

/* Read on until INPUT_HEAD_MAX bytes follow the hole, as far as a line
 * may be long (INPUT_LINE_MAX held, as input_peek_lines()). */
static void head_past_hole(struct input *in)
{
	size_t h = hole(in);

	while (h && !in->done && in->end - h < INPUT_HEAD_MAX &&
	       in->end < INPUT_LINE_MAX &&
	       (in->threaded || BUF_CAP - in->end >= FILL_CHUNK)) {
		fill(in);
		h = hole(in);
	}
}

/* The kind of a file from its first bytes. */
static enum kind sniff(const unsigned char *p, size_t n)
{
	/* gzip: 1f 8b (RFC 1952) */
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return KIND_GZIP;
	/* zstd frame: 28 b5 2f fd (RFC 8878) */
	if (n >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0)
		return KIND_ZSTD;
	/* xz: fd '7zXZ' 00 */
	if (n >= 6 && memcmp(p,
			     "\xfd"
			     "7zXZ\0",
			     6) == 0)
		return KIND_XZ;
	/* bzip2: 'BZh' and the block size, '1' to '9' */
	if (n >= 4 && memcmp(p, "BZh", 3) == 0 && p[3] >= '1' && p[3] <= '9')
		return KIND_BZIP2;
	return KIND_PLAIN;
}

/* Is the file compressed in a way keyaudit does not read?  Then say
 * which in err: it is never read as text (its bytes would all be bad
 * lines). */
static int unknown_compression(const unsigned char *p, size_t n,
			       const char *path, char *err, size_t errlen)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *name;
	} other[] = {
	    {"\x04\x22\x4d\x18", 4, "lz4"},
	    {"LZIP", 4, "lzip"},
	    {"\x1f\x9d", 2, "compress (.Z)"},
	    {"\x89LZO\0", 5, "lzop"},
	    {"7z\xbc\xaf\x27\x1c", 6, "7-Zip"},
	    {"PK\x03\x04", 4, "zip"},
	    {"\x5d\0\0", 3, "lzma"},
	};

	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++)
		if (n >= other[i].len &&
		    memcmp(p, other[i].magic, other[i].len) == 0) {
			snprintf(err, errlen,
				 "%s: %s-compressed, which keyaudit does not "
				 "read (it reads plain, gzip, zstd, xz and "
				 "bzip2 logs)",
				 path, other[i].name);
			return 1;
		}
	return 0;
}

struct input *input_open(const char *path, int thread, char *err,
			 size_t errlen)
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
	in->hold = 1;
	if (fstat(in->fd, &sb) == 0 && S_ISREG(sb.st_mode))
		in->size = (uint64_t)sb.st_size;
	in->raw = xmalloc(RAW_CHUNK);
	in->buf = in->own_buf = xmalloc(BUF_CAP);
	n = read_raw(in, in->raw, RAW_CHUNK);
	if (n < 0) {
		snprintf(err, errlen, "%s: %s", path, in->msg);
		input_close(in);
		return NULL;
	}
	in->raw_eof = n == 0;
	in->kind = sniff(in->raw, (size_t)n);
	if (unknown_compression(in->raw, (size_t)n, path, err, errlen)) {
		input_close(in);
		return NULL;
	}
	in->gz = in->kind != KIND_PLAIN;
	if (in->gz && in->kind != KIND_GZIP) {
		in->o = xcalloc(1, sizeof(*in->o));
		in->o->next = in->raw;
		in->o->avail = (size_t)n;
		if (thread)
			start_reader(in);
	} else if (in->gz) {
		if (codec_init(&in->z) < 0) {
			snprintf(err, errlen, "%s: cannot start inflating",
				 path);
			input_close(in);
			return NULL;
		}
		in->z_ready = 1;
		in->z.s.next_in = in->raw;
		in->z.s.avail_in = (uint32_t)n;
		in->in_member = 1;
		if (thread)
			start_reader(in);
	} else {
		memcpy(in->buf, in->raw, (size_t)n);
		in->end = (size_t)n;
	}
	while (!in->done && in->end < INPUT_HEAD_MAX)
		fill(in);
	head_past_hole(in);
	return in;
}

/* Stop the reader thread, if one runs: nothing more is inflated. */
static void stop_reader(struct input *in)
{
	if (!in->threaded)
		return;
	pthread_mutex_lock(&in->mu);
	in->stop = 1;
	pthread_cond_broadcast(&in->cv);
	pthread_mutex_unlock(&in->mu);
	pthread_join(in->thread, NULL);
	in->threaded = 0;
}

void input_close(struct input *in)
{
	if (!in)
		return;
	stop_reader(in);
	if (in->chunk[0]) {
		pthread_mutex_destroy(&in->mu);
		pthread_cond_destroy(&in->cv);
	}
	for (int i = 0; i < NCHUNKS; i++)
		free(in->chunk[i]);
	if (in->z_ready)
		codec_end(&in->z);
	if (in->o) {
		other_stop(in);
		ZSTD_freeDCtx(in->o->zd);
		free(in->o);
	}
	if (!in->is_stdin && in->fd >= 0)
		close(in->fd);
	free(in->raw);
	free(in->own_buf);
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
	size_t h = in->base == 0 ? hole(in) : 0;

	/* a hole longer than what is held: the head is the hole's start */
	if (h == in->end && !in->done)
		h = 0;
	*p = in->buf + h;
	*len = in->base == 0 && in->end - h < INPUT_HEAD_MAX ? in->end - h
							     : INPUT_HEAD_MAX;
	if (in->base != 0)
		*len = 0;
}

void input_peek_lines(struct input *in, int nlines, const char **p,
		      size_t *len)
{
	size_t end = 0;
	size_t h;

	*p = in->buf;
	*len = 0;
	if (in->base != 0 || in->start != 0)
		return;
	for (int found = 0; found < nlines;) {
		char *nl = memchr(in->buf + end, '\n', in->end - end);

		if (nl) {
			end = (size_t)(nl - in->buf) + 1;
			found++;
			continue;
		}
		if (in->done || in->end >= INPUT_LINE_MAX)
			break;
		if (!in->threaded && BUF_CAP - in->end < FILL_CHUNK)
			break;
		fill(in);
	}
	/* from the end of a leading hole, as input_head() */
	h = hole(in);
	if (h == in->end && !in->done)
		h = 0;
	*p = in->buf + h;
	*len = in->end - h < INPUT_HEAD_MAX ? in->end - h : INPUT_HEAD_MAX;
	if (end > h && end - h > *len)
		*len = end - h;
}

/* Move unread bytes to the front to make room. */
static void compact(struct input *in)
{
	size_t keep = in->end - in->start;

	crc_upto(in, in->base + in->start);
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
		crc_upto(in, in->consumed);
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

static uint32_t le32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Does the gzip file end in a trailer of length and crc (RFC 1952: the
 * CRC-32 and the length modulo 2^32 of its last member)? */
static int trailer_is(struct input *in, uint64_t length, uint32_t crc)
{
	unsigned char t[8];

	/* the smallest member: a 10-byte header, an empty block, 8 */
	if (in->kind != KIND_GZIP || in->size < 20 ||
	    pread(in->fd, t, sizeof(t), (off_t)(in->size - sizeof(t))) !=
		(ssize_t)sizeof(t))
		return 0;
	return le32(t) == crc && le32(t + 4) == (uint32_t)length;
}

int input_skip_known(struct input *in, uint64_t offset, uint32_t crc)
{
	if (!trailer_is(in, offset, crc))
		return input_skip(in, offset);
	stop_reader(in);
	in->holding = 0;
	in->buf = in->own_buf;
	in->start = in->end = in->scan = 0;
	in->base = in->consumed = in->crc_at = offset;
	in->crc = crc;
	in->nmarks = 0;
	in->done = 1;
	in->skipping = 0;
	in->how = INPUT_END_CLEAN;
	in->msg[0] = '\0';
	__atomic_store_n(&in->raw_total, in->size, __ATOMIC_RELAXED);
	return 2;
}

int input_crc(struct input *in, uint32_t *crc)
{
	crc_upto(in, in->consumed);
	if (in->crc_at != in->consumed)
		return -1;
	*crc = in->crc;
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
		char *nl =
		    memchr(in->buf + in->scan, '\n', in->end - in->scan);

		if (nl) {
			size_t at = (size_t)(nl - in->buf);
			int skipped =
			    in->skipping || at - in->start > INPUT_LINE_MAX;

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
		if (in->end - in->start > INPUT_LINE_MAX) {
			/* Overlong: drop what we have, remember to report
			 * the line once its end is found. */
			in->skipping = 1;
			crc_upto(in, in->base + in->end);
			in->start = in->end;
		}
		if (in->done && in->skipping && in->hold &&
		    !(in->gz && in->how == INPUT_END_CLEAN)) {
			/* unfinished: counted once its end is written */
			if (in->how == INPUT_END_CLEAN)
				in->how = INPUT_END_PARTIAL;
			in->pending = in->base + in->end - in->consumed;
			return 0;
		}
		if (in->done && in->skipping) {
			in->skipping = 0;
			in->start = in->scan = in->end;
			in->consumed = in->base + in->end;
			*line = NULL;
			return 2;
		}
		if (in->done)
			return tail(in, line, len);
		if (!in->threaded && BUF_CAP - in->end < FILL_CHUNK)
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
	return __atomic_load_n(&in->raw_total, __ATOMIC_RELAXED);
}

uint64_t input_size(const struct input *in)
{
	return in->size;
}

uint64_t input_pending(const struct input *in)
{
	return in->pending;
}

void input_set_stop_flag(const volatile sig_atomic_t *flag)
{
	stop_flag = flag;
}
