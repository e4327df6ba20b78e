/* report_tmp.c: rows computed in C written to a TEMP table in batches,
 * so that SQLite, not the report, holds and sorts them. */
#include "report_tmp.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"

void report_tmp_init(struct report_tmp *b, struct ctx *x, const char *table,
		     int ncols)
{
	memset(b, 0, sizeof(*b));
	b->x = x;
	b->table = table;
	b->ncols = ncols < TMP_MAX_COLS ? ncols : TMP_MAX_COLS;
}

/* "INSERT INTO temp.T VALUES (?,?),(?,?)..." for b->n rows into sql. */
static void insert_sql(const struct report_tmp *b, char *sql, size_t cap)
{
	size_t at = (size_t)snprintf(sql, cap, "INSERT INTO temp.%s VALUES ",
				     b->table);

	for (int r = 0; r < b->n && at < cap; r++)
		for (int c = 0; c < b->ncols && at < cap; c++)
			at += (size_t)snprintf(sql + at, cap - at, "%s%s%s",
					       c   ? ","
					       : r ? ",("
						   : "(",
					       "?",
					       c == b->ncols - 1 ? ")" : "");
}

static int no_row(void *arg, int n, const char *const *c,
		  const char *const *names)
{
	(void)arg;
	(void)n;
	(void)c;
	(void)names;
	return 0;
}

int report_tmp_exec(struct ctx *x, const char *sql)
{
	return store_each(x->st, sql, x->params, 2, no_row, NULL, x->err,
			  x->errlen);
}

/* Insert the rows waiting: a full batch through b->full, prepared once,
 * fewer through a statement of their own.  Free their cells. */
static int insert_waiting(struct report_tmp *b)
{
	/* 64 bytes for the table's name, 2 a cell, 3 a row */
	char sql[64 + TMP_BATCH * (2 * TMP_MAX_COLS + 3)];
	const char *const *cells = (const char *const *)b->cells;
	int n = b->n * b->ncols;

	if (!b->n)
		return b->failed ? -1 : 0;
	if (!b->failed && b->n == TMP_BATCH && !b->full) {
		insert_sql(b, sql, sizeof(sql));
		b->full = store_rows_open(b->x->st, sql, cells, n, b->x->err,
					  b->x->errlen);
		b->failed = !b->full || store_rows_next(b->full) < 0;
	} else if (!b->failed && b->n == TMP_BATCH) {
		store_rows_again(b->full, cells, n);
		b->failed = store_rows_next(b->full) < 0;
	} else if (!b->failed) {
		insert_sql(b, sql, sizeof(sql));
		b->failed = store_each(b->x->st, sql, cells, n, no_row, NULL,
				       b->x->err, b->x->errlen) < 0;
	}
	for (int i = 0; i < n; i++) {
		free(b->cells[i]);
		b->cells[i] = NULL;
	}
	b->n = 0;
	return b->failed ? -1 : 0;
}

int report_tmp_flush(struct report_tmp *b)
{
	int rc = insert_waiting(b);

	store_rows_close(b->full);
	b->full = NULL;
	return rc;
}

int report_tmp_add(struct report_tmp *b, const char *const *vals)
{
	char **row = &b->cells[b->n * b->ncols];

	for (int c = 0; c < b->ncols; c++)
		row[c] = vals[c] ? xstrdup(vals[c]) : NULL;
	if (++b->n == TMP_BATCH)
		return insert_waiting(b);
	return b->failed ? -1 : 0;
}
