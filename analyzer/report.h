/* report.h: reports from the database, as CSV (through libcsv) or JSON. */
#ifndef KEYAUDIT_REPORT_H
#define KEYAUDIT_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "store.h"

struct report_opts {
	const char *since;    /* first UTC day, "YYYY-MM-DD", or NULL */
	const char *until;    /* last UTC day, inclusive, or NULL */
	const char *out;      /* file to write, "-" or NULL for stdout */
	int json;
	const char *registry; /* outreach: the registry CSV */
	const char *action;   /* outreach: what to tell legacy clients */
};

#define REPORT_ACTION                                                       \
	"replace the API key with a personal access token or OAuth"

/* Is kind the name of a report?  Writes the names, comma-separated, to
 * f when f is not NULL. */
int report_known(const char *kind, FILE *f);

/* Write report kind.  A file is written under a temporary name with mode
 * 0640 and renamed into place, so a reader never sees half a report.
 * Return 0, -1 with a message in err on a run-time failure, or -2 for a
 * bad registry (a usage error). */
int report_run(struct store *st, const char *kind,
	       const struct report_opts *o, char *err, size_t errlen);

/* Open the output: stdout for NULL or "-", else a temporary file beside
 * path (mode 0640).  report_close() renames it into place, or removes it
 * when failed is set.  Return NULL with err set on failure. */
FILE *report_open(const char *path, char *tmp, size_t tmplen, char *err,
		  size_t errlen);
int report_close(FILE *f, const char *path, const char *tmp, int failed,
		 char *err, size_t errlen);

#endif
