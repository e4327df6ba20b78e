/* report.h: reports from the database, as CSV (through libcsv) or JSON. */
#ifndef KEYAUDIT_REPORT_H
#define KEYAUDIT_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "store.h"

struct report_opts {
	const char *since; /* first UTC day, "YYYY-MM-DD", or NULL */
	const char *until; /* last UTC day, inclusive, or NULL */
	const char *out;   /* file to write, "-" or NULL for stdout */
	int json;
};

/* Is kind the name of a report?  Writes the list of names to f when
 * f is not NULL. */
int report_known(const char *kind, FILE *f);

/* Write report kind.  A file is written under a temporary name with mode
 * 0640 and renamed into place, so a reader never sees half a report.
 * Return 0, or -1 with a message in err. */
int report_run(struct store *st, const char *kind,
	       const struct report_opts *o, char *err, size_t errlen);

/* Write len bytes as one CSV cell through libcsv, always quoted.  A cell
 * a spreadsheet would read as a formula (first byte = + - @ TAB CR) gets
 * a leading "'" (OWASP's advice on CSV injection).  Return 0 or -1. */
int report_csv_text(FILE *f, const char *s, size_t len);

#endif
