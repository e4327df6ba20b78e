/* parse.h: log formats, and parsing one line into a struct record. */
#ifndef KEYAUDIT_PARSE_H
#define KEYAUDIT_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "record.h"

struct format;

/* Make a format from its command-line spec (docs/formats.md has them
 * all, with their field names):
 *   combined, common             Apache/nginx access logs
 *   vhost_combined, vhost_common the same after a "host[:port] " prefix
 *   nginx:<log_format string>    its $variables become the field names
 *   jsonl, jsonl:<time key>      one JSON object per line
 *   s3, alb, elb, cloudfront     AWS access logs
 *   regex:<PCRE2 pattern>        its named groups become the fields
 * A "request" field ("GET /x HTTP/1.1") also yields request_method,
 * request_uri and server_protocol.  Return the format, to free with
 * format_free(), or NULL with a message in err. */
struct format *format_new(const char *spec, char *err, size_t errlen);
/* The names of the formats format_new() knows, comma-separated, as the
 * spec writes them ("nginx:<log_format>", "jsonl[:<time key>]"), in
 * buf (len bytes, NUL-terminated, cut short if too small). */
void format_names(char *buf, size_t len);
/* Free fmt and everything it owns; NULL does nothing. */
void format_free(struct format *fmt);

/* The spec the format was made from; valid while fmt is. */
const char *format_spec(const struct format *fmt);
/* Room for format_label()'s text, its NUL included. */
#define FORMAT_LABEL_MAX 40
/* A short, stable name of fmt for the ledger and messages: its spec
 * for a named format ("combined", "jsonl:ts"); for an nginx: or regex:
 * format (and any spec too long to show, or with a character other than
 * letters, digits and "_.:-") the kind and a digest of the spec,
 * "nginx:#3f09a1c2d4e5", which tells two formats apart without showing the
 * string.  Written to out (FORMAT_LABEL_MAX bytes). */
void format_label(const struct format *fmt, char out[FORMAT_LABEL_MAX]);
int format_nfields(const struct format *fmt);
/* Name of field i (0 <= i < format_nfields()), valid while fmt is. */
const char *format_field_name(const struct format *fmt, int i);
/* Index of the field called name, or -1 when the format has none.
 * Some formats know other names for their fields (s3's remote_ip is
 * also remote_addr); the index is then that field's.  A jsonl format
 * has every name: an unknown one is added as a new field (read from
 * the JSON key or dotted path of that name, or from the layouts of
 * common servers, see docs/formats.md), and format_nfields() grows.
 * Then -1 means only that RECORD_MAX_FIELDS fields are taken. */
int format_field_index(struct format *fmt, const char *name);

/* Is the line one of the format's own directives, no request and not a
 * bad line: the "#Version:", "#Fields:" ... lines that start every W3C
 * extended log (CloudFront)?  Return 1 or 0. */
int format_is_directive(const struct format *fmt, const char *line,
			size_t len);

/* Parse len bytes at line (without its newline; a final CR is ignored)
 * into rec.  Return 0, or -1 with rec->error set to a static reason.
 * rec's spans point into line or fmt's scratch space and stay valid
 * until the next call with fmt.  Any bytes are safe: NUL, invalid
 * UTF-8, lines of any length. */
int parse_line(struct format *fmt, const char *line, size_t len,
	       struct record *rec);

/* --format auto: try each known format on the complete lines of
 * buf[0..len) (the head of a log) and return a new format that parses
 * them, or NULL with err listing what was tried and how it did. */
struct format *format_detect(const char *buf, size_t len, char *err,
			     size_t errlen);

/* Quoted values that follow the layout fmt reads, on the first line of
 * buf[0..len) that fmt parses: the "$http_authorization" and such that
 * an nginx log_format appends to the combined fields, which a
 * combined or common format ignores.  Return their number, 0 for other
 * formats or when there is none. */
int format_detect_ignored(struct format *fmt, const char *buf, size_t len);

/* For an nginx: format, the first variable the template has unquoted
 * (not right after a '"') that holds a value in double quotes on most
 * of the complete lines of buf[0..len) it matches: the log quotes what
 * the format does not, and each such value would be cut at its first
 * blank.  Its name (valid as long as fmt), or NULL; NULL for other
 * formats. */
const char *format_quote_mismatch(const struct format *fmt, const char *buf,
				  size_t len);

/* The nginx: format auto-detection would have had to give to read the
 * quoted values that follow the layout fmt reads on buf[0..len) (see
 * format_detect_ignored()): fmt's layout as an nginx log_format, then a
 * quoted variable for each, "$http_authorization" for one holding an
 * Authorization header, "$field_N" for the others.  Written to out;
 * return the number of such values (0: none, or fmt is not of the
 * combined family; out is ""). */
int format_detect_suggest(struct format *fmt, const char *buf, size_t len,
			  char *out, size_t outlen);

/* Is buf[0..len), the head of a file, a web server's error log (its
 * first line as nginx or Apache write their error logs)?  Return what
 * it is ("an nginx error log", static), or NULL. */
