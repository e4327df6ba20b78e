/* table.h: write rows of cells as CSV (RFC 4180 through libcsv, safe to
 * open in a spreadsheet) or as a JSON array of objects. */
#ifndef KEYAUDIT_TABLE_H
#define KEYAUDIT_TABLE_H

#include <stddef.h>
#include <stdio.h>

enum cell_kind {
	CELL_TEXT, /* quoted; neutralised if a spreadsheet would run it */
	CELL_NUM   /* written bare: digits, a sign, a decimal point */
};

struct table;

/* Start a table on f with ncols columns named names[i] of kind kinds[i]
 * (both arrays must outlive the table).  Writes the CSV header row (a
 * name of letters, digits and '_' bare, any other as a neutralised
 * cell) or the JSON array's opening. */
struct table *table_new(FILE *f, int json, const char *const *names,
			const enum cell_kind *kinds, int ncols);

/* Write one row; vals[i] NULL is an empty cell (JSON null). */
void table_row(struct table *t, const char *const *vals);

/* Finish and free the table.  Return 0, or -1 when a write failed. */
int table_end(struct table *t);

/* Write len bytes as one CSV cell through libcsv, always quoted.  A cell
 * that starts with TAB or CR, or whose first character after any white
 * space (space, TAB, LF, VT, FF, CR, NBSP, the ideographic space and the
 * other Unicode spaces, zero-width ones included) is a formula starter
 * (= + - @ and their full-width and small forms) gets a leading "'"
 * (OWASP's advice against CSV injection).  Return 0 or -1. */
int table_csv_text(FILE *f, const char *s, size_t len);

/* Write s as a JSON string; bytes that are not UTF-8 become U+FFFD. */
void table_json_text(FILE *f, const char *s, size_t len);

#endif
