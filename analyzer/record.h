/* record.h: the one type passed between the stages of keyaudit. */
#ifndef KEYAUDIT_RECORD_H
#define KEYAUDIT_RECORD_H

#include <stddef.h>
#include <stdint.h>

/* A view into a line: not NUL-terminated, valid while the line is. */
struct span {
	const char *p;
	size_t len;
};

/* Most fields a format may name (nginx variables, JSON keys, ...). */
#define RECORD_MAX_FIELDS 64

/* One parsed log line.  field[i] is the value of the format's i-th named
 * field (see format_field_name()); a field logged as "-" is empty.
 * Every span points into the line being parsed or into the parser's own
 * scratch space, and is valid until the next parse_line() call. */
struct record {
	struct span field[RECORD_MAX_FIELDS];
	int64_t time;	   /* request time, seconds since the epoch, UTC */
	int status;	   /* HTTP status, 0 when the format has none */
	struct span agent; /* the user agent, empty when absent */
	uint64_t lineno;   /* 1-based line number in its input */
	const char *error; /* static reason when parsing failed */
};

#endif
