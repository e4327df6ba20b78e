/* registry.c: read the registry CSV through libcsv. */
#include "registry.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "msg.h"
#include "paste.h"
#include "registry_int.h"

#define REGISTRY_MAX (64u * 1024 * 1024) /* a registry is small */

struct reader {
	struct registry *reg;
	char **row;
	int nrow;
	int cap;
	int bad_width; /* a row whose width differs from the header */
	int bad_row;   /* its record number, 0-based */
	int records;
};

static void on_field(void *s, size_t len, void *ctx)
{
	struct reader *r = ctx;

	if (r->nrow == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->row = xrealloc(r->row, (size_t)r->cap * sizeof(*r->row));
	}
	r->row[r->nrow++] = xstrndup(s ? s : "", len);
}

static void drop_row(struct reader *r)
{
	for (int i = 0; i < r->nrow; i++)
		free(r->row[i]);
	r->nrow = 0;
}

static void on_row(int c, void *ctx)
{
	struct reader *r = ctx;
	struct registry *reg = r->reg;

	(void)c;
	if (r->records++ == 0) {
		reg->cols = r->row;
		reg->ncols = r->nrow;
		r->row = NULL;
		r->nrow = r->cap = 0;
		return;
	}
	if (r->nrow == 1 && !r->row[0][0]) {
		drop_row(r); /* a blank line */
		return;
	}
	if (r->nrow != reg->ncols && !r->bad_width) {
		r->bad_width = r->nrow;
		r->bad_row = r->records - 1;
	}
	if (r->nrow != reg->ncols) {
		drop_row(r);
		return;
	}
	reg->rows =
	    xrealloc(reg->rows, (size_t)(reg->nrows + 1) * sizeof(*reg->rows));
	reg->line =
	    xrealloc(reg->line, (size_t)(reg->nrows + 1) * sizeof(*reg->line));
	reg->line[reg->nrows] = r->records - 1; /* a record, made a line */
	reg->rows[reg->nrows++] = r->row;
	r->row = NULL;
	r->nrow = r->cap = 0;
}

static char *slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, REGISTRY_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_put(&b, chunk, n) < 0) {
			snprintf(err, errlen, "%s: larger than 64 MiB", path);
			fclose(f);
			buf_free(&b);
			return NULL;
		}
	fclose(f);
	*len = b.len;
	return b.data ? b.data : xstrdup("");
}

/* A header name without case, spaces, '_' and '-': "Client ID" gives
 * "clientid". */
static void name_norm(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	for (; *s && n + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '_' || c == '-')
			continue;
		out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[n] = '\0';
}

static int find_col(const struct registry *reg, const char *name)
{
	char want[256];
	char have[256];

	name_norm(name, want, sizeof(want));
	for (int i = 0; i < reg->ncols; i++) {
		name_norm(reg->cols[i], have, sizeof(have));
		if (strcmp(have, want) == 0)
			return i;
	}
	return -1;
}

static const char *const client_names[] = {"client", "clientid", "appid",
					   "applicationid", "integrationid"};
static const char *const fp_names[] = {"fingerprint", "apikeyfingerprint",
				       "keyfingerprint",
				       "credentialfingerprint", "fp"};

static int find_any(const struct registry *reg, const char *const *names,
		    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int c = find_col(reg, names[i]);

		if (c >= 0)
			return c;
	}
	return -1;
}

/* The delimiter found most often outside quotes in the first line. */
static char sniff(const char *data, size_t len)
{
	static const char cand[] = ",;\t";
	size_t count[3] = {0, 0, 0};
	int q = 0;

	for (size_t i = 0; i < len && (q || data[i] != '\n'); i++) {
		if (data[i] == '"')
			q = !q;
		for (int k = 0; k < 3 && !q; k++)
			count[k] += data[i] == cand[k];
	}
	if (count[1] > count[0] && count[1] >= count[2])
		return ';';
	if (count[2] > count[0] && count[2] > count[1])
		return '\t';
	return ',';
}

/* Parse data[0..len), whose first line is line line0 of path. */
static int parse(struct reader *r, const char *path, const char *data,
		 size_t len, long line0, char *err, size_t errlen)
{
	struct csv_parser p;
	size_t done;
	int rc = 0;

	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	csv_set_delim(&p, (unsigned char)r->reg->delim);
	done = csv_parse(&p, data, len, on_field, on_row, r);
	if (done != len || csv_fini(&p, on_field, on_row, r) != 0) {
		snprintf(err, errlen, "%s:%ld: malformed CSV: %s", path,
			 line0 - 1 +
			     registry_field_line(data, done, r->reg->delim),
			 csv_strerror(csv_error(&p)));
		rc = -1;
	}
	csv_free(&p);
	return rc;
}

