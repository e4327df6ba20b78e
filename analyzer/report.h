/* report.h: reports from the database, as CSV (through libcsv) or JSON. */
#ifndef KEYAUDIT_REPORT_H
#define KEYAUDIT_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "fp.h"
#include "outfile.h"
#include "store.h"

struct report_opts {
	const char *since; /* first UTC day, "YYYY-MM-DD", or NULL */
	const char *until; /* last UTC day, inclusive, or NULL */
	const char *out;   /* file to write, "-" or NULL for stdout */
	int json;
	const char *registry;	  /* outreach: the registry CSV */
	const char *action;	  /* outreach: what to tell legacy clients */
	const char *registry_key; /* outreach: the client id column */
	const char *registry_fp;  /* outreach: the fingerprint column */
	char registry_delim;	  /* outreach: the delimiter, 0: sniffed */
	const char *rules; /* outreach: phases (amnesty's end), or NULL */
	int migrated_days; /* states: days without legacy requests that make
			      a client migrated, or without any dormant */
	const char *registry_owner; /* outreach: the owner column */
	const char *messages;	    /* outreach: the drafts' directory */
	/* outreach: the fingerprint key, for a credential in the
	 * registry's fingerprint column (registry_opts) */
	int (*key_fn)(void *arg, struct fpkey *key);
	void *key_arg;
	/* outreach: "NAME=YYYY-MM-DD", phases' days over the rules' */
	const char *const *phase_dates;
	int nphase_dates;
	/* states: days within which a credential first seen from a legacy
	 * one's address and agent succeeds it (0: 14; -1: none) */
	int succession_days;
};

/* A client is migrated after this many days without a legacy request
 * (and with others since), dormant after this many without any. */
#define REPORT_MIGRATED_DAYS 14

#define REPORT_ACTION                                                         \
	"replace the API key with a personal access token or OAuth"

/* Is kind the name of a report?  Writes the names, comma-separated, to
 * f when f is not NULL. */
int report_known(const char *kind, FILE *f);

/* Write report kind.  A file is written through outfile_open() (a
 * temporary name renamed into place), so a reader never sees half a
 * report.
 * Return 0, -1 with a message in err on a run-time failure, or -2 for a
 * bad registry (a usage error). */
int report_run(struct store *st, const char *kind, const struct report_opts *o,
	       char *err, size_t errlen);

/* Write to stdout, for each fingerprint fps[i] ("fp:" and 16 lower-case
 * hex digits), a row per client it was counted under as a legacy
 * credential in o's window (its requests, first and last use, the
 * client's state), or one "not seen" row.  Return how many of the
 * fingerprints were seen, or -1 with err set. */
int report_lookup(struct store *st, const struct report_opts *o,
		  const char *const *fps, int n, char *err, size_t errlen);

/* Open the output through outfile_open() (see outfile.h: stdout for
 * NULL or "-", a FIFO or device in place, a symbolic link refused, else
 * an exclusive temporary file beside path); *o is the handle to give
 * report_close().  Return the stream, or NULL with err set. */
FILE *report_open(const char *path, struct outfile **o, char *err,
		  size_t errlen);
/* outfile_close(): rename into place (or remove when failed is set);
 * every write is checked.  Return 0, or -1 with err set. */
int report_close(struct outfile *o, int failed, char *err, size_t errlen);

#endif
