/* registry.c: read the registry CSV through libcsv. */
#include "registry.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

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
	reg->rows = xrealloc(reg->rows,
			     (size_t)(reg->nrows + 1) * sizeof(*reg->rows));
	reg->rows[reg->nrows++] = r->row;
	r->row = NULL;
	r->nrow = r->cap = 0;
}

/* 1-based line of byte offset off in data. */
static long line_at(const char *data, size_t off)
{
	long line = 1;

	for (size_t i = 0; i < off; i++)
		line += data[i] == '\n';
	return line;
}

/* Line where record number rec starts (records split on unquoted
 * newlines; good enough to point at the row). */
static long record_line(const char *data, size_t len, int rec)
{
	int in_quotes = 0;
	long line = 1;

	for (size_t i = 0; i < len && rec > 0; i++) {
		if (data[i] == '"')
			in_quotes = !in_quotes;
		if (data[i] == '\n') {
			line++;
			if (!in_quotes)
				rec--;
		}
	}
	return line;
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

static int find_col(const struct registry *reg, const char *name)
{
	for (int i = 0; i < reg->ncols; i++)
		if (strcasecmp(reg->cols[i], name) == 0)
			return i;
	return -1;
}

static int parse(struct reader *r, const char *path, const char *data,
		 size_t len, char *err, size_t errlen)
{
	struct csv_parser p;
	size_t skip = len >= 3 && memcmp(data, "\xef\xbb\xbf", 3) == 0 ? 3
									 : 0;
	size_t done;
	int rc = 0;

	csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
	done = csv_parse(&p, data + skip, len - skip, on_field, on_row, r);
	if (done != len - skip || csv_fini(&p, on_field, on_row, r) != 0) {
		snprintf(err, errlen, "%s:%ld: malformed CSV: %s", path,
			 line_at(data, skip + done),
			 csv_strerror(csv_error(&p)));
		rc = -1;
	}
	csv_free(&p);
	return rc;
}

struct registry *registry_load(const char *path, char *err, size_t errlen)
{
	struct registry *reg = xcalloc(1, sizeof(*reg));
	struct reader r = {reg, NULL, 0, 0, 0, 0, 0};
	size_t len = 0;
	char *data = slurp(path, &len, err, errlen);

	if (!data || parse(&r, path, data, len, err, errlen) < 0)
		goto fail;
	if (r.bad_width) {
		snprintf(err, errlen, "%s:%ld: %d fields, the header has %d",
			 path, record_line(data, len, r.bad_row), r.bad_width,
			 reg->ncols);
		goto fail;
	}
	reg->client_col = find_col(reg, "client");
	reg->fp_col = find_col(reg, "fingerprint");
	if (reg->ncols == 0 || (reg->client_col < 0 && reg->fp_col < 0)) {
		snprintf(err, errlen,
			 "%s:1: the header needs a 'client' or 'fingerprint' "
			 "column",
			 path);
		goto fail;
	}
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
	free(reg);
}

static const char *no_fp_prefix(const char *s)
{
	return strncmp(s, "fp:", 3) == 0 ? s + 3 : s;
}

static int matches(const struct registry *reg, char **row,
		   const char *client, const char *const *fps, int nfps)
{
	if (reg->client_col >= 0 && row[reg->client_col][0] &&
	    strcmp(row[reg->client_col], client) == 0)
		return 1;
	if (reg->fp_col < 0 || !row[reg->fp_col][0])
		return 0;
	for (int i = 0; i < nfps; i++)
		if (strcmp(no_fp_prefix(row[reg->fp_col]),
			   no_fp_prefix(fps[i])) == 0)
			return 1;
	return 0;
}

int registry_match(const struct registry *reg, const char *client,
		   const char *const *fps, int nfps,
		   void (*fn)(void *ctx, const char *const *row), void *ctx)
{
	int n = 0;

	for (int r = 0; r < reg->nrows; r++) {
		if (!matches(reg, reg->rows[r], client, fps, nfps))
			continue;
		fn(ctx, (const char *const *)reg->rows[r]);
		n++;
	}
	return n;
}