/* Find the key columns: the ones named in o, else the common names.
 * Return 0, or -1 with err set. */
static int key_columns(struct registry *reg, const char *path,
		       const struct registry_opts *o, char *err, size_t errlen)
{
	const char *want[2] = {o ? o->key_col : NULL, o ? o->fp_col : NULL};
	int *col[2] = {&reg->client_col, &reg->fp_col};

	reg->client_col = find_any(reg, client_names, 5);
	reg->fp_col = find_any(reg, fp_names, 5);
	for (int k = 0; k < 2; k++) {
		if (!want[k])
			continue;
		*col[k] = find_col(reg, want[k]);
		if (*col[k] < 0) {
			snprintf(err, errlen, "%s:1: no column '%s'", path,
				 want[k]);
			return -1;
		}
	}
	if (reg->ncols == 0 || (reg->client_col < 0 && reg->fp_col < 0)) {
		snprintf(err, errlen,
			 "%s:1: no client id or fingerprint column (a column "
			 "such as client_id or fingerprint, or give "
			 "--registry-key or --registry-fingerprint)",
			 path);
		return -1;
	}
	return 0;
}

/* The first column whose name (normalised) holds one of names. */
static int find_part(const struct registry *reg, const char *const *names,
		     size_t n)
{
	char have[256];

	for (size_t k = 0; k < n; k++)
		for (int i = 0; i < reg->ncols; i++) {
			name_norm(reg->cols[i], have, sizeof(have));
			if (strstr(have, names[k]) && i != reg->client_col &&
			    i != reg->fp_col)
				return i;
		}
	return -1;
}

/* The owner column: o->owner_col, else an e-mail column, else an owner
 * or contact column.  Return 0, or -1 with err set. */
static int owner_column(struct registry *reg, const char *path,
			const struct registry_opts *o, char *err,
			size_t errlen)
{
	static const char *const mail[] = {"email", "mail"};
	static const char *const who[] = {"owner", "contact"};

	if (o && o->owner_col) {
		reg->owner_col = find_col(reg, o->owner_col);
		if (reg->owner_col < 0)
			snprintf(err, errlen, "%s:1: no column '%s'", path,
				 o->owner_col);
		return reg->owner_col < 0 ? -1 : 0;
	}
	reg->owner_col = find_part(reg, mail, 2);
	if (reg->owner_col < 0)
		reg->owner_col = find_part(reg, who, 2);
	return 0;
}

void registry_client_norm(const char *s, char *out, size_t cap)
{
	size_t n = 0;
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len && n + 1 < cap; i++) {
		unsigned char c = (unsigned char)s[i];

		out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[n] = '\0';
}

void registry_fp_norm(const char *s, char *out, size_t cap)
{
	size_t n = 0;

	while (*s == ' ' || *s == '\t')
		s++;
	if ((s[0] == 'f' || s[0] == 'F') && (s[1] == 'p' || s[1] == 'P') &&
	    s[2] == ':')
		s += 3;
	for (; *s && n + 1 < cap; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == ' ' || c == '\t')
			continue;
		out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
	}
	out[n] = '\0';
}

/* For sorting row numbers by a column: the registry being sorted. */
static _Thread_local const struct registry *sorting;
static _Thread_local int sort_col;

/* The key of row r in col, normalised (registry_client_norm(),
 * registry_fp_norm()) in buf (cap bytes). */
static const char *cell_key(const struct registry *reg, int r, int col,
			    char *buf, size_t cap)
{
	if (col == reg->fp_col)
		registry_fp_norm(reg->rows[r][col], buf, cap);
	else
		registry_client_norm(reg->rows[r][col], buf, cap);
	return buf;
}

static int cmp_rows(const void *a, const void *b)
{
	char x[512], y[512];
	int ra = *(const int *)a;
	int rb = *(const int *)b;
	int d;

	d = strcmp(cell_key(sorting, ra, sort_col, x, sizeof(x)),
		   cell_key(sorting, rb, sort_col, y, sizeof(y)));
	return d ? d : ra - rb;
}

