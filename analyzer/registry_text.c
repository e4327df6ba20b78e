/* registry_text.c: a registry's bytes before they are parsed as CSV:
 * its encoding (UTF-8, else Windows-1252 or Latin-1 converted, else
 * refused by line), control characters refused by line, an Excel
 * "sep=" first line, and the lines where its records and fields
 * start. */
#include "registry_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "msg.h"

/* Windows-1252's 0x80-0x9F as Unicode; 0: undefined there. */
static const unsigned short cp1252[32] = {
    0x20AC, 0,	    0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,	    0x017D, 0,
    0,	    0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,	    0x017E, 0x0178};

/* Length of the valid UTF-8 sequence at s[0..n) (1 for ASCII), or 0;
 * *cp is its code point. */
static size_t utf8_seq(const unsigned char *s, size_t n, unsigned *cp)
{
	size_t len = s[0] < 0x80   ? 1
		     : s[0] < 0xC2 ? 0
		     : s[0] < 0xE0 ? 2
		     : s[0] < 0xF0 ? 3
		     : s[0] < 0xF5 ? 4
				   : 0;
	unsigned min[5] = {0, 0, 0x80, 0x800, 0x10000};

	if (len == 0 || len > n)
		return 0;
	*cp = len == 1 ? s[0] : s[0] & (0x7F >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xC0) != 0x80)
			return 0;
		*cp = *cp << 6 | (s[i] & 0x3F);
	}
	if (*cp < min[len] || *cp > 0x10FFFF ||
	    (*cp >= 0xD800 && *cp <= 0xDFFF))
		return 0;
	return len;
}

/* A control character: C0 but tab, CR and LF; DEL; C1. */
static int is_control(unsigned cp)
{
	if (cp == '\t' || cp == '\r' || cp == '\n')
		return 0;
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0);
}

static long line_of(const char *data, size_t off)
{
	long line = 1;

	for (size_t i = 0; i < off; i++)
		line += data[i] == '\n';
	return line;
}

/* What utf8_scan() finds. */
struct scan {
	size_t control, bad; /* offsets, or (size_t)-1 */
	unsigned control_cp;
	int multibyte;
};

/* Scan data as UTF-8: the first control character, the first invalid
 * sequence and whether any valid multi-byte one was met. */
static void utf8_scan(const char *data, size_t len, struct scan *s)
{
	const unsigned char *u = (const unsigned char *)data;

	s->control = s->bad = (size_t)-1;
	s->multibyte = 0;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = utf8_seq(u + i, len - i, &cp);

		if (n == 0 && s->bad == (size_t)-1)
			s->bad = i;
		if (n && is_control(cp) && s->control == (size_t)-1) {
			s->control = i;
			s->control_cp = cp;
		}
		s->multibyte |= n > 1;
		i += n ? n : 1;
	}
}

/* Append code point cp to b as UTF-8. */
static void put_utf8(struct buf *b, unsigned cp)
{
	char o[3];

	if (cp < 0x80) {
		o[0] = (char)cp;
		buf_put(b, o, 1);
	} else if (cp < 0x800) {
		o[0] = (char)(0xC0 | cp >> 6);
		o[1] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, o, 2);
	} else {
		o[0] = (char)(0xE0 | cp >> 12);
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		o[2] = (char)(0x80 | (cp & 0x3F));
		buf_put(b, o, 3);
	}
}

/* data read as Windows-1252 into UTF-8, in *out (malloc'd).  Return 0,
 * or the offset + 1 of a byte Windows-1252 leaves undefined. */
static size_t from_cp1252(const char *data, size_t len, char **out,
			  size_t *outlen)
{
	struct buf b;

	buf_init(&b, 4 * len + 16);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)data[i];
		unsigned cp = c >= 0x80 && c < 0xA0 ? cp1252[c - 0x80] : c;

		if (cp == 0) {
			buf_free(&b);
			return i + 1;
		}
		put_utf8(&b, cp);
	}
	*outlen = b.len;
	*out = b.data ? b.data : xstrdup("");
	return 0;
}

int registry_text(const char *path, char **data, size_t *len, char *err,
		  size_t errlen)
{
	const unsigned char *u = (const unsigned char *)*data;
	struct scan s;
	char *conv;
	size_t clen, at;

	if (*len >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) ||
			  (u[0] == 0xFE && u[1] == 0xFF))) {
		snprintf(err, errlen,
			 "%s:1: UTF-16 (a byte order mark): export the "
			 "registry as UTF-8 CSV",
			 path);
		return -1;
	}
	utf8_scan(*data, *len, &s);
	if (s.bad != (size_t)-1 && s.multibyte) {
		snprintf(err, errlen,
			 "%s:%ld: not UTF-8 (byte 0x%02X), though other lines "
			 "are: the file mixes encodings",
			 path, line_of(*data, s.bad), u[s.bad]);
		return -1;
	}
	if (s.bad != (size_t)-1) {
		at = from_cp1252(*data, *len, &conv, &clen);
		if (at) {
			snprintf(err, errlen,
				 "%s:%ld: not UTF-8, and byte 0x%02X is not "
				 "Windows-1252 either: export the registry as "
				 "UTF-8 CSV",
				 path, line_of(*data, at - 1), u[at - 1]);
			return -1;
		}
		warn("%s:%ld: not UTF-8 (byte 0x%02X): read as "
		     "Windows-1252 (Latin-1)",
		     path, line_of(*data, s.bad), u[s.bad]);
		free(*data);
		*data = conv;
		*len = clen;
		utf8_scan(*data, *len, &s);
	}
	if (s.control != (size_t)-1) {
		snprintf(err, errlen,
			 "%s:%ld: a control character (U+%04X) in a cell: "
			 "refused",
			 path, line_of(*data, s.control), s.control_cp);
		return -1;
	}
	return 0;
}

size_t registry_sep_line(const char *data, size_t len, char *delim)
{
	size_t i = 0;

	if (len >= 2 && data[0] == '"')
		i = 1; /* Excel writes it quoted at times: "sep=;" */
	if (len < i + 5 || strncasecmp(data + i, "sep=", 4) != 0 ||
	    data[i + 4] == '\r' || data[i + 4] == '\n')
		return 0;
	*delim = data[i + 4];
	i += 5;
	if (i < len && data[i] == '"')
		i++;
	while (i < len && data[i] != '\n')
		if (data[i++] != '\r')
			return 0;
	return i < len ? i + 1 : i;
}

long *registry_record_lines(const char *data, size_t len, int *n)
{
	long *v = NULL;
	int cap = 0;
	long line = 1;
	int start = 1, q = 0;

	*n = 0;
	for (size_t i = 0; i < len; i++) {
		/* libcsv skips a line of spaces, tabs and CRs */
		if (start && (data[i] == ' ' || data[i] == '\t' ||
			      data[i] == '\r' || data[i] == '\n')) {
			line += data[i] == '\n';
			continue;
		}
		if (start) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 64;
				v = xrealloc(v, (size_t)cap * sizeof(*v));
			}
			v[(*n)++] = line;
			start = 0;
		}
		if (data[i] == '"')
			q = !q;
		if (data[i] == '\n') {
			line++;
			start = !q;
		}
	}
	return v ? v : xmalloc(sizeof(*v));
}

long registry_field_line(const char *data, size_t off, char delim)
{
	size_t field = 0;
	int q = 0;

	for (size_t i = 0; i < off; i++) {
		if (data[i] == '"')
			q = !q;
		else if (!q && (data[i] == delim || data[i] == '\n'))
			field = i + 1;
	}
	return line_of(data, field);
}
