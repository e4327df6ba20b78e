/* report_tmp.h: rows a pass over the store reads, into a TEMP table of
 * the same connection, a batch of multi-row INSERTs at a time (the
 * reports and gonogo's full list use it). */
#ifndef KEYAUDIT_REPORT_TMP_H
#define KEYAUDIT_REPORT_TMP_H

#include <stddef.h>
#include <stdio.h>

#include "report.h"
#include "store.h"

/* What every report function gets. */
struct ctx {
	struct store *st;
	const struct report_opts *o;
	FILE *f;
	const char *params[2]; /* since, until */
	char *err;
	size_t errlen;
};

#define TMP_BATCH    128 /* rows a multi-row INSERT */
#define TMP_MAX_COLS 16

/* Rows for the TEMP table `table` (made by the caller), copied and
 * inserted TMP_BATCH at a time. */
struct report_tmp {
	struct ctx *x;
	const char *table; /* a static name */
	int ncols;
	int n; /* rows waiting */
	int failed;
	struct store_rows *full; /* the INSERT of a full batch, or NULL */
	char *cells[TMP_BATCH * TMP_MAX_COLS];
};

/* Run one statement with x's window bound to ?1 and ?2, no rows.
 * Return 0, or -1 with x->err set. */
int report_tmp_exec(struct ctx *x, const char *sql);
/* Start b for table, ncols (<= TMP_MAX_COLS) columns. */
void report_tmp_init(struct report_tmp *b, struct ctx *x, const char *table,
		     int ncols);
/* Add one row (vals[i] NULL: SQL NULL), copied; a full batch is
 * inserted.  Return 0, or -1 (x->err set) once an insert has failed. */
int report_tmp_add(struct report_tmp *b, const char *const *vals);
/* Insert the rows waiting and finalize b's statement (an add after it
 * prepares one again).  Return 0, or -1 with x->err set. */
int report_tmp_flush(struct report_tmp *b);

#endif