/* Row numbers with a non-empty cell in col, sorted by it. */
static int *index_by(const struct registry *reg, int col, int *n)
{
	int *v = xmalloc(((size_t)reg->nrows + 1) * sizeof(*v));

	*n = 0;
	if (col < 0)
		return v;
	for (int r = 0; r < reg->nrows; r++) {
		char buf[512];

		if (cell_key(reg, r, col, buf, sizeof(buf))[0])
			v[(*n)++] = r;
	}
	sorting = reg;
	sort_col = col;
	qsort(v, (size_t)*n, sizeof(*v), cmp_rows);
	return v;
}

/* A fingerprint cell: "fp:" (any case) and 16 hex digits, or 16 hex
 * digits, white space around it aside. */
static int is_fp(const char *cell)
{
	char n[32];
	size_t len;

	registry_fp_norm(cell, n, sizeof(n));
	len = strspn(n, "0123456789abcdef");
	return len == FP_HEXLEN && !n[len];
}

/* Cell row[col] holds a credential: replace it by its fingerprint.
 * Return 0, or -1 with err set. */
static int fp_credential(struct registry *reg, int r, const char *path,
			 const struct registry_opts *o, struct fpkey *key,
			 int *have_key, char *err, size_t errlen)
{
	char **cell = &reg->rows[r][reg->fp_col];
	size_t cap = strlen(*cell) + 20;
	char *cred = xmalloc(cap);
	size_t len;
	const char *why = NULL;
	int kind = paste_read(*cell, cap - 20, cred, &len, &why);
	char fp[FP_HEXLEN + 4] = "fp:";

	if (kind == PASTE_SECRET && !*have_key && o && o->key_fn &&
	    o->key_fn(o->key_arg, key) == 0)
		*have_key = 1;
	if (kind == PASTE_SECRET && *have_key)
		fp_hex(key, cred, len, fp + 3);
	memset(cred, 0, cap); /* all of it: a password may follow */
	free(cred);
	if (kind != PASTE_SECRET) {
		snprintf(err, errlen,
			 "%s:%ld: column '%s' holds neither a fingerprint "
			 "(fp: and 16 hex digits) nor a credential",
			 path, reg->line[r], reg->cols[reg->fp_col]);
		return -1;
	}
	if (!*have_key) {
		snprintf(err, errlen,
			 "%s:%ld: column '%s' holds a credential, not its "
			 "fingerprint, and no fingerprint key is at hand: put "
			 "its fingerprint there ('keyaudit fingerprint')",
			 path, reg->line[r], reg->cols[reg->fp_col]);
		return -1;
	}
	memset(*cell, 0, strlen(*cell));
	free(*cell);
	*cell = xstrdup(fp);
	warn("%s:%ld: column '%s' holds a credential, not its fingerprint: "
	     "used as %s (remove credentials from the export)",
	     path, reg->line[r], reg->cols[reg->fp_col], fp);
	return 0;
}

/* Check every fingerprint cell: one that says "fp:" but is not a
 * fingerprint is refused, a credential is fingerprinted.  Return 0, or
 * -1 with err set. */
static int fp_cells(struct registry *reg, const char *path,
		    const struct registry_opts *o, char *err, size_t errlen)
{
	struct fpkey key;
	int have_key = 0;
	int rc = 0;

	for (int r = 0; reg->fp_col >= 0 && r < reg->nrows && rc == 0; r++) {
		const char *c = reg->rows[r][reg->fp_col];

		c += strspn(c, " \t");
		if (!*c || is_fp(c))
			continue;
		if (strncasecmp(c, "fp:", 3) == 0) {
			snprintf(
			    err, errlen,
			    "%s:%ld: column '%s': not a fingerprint (fp: "
			    "and 16 hex digits, nothing else in the cell)",
			    path, reg->line[r], reg->cols[reg->fp_col]);
			rc = -1;
		} else {
			rc = fp_credential(reg, r, path, o, &key, &have_key,
					   err, errlen);
		}
	}
	memset(&key, 0, sizeof(key));
	return rc;
}

/* The CSV data[0..len) after the checks of its bytes and a "sep="
 * line, into reg; its rows' record numbers made lines.  Return 0, or
 * -1 with err set. */
