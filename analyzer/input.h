/* input.h: open a log (plain, gzip, or stdin) and yield its lines. */
#ifndef KEYAUDIT_INPUT_H
#define KEYAUDIT_INPUT_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

/* The first bytes of a log, decompressed, identify it (see store.h). */
#define INPUT_HEAD_MAX 4096
/* Longest line kept; a longer one is skipped and reported as bad. */
#define INPUT_LINE_MAX (1024 * 1024)

struct input;

enum input_end {
	INPUT_END_CLEAN = 0, /* whole: plain EOF after '\n', gzip stream end */
	INPUT_END_PARTIAL,   /* plain file ending in a line without '\n' */
	INPUT_END_TRUNCATED, /* gzip data stops before its stream end */
	INPUT_END_CORRUPT,   /* gzip data damaged */
	INPUT_END_IOERROR    /* read error */
};

/* Open path ("-" is stdin).  gzip is recognised by its magic bytes, and
 * concatenated members are read through.  With thread != 0 gzip is
 * inflated in a thread of its own, so that the caller's parsing overlaps
 * it; with 0 in the caller's, for when other work keeps every core busy.
 * Return the input, to close with input_close(), or NULL with a message
 * in err. */
struct input *input_open(const char *path, int thread, char *err,
			 size_t errlen);
void input_close(struct input *in);

/* With hold != 0 (the default, stdin included), a last line without
 * '\n' in a plain file or a pipe is not returned, nor counted as bad
 * when it is overlong: the file may still be written (a pipe may have
 * been cut), and the line waits for a later run (input_pending() says
 * how long it is).  A complete gzip stream always gives its last line. */
void input_hold_partial(struct input *in, int hold);

int input_is_gzip(const struct input *in);

/* The first decompressed bytes, up to INPUT_HEAD_MAX (fewer only when
 * the input is shorter), after any leading NUL bytes (the hole that a
 * copytruncate leaves before a writer's next line) when what follows
 * them is within INPUT_LINE_MAX: else the head is the hole's start, all
 * NUL.  Valid until the next input_next_line(). */
void input_head(struct input *in, const char **p, size_t *len);

/* The head for telling the format: at least what input_head() gives,
 * more until it holds nlines complete lines (or the input ends, or
 * INPUT_LINE_MAX bytes are held), so that long first lines are seen
 * whole.  Call before any other read; *len is 0 after one.  Valid
 * until the next input_next_line() or input_skip(). */
void input_peek_lines(struct input *in, int nlines, const char **p,
		      size_t *len);

/* Skip the first offset decompressed bytes and count lines skipped
 * bytes held.  Return 0, 1 when the input ends before offset, -1 on an
 * error (see input_end()). */
int input_skip(struct input *in, uint64_t offset);

/* input_skip() for a file whose first offset bytes had the CRC-32 crc
 * (gzip's) when it was read before.  When the input is a regular gzip
 * file whose trailer gives that CRC and that length (modulo 2^32), it
 * holds those bytes and nothing more: the input ends there, clean,
 * without the rest being inflated, and 2 is returned; else as
 * input_skip().  (A file of several members whose last member alone
 * matches would be taken for that too.) */
int input_skip_known(struct input *in, uint64_t offset, uint32_t crc);

/* The CRC-32 of the decompressed bytes up to input_offset(), skipped
 * ones included, in *crc.  Return 0, or -1 when it is not known (inside
 * an overlong line). */
int input_crc(struct input *in, uint32_t *crc);

/* Next line, without its '\n'.  Return 1 for a line, 2 for a line longer
 * than INPUT_LINE_MAX (skipped; *line is NULL), 0 at the end (see
 * input_end()).  The line is valid until the next call. */
int input_next_line(struct input *in, const char **line, size_t *len);

/* Decompressed bytes up to and including the last line returned. */
uint64_t input_offset(const struct input *in);
/* How the input ended, valid once input_next_line() returned 0. */
enum input_end input_end(const struct input *in);
/* A message for a non-clean end ("premature end of gzip data at
 * compressed byte N"), or "". */
const char *input_end_message(const struct input *in);
/* Compressed (or plain) bytes read from the file so far, and the
 * file's size (0 when unknown, as for a pipe): for progress. */
uint64_t input_raw_offset(const struct input *in);
uint64_t input_size(const struct input *in);

/* Bytes of an unfinished last line that were not returned. */
uint64_t input_pending(const struct input *in);

/* From now on, a read that a signal interrupts while *flag (set by the
 * signal's handler) is non-zero ends its input as INPUT_END_PARTIAL
 * with the message "interrupted": the lines before it are given, the
 * line it cut is pending.  NULL (the default) retries such reads.  Set
 * it before inputs are opened; flag must stay valid. */
void input_set_stop_flag(const volatile sig_atomic_t *flag);

#endif
