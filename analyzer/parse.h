/* parse.h: log formats, and parsing one line into a struct record. */
#ifndef KEYAUDIT_PARSE_H
#define KEYAUDIT_PARSE_H

#include <stddef.h>

#include "record.h"

struct format;

/* Make a format from its command-line spec: "combined", "common", or
 * "nginx:<log_format string>" whose $variables become the field names
 * (a $request field also yields request_method, request_uri and
 * server_protocol).  Return the format, to free with format_free(), or
 * NULL with a message in err. */
struct format *format_new(const char *spec, char *err, size_t errlen);
void format_free(struct format *fmt);

/* The spec the format was made from; valid while fmt is. */
const char *format_spec(const struct format *fmt);
int format_nfields(const struct format *fmt);
/* Name of field i (0 <= i < format_nfields()), valid while fmt is. */
const char *format_field_name(const struct format *fmt, int i);
/* Index of the field called name, or -1 when the format has none. */
int format_field_index(struct format *fmt, const char *name);

/* Parse len bytes at line (without its newline; a final CR is ignored)
 * into rec.  Return 0, or -1 with rec->error set to a static reason.
 * rec's spans point into line or fmt's scratch space and stay valid
 * until the next call with fmt. */
int parse_line(struct format *fmt, const char *line, size_t len,
	       struct record *rec);

/* --format auto: try each known format on the complete lines of
 * buf[0..len) (the head of a log) and return a new format that parses
 * them, or NULL with err listing what was tried and how it did. */
struct format *format_detect(const char *buf, size_t len, char *err,
			     size_t errlen);

/* Seconds since the epoch of a civil UTC date and time; no range checks.
 * Shared by the parsers and the report's date handling. */
int64_t civil_to_epoch(int year, int month, int day, int hour, int min,
		       int sec);

#endif