static int read_csv(struct registry *reg, struct reader *r, const char *path,
		    const char *data, size_t len,
		    const struct registry_opts *o, char *err, size_t errlen)
{
	char sep = 0;
	size_t skip = registry_sep_line(data, len, &sep);
	long line0 = skip ? 2 : 1;
	long *lines;
	int nlines;

	data += skip;
	len -= skip;
	reg->delim = o && o->delim ? o->delim : sep ? sep : sniff(data, len);
	if (parse(r, path, data, len, line0, err, errlen) < 0)
		return -1;
	lines = registry_record_lines(data, len, &nlines);
	for (int i = 0; i < reg->nrows; i++)
		reg->line[i] = reg->line[i] < nlines
				   ? lines[reg->line[i]] + line0 - 1
				   : 0;
	if (r->bad_width)
		snprintf(
		    err, errlen, "%s:%ld: %d fields, the header has %d", path,
		    r->bad_row < nlines ? lines[r->bad_row] + line0 - 1 : 0,
		    r->bad_width, reg->ncols);
	free(lines);
	return r->bad_width ? -1 : 0;
}

struct registry *registry_load(const char *path, const struct registry_opts *o,
			       char *err, size_t errlen)
{
	struct registry *reg = xcalloc(1, sizeof(*reg));
	struct reader r = {reg, NULL, 0, 0, 0, 0, 0};
	size_t len = 0;
	char *data = slurp(path, &len, err, errlen);
	size_t bom = len >= 3 && data && memcmp(data, "\xef\xbb\xbf", 3) == 0;

	if (!data)
		goto fail;
	if (bom) {
		memmove(data, data + 3, len - 3);
		len -= 3;
	}
	if (registry_text(path, &data, &len, err, errlen) < 0 ||
	    read_csv(reg, &r, path, data, len, o, err, errlen) < 0 ||
	    key_columns(reg, path, o, err, errlen) < 0 ||
	    owner_column(reg, path, o, err, errlen) < 0 ||
	    fp_cells(reg, path, o, err, errlen) < 0)
		goto fail;
	reg->matched = xcalloc((size_t)reg->nrows + 1, 1);
	reg->by_client = index_by(reg, reg->client_col, &reg->nby_client);
	reg->by_fp = index_by(reg, reg->fp_col, &reg->nby_fp);
	free(r.row);
	free(data);
	return reg;
fail:
	drop_row(&r);
	free(r.row);
	free(data);
	registry_free(reg);
	return NULL;
}

void registry_free(struct registry *reg)
{
	if (!reg)
		return;
	for (int r = 0; r < reg->nrows; r++) {
		for (int c = 0; c < reg->ncols; c++)
			free(reg->rows[r][c]);
		free(reg->rows[r]);
	}
	for (int c = 0; c < reg->ncols; c++)
		free(reg->cols[c]);
	free(reg->rows);
	free(reg->cols);
	free(reg->line);
	free(reg->matched);
	free(reg->by_client);
	free(reg->by_fp);
	free(reg);
}

/* First index in idx[0..n) whose key in col is >= key. */
static int lower_bound(const struct registry *reg, const int *idx, int n,
		       int col, const char *key)
{
	int lo = 0, hi = n;
	char have[512];

	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;

		if (strcmp(cell_key(reg, idx[mid], col, have, sizeof(have)),
			   key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Give every row of idx whose key in col is key, except rows whose
 * client is skip; return how many. */
static int give(struct registry *reg, const int *idx, int n, int col,
		const char *key, const char *skip, const char *fp,
		void (*fn)(void *, const char *const *, int, const char *),
		void *ctx)
{
	char have[512];
	int got = 0;

	for (int i = lower_bound(reg, idx, n, col, key); i < n; i++) {
		int r = idx[i];

		if (strcmp(cell_key(reg, r, col, have, sizeof(have)), key) !=
		    0)
			break;
		if (skip && skip[0] && reg->client_col >= 0 &&
		    strcmp(
			cell_key(reg, r, reg->client_col, have, sizeof(have)),
			skip) == 0)
			continue;
		reg->matched[r] = 1;
		fn(ctx, (const char *const *)reg->rows[r], r, fp);
		got++;
	}
	return got;
}

int registry_match(struct registry *reg, const char *client,
		   const char *const *fps, int nfps,
		   void (*fn)(void *ctx, const char *const *row, int r,
			      const char *fp),
		   void *ctx)
{
	char key[512];
	char cn[512];
	int n = 0;

	registry_client_norm(client, cn, sizeof(cn));
	if (reg->client_col >= 0 && cn[0])
		n += give(reg, reg->by_client, reg->nby_client,
			  reg->client_col, cn, NULL, NULL, fn, ctx);
	for (int i = 0; reg->fp_col >= 0 && i < nfps; i++) {
		registry_fp_norm(fps[i], key, sizeof(key));
		if (key[0])
			n += give(reg, reg->by_fp, reg->nby_fp, reg->fp_col,
				  key, cn, fps[i], fn, ctx);
	}
	return n;
}
