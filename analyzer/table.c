/* table.c: CSV and JSON row writers shared by every report. */
#include "table.h"

#include <csv.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

struct table {
	FILE *f;
	int json;
	const char *const *names;
	const enum cell_kind *kinds;
	int ncols;
	long rows;
};

/* Unicode white space (and the zero-width kinds) in UTF-8: what a
 * spreadsheet may skip before it looks for a formula. */
static const char *const spaces[] = {
    "\xc2\xa0",	    "\xe1\x9a\x80", "\xe2\x80\x80", "\xe2\x80\x81",
    "\xe2\x80\x82", "\xe2\x80\x83", "\xe2\x80\x84", "\xe2\x80\x85",
    "\xe2\x80\x86", "\xe2\x80\x87", "\xe2\x80\x88", "\xe2\x80\x89",
    "\xe2\x80\x8a", "\xe2\x80\x8b", "\xe2\x80\xa8", "\xe2\x80\xa9",
    "\xe2\x80\xaf", "\xe2\x81\x9f", "\xe2\x81\xa0", "\xe3\x80\x80",
    "\xef\xbb\xbf"};

/* Formula starters: = + - @, their full-width and small forms. */
static const char *const starters[] = {"=",
				       "+",
				       "-",
				       "@",
				       "\xef\xbc\x9d",
				       "\xef\xbc\x8b",
				       "\xef\xbc\x8d",
				       "\xef\xbc\xa0",
				       "\xef\xb9\xa6",
				       "\xef\xb9\xa2",
				       "\xef\xb9\xa3",
				       "\xef\xb9\xab"};

/* The length of the sequence of list at s (n bytes), or 0. */
static size_t one_of(const char *const *list, size_t nlist, const char *s,
		     size_t n)
{
	for (size_t i = 0; i < nlist; i++) {
		size_t m = strlen(list[i]);

		if (m <= n && memcmp(s, list[i], m) == 0)
			return m;
	}
	return 0;
}

/* Would a spreadsheet run the cell: a formula starter after any white
 * space (ASCII, control characters or Unicode)? */
static int formula(const char *s, size_t len)
{
	size_t i = 0;

	for (;;) {
		size_t m;

		if (i < len &&
		    (s[i] == ' ' || (s[i] >= 0x09 && s[i] <= 0x0d))) {
			i++;
			continue;
		}
		m = one_of(spaces, sizeof(spaces) / sizeof(*spaces), s + i,
			   len - i);
		if (m == 0)
			break;
		i += m;
	}
	return one_of(starters, sizeof(starters) / sizeof(*starters), s + i,
		      len - i) > 0;
}

int table_csv_text(FILE *f, const char *s, size_t len)
{
	if (len && (strchr("\t\r", s[0]) || formula(s, len))) {
		struct buf b;
		int rc;

		buf_init(&b, len + 2);
		buf_put(&b, "'", 1);
		buf_put(&b, s, len);
		rc = csv_fwrite(f, b.data, b.len);
		buf_free(&b);
		return rc;
	}
	return csv_fwrite(f, s, len);
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned min;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		min = 0x80;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		min = 0x800;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		min = 0x10000;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void table_json_text(FILE *f, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;

	fputc('"', f);
	for (size_t i = 0; i < len;) {
		size_t n = utf8_len(p + i, len - i);

		if (n == 0) {
			fputs("\\ufffd", f);
			i++;
		} else if (p[i] == '"' || p[i] == '\\') {
			fprintf(f, "\\%c", p[i++]);
		} else if (p[i] < 0x20 || p[i] == 0x7f) {
			fprintf(f, "\\u%04x", p[i++]);
		} else {
			fwrite(p + i, 1, n, f);
			i += n;
		}
	}
	fputc('"', f);
}

struct table *table_new(FILE *f, int json, const char *const *names,
			const enum cell_kind *kinds, int ncols)
{
	struct table *t = xcalloc(1, sizeof(*t));

	t->f = f;
	t->json = json;
	t->names = names;
	t->kinds = kinds;
	t->ncols = ncols;
	if (json) {
		fputc('[', f);
		return t;
	}
	/* identifiers are written bare, anything else as a cell */
	for (int i = 0; i < ncols; i++) {
		const char *n = names[i];

		fputs(i ? "," : "", f);
		/* a letter first: '-' cannot start a formula there */
		if (isalpha((unsigned char)n[0]) &&
		    n[strspn(n,
			     "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRST"
			     "UVWXYZ0123456789_-")] == '\0')
			fputs(n, f);
		else
			table_csv_text(f, n, strlen(n));
	}
	fputs("\r\n", f);
	return t;
}

static void cell(struct table *t, int i, const char *v)
{
	if (t->json) {
		fputs(i ? ", " : "", t->f);
		table_json_text(t->f, t->names[i], strlen(t->names[i]));
		fputs(": ", t->f);
		if (!v)
			fputs("null", t->f);
		else if (t->kinds[i] == CELL_NUM)
			fputs(*v ? v : "0", t->f);
		else
			table_json_text(t->f, v, strlen(v));
		return;
	}
	if (i)
		fputc(',', t->f);
	if (!v)
		return;
	if (t->kinds[i] == CELL_NUM)
		fputs(v, t->f);
	else
		table_csv_text(t->f, v, strlen(v));
}

void table_row(struct table *t, const char *const *vals)
{
	if (t->json)
		fputs(t->rows ? ",\n  {" : "\n  {", t->f);
	for (int i = 0; i < t->ncols; i++)
		cell(t, i, vals[i]);
	fputs(t->json ? "}" : "\r\n", t->f);
	t->rows++;
}

int table_end(struct table *t)
{
	int bad;

	if (t->json)
		fputs(t->rows ? "\n]\n" : "]\n", t->f);
	bad = ferror(t->f);
	free(t);
	return bad ? -1 : 0;
}
