/* report_tmp.c: rows computed in C written to a TEMP table in batches,
 * so that SQLite, not the report, holds and sorts them. */
#include "report_impl.h"

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

int report_tmp_flush(struct report_tmp *b)
{
	/* 64 bytes for the table's name, 2 a cell, 3 a row */
	char sql[64 + TMP_BATCH * (2 * TMP_MAX_COLS + 3)];
	int cells = b->n * b->ncols;

	if (!b->n)
		return b->failed ? -1 : 0;
	insert_sql(b, sql, sizeof(sql));
	if (!b->failed &&
	    store_each(b->x->st, sql, (const char *const *)b->cells, cells,
		       no_row, NULL, b->x->err, b->x->errlen) < 0)
		b->failed = 1;
	for (int i = 0; i < cells; i++) {
		free(b->cells[i]);
		b->cells[i] = NULL;
	}
	b->n = 0;
	return b->failed ? -1 : 0;
}

int report_tmp_add(struct report_tmp *b, const char *const *vals)
{
	char **row = &b->cells[b->n * b->ncols];

	for (int c = 0; c < b->ncols; c++)
		row[c] = vals[c] ? xstrdup(vals[c]) : NULL;
	if (++b->n == TMP_BATCH)
		return report_tmp_flush(b);
	return b->failed ? -1 : 0;
}