const char *format_error_log(const char *buf, size_t len);

/* Name of the i-th format whose fields are fixed (combined, common,
 * vhost_*, s3, alb, elb, cloudfront: not jsonl, nginx: or regex:, whose
 * fields depend on the log or the argument), or NULL past the last. */
const char *format_fixed_name(int i);

/* Seconds since the epoch of a civil UTC date and time; no range checks
 * (day_epoch() of day.h, which has the checks: use that in new code). */
int64_t civil_to_epoch(int year, int month, int day, int hour, int min,
		       int sec);

/* Parse a time in any layout the formats know: "10/Oct/2000:13:55:36
 * -0700" (time_local), ISO 8601 ("2000-10-10T20:55:36Z", a space for
 * the T, fractions, "+01:00", "+0100" or no zone for UTC), or epoch
 * seconds, milliseconds, microseconds or nanoseconds told apart by
 * size, with an optional fraction.  Impossible dates and times (Feb 30,
 * the year 0000, 24:00, a zone beyond +-14:00) are rejected, as
 * day_valid() says.  Store UTC seconds (fractions
 * dropped) in *out; return 0, or -1 when s is none of these. */
int parse_time(const char *s, size_t len, int64_t *out);

#ifdef KEYAUDIT_PARSE_PRIVATE
/* Shared by parse.c and the parse_*.c files that implement formats;
 * no other stage includes this part. */

/* One kind of format. */
struct format_ops {
	const char *name; /* as in the spec, before any ':' */
	int arg;	  /* 0: no ":ARG", 1: optional, 2: required */
	int flags;	  /* kind-specific */
	/* Set up fmt (names, impl) from the text after ':' (or NULL).
	 * Return 0 or -1 with err set. */
	int (*init)(struct format *fmt, const char *arg, char *err,
		    size_t errlen);
	/* Fill rec's fields, time, status and agent (all zeroed and
	 * empty on entry); return 0 or -1 with rec->error set. */
	int (*parse)(struct format *fmt, const char *line, size_t len,
		     struct record *rec);
	/* A name the format does not have yet: its index (an alias, or a
	 * field added now), or -1.  NULL: no other names. */
	int (*field)(struct format *fmt, const char *name);
	void (*free)(struct format *fmt);
};

/* The last time_local parsed, to its minute: lines come in time order
 * and most share their minute with the line before. */
struct time_memo {
	char text[26];
	int64_t minute; /* UTC seconds at the start of text's minute */
	int valid;
};

struct format {
	char *spec;
	const struct format_ops *ops;
	char *names[RECORD_MAX_FIELDS];
	int nfields;
	void *impl; /* the kind's own state, freed by ops->free */
	struct time_memo time_memo;
};

/* Add the field called name[0..len) if new; return its index, or -1
 * when the format has RECORD_MAX_FIELDS already. */
int format_add_field(struct format *fmt, const char *name, size_t len);

/* Set rec->error and return -1. */
int parse_bad(struct record *rec, const char *why);

/* "10/Oct/2000:13:55:36 -0700" (exactly 26 bytes); ISO 8601; epoch
 * numbers.  Each returns 0 with UTC seconds in *out, or -1. */
int parse_time_clf(const char *s, size_t len, int64_t *out);
/* parse_time_clf() with the same result, faster for a time in the
 * minute of the one before. */
int parse_time_clf_memo(struct time_memo *m, const char *s, size_t len,
			int64_t *out);
int parse_time_iso(const char *s, size_t len, int64_t *out);
int parse_time_epoch(const char *s, size_t len, int64_t *out);
/* An epoch count of unknown unit (>= 1e8): seconds below 1e11, then
 * milliseconds, microseconds, nanoseconds.  Return 0 or -1. */
int parse_epoch_scaled(uint64_t v, int64_t *out);

/* An HTTP status: three digits, or "-" or nothing for none (0).
 * Return 0 with *status set, or -1. */
int parse_status(struct span s, int *status);

/* Split a request line "GET /path HTTP/1.1" into its method, target
 * and protocol (spans into req; a part that is missing is empty). */
void parse_split_request(struct span req, struct span *method,
			 struct span *uri, struct span *proto);

/* End of a "..." value that starts at line[pos] (after the opening
 * quote): the first '"' not escaped by a backslash and followed by
 * the end of the line or by one of the bytes in after.  Return its
 * offset, or -1. */
long parse_quote_end(const char *line, size_t pos, size_t len,
		     const char *after);

extern const struct format_ops format_combined_ops;
extern const struct format_ops format_common_ops;
extern const struct format_ops format_vhost_combined_ops;
extern const struct format_ops format_vhost_common_ops;
extern const struct format_ops format_nginx_ops;
extern const struct format_ops format_jsonl_ops;
extern const struct format_ops format_s3_ops;
extern const struct format_ops format_alb_ops;
extern const struct format_ops format_elb_ops;
extern const struct format_ops format_cloudfront_ops;
extern const struct format_ops format_regex_ops;
#endif

#endif
