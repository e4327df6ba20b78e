/* store.h: the SQLite database: per-client counts, and how far each log
 * file has been read, always committed together.  The tables the reports
 * and gonogo read are described in schema.sql (schema 5), the contract
 * between this module and them; docs/store.md explains the design. */
#ifndef KEYAUDIT_STORE_H
#define KEYAUDIT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "day.h"
#include "fp.h"
#include "hit.h"

struct store;

enum store_mode { STORE_READ, STORE_WRITE };

/* Configure SQLite for the process: no memory statistics, whose global
 * mutex every allocation takes otherwise (a report's sort makes
 * millions).  Call once, before any database is opened or thread
 * started. */
void store_init(void);

/* Open (STORE_WRITE: create, mode 0600) the database at path.  Return the
 * store, to close with store_close(), or NULL with a message in err.
 * STORE_WRITE creates the schema, or upgrades an older one in place in
 * one transaction.  STORE_READ never writes: on a read-only mount or in a
 * directory it may not write to it still reads (SQLite's immutable
 * mode), unless the database's write-ahead log holds data that mode
 * would miss: then it fails, saying so.  An older schema is upgraded
 * first when the file is writable.  A database of a newer schema, or
 * another program's (its application_id), is refused. */
struct store *store_open(const char *path, enum store_mode mode, char *err,
			 size_t errlen);
/* Close; pending counts that were not committed are dropped. */
void store_close(struct store *st);

/* How long a statement waits for another connection's lock before it
 * fails with "database is locked" (default 5 s). */
void store_busy_wait(struct store *st, int seconds);

/* Take the database's run lock, waiting up to wait_seconds: an
 * exclusive flock(2) of the database file itself, held until
 * store_close(), so that every name of one database (a symbolic link,
 * a hard link, a bind mount) shares it.  Return 0, 1 when another run
 * holds it, -1 on error. */
int store_lock(struct store *st, int wait_seconds, char *err, size_t errlen);

/* Is path the database file of st (the same device and inode)?  Return
 * 1 or 0. */
int store_same_file(const struct store *st, const char *path);

/* Record key_id on first use; refuse a database made with another key.
 * Return 0 or -1 with err set. */
int store_check_key(struct store *st, const char *key_id, char *err,
		    size_t errlen);

/* Name the auth classes (index i is names[i]) for the counts to come. */
void store_set_classes(struct store *st, const char *const *names,
		       const int *legacy, int n);

/* A file on disk as stat(2) and its first STORE_RAW_HEAD raw bytes (not
 * decompressed) show it: what tells, without reading it, that a file
 * read to its end has not changed since. */
#define STORE_RAW_HEAD 4096
struct store_disk {
	int64_t dev, ino, size, mtime_ns;
	char raw_fp[FP_HEXLEN + 1];
};

/* Fill d for the file at path (not following a last symbolic link is
 * not wanted here: the file read is the one described).  Return 0, or
 * -1 with errno set. */
int store_disk_probe(const struct fpkey *key, const char *path,
		     struct store_disk *d);

/* Is the file d describes one that was read to its end, with no
 * unfinished last line, and is it still exactly as it was then (same
 * device, inode, size, modification time and first raw bytes)?  Return
 * 1 (it need not be opened), 0, or -1 with err set. */
int store_file_unchanged(struct store *st, const struct store_disk *d,
			 char *err, size_t errlen);

/* Room for a format's name in the ledger (FORMAT_LABEL_MAX of parse.h). */
#define STORE_FORMAT_MAX 40

/* For a file store_file_unchanged() said is unchanged: its id and the
 * format its lines were last read with ("" when not recorded) in
 * read_as (STORE_FORMAT_MAX bytes).  Return 1, 0 when no file is
 * known by d, or -1 with err set. */
int store_file_read_as(struct store *st, const struct store_disk *d,
		       int64_t *id, char *read_as, char *err, size_t errlen);

/* Marks: fingerprints of a file's first 64, 128, ... bytes, 8 bytes
 * each, up to the identity window (INPUT_HEAD_MAX, 4096 bytes). */
#define STORE_MARK_STEP 64
#define STORE_MARKS_MAX 64

/* What the database knows of one input file.  A file is known by its
 * first decompressed bytes (up to 4096), not its name: see store_file.c
 * and docs/store.md for the rules. */
struct file_state {
	int64_t id;
	int known; /* the database has a row for it */
	char head_fp[FP_HEXLEN + 1];
	size_t head_len;
	uint64_t marks[STORE_MARKS_MAX];
	int nmarks;		/* head_len / STORE_MARK_STEP */
	int detail;		/* its per-file rows are kept (schema.sql) */
	struct store_disk disk; /* as it was opened, when has_disk */
	int has_disk;
	uint64_t bytes; /* decompressed bytes counted */
	uint32_t crc;	/* their CRC-32, when has_crc */
	int has_crc;
	uint64_t lines; /* complete lines counted (bad ones included) */
	uint64_t bad;
	uint64_t pending; /* bytes of an unfinished last line */
	int gzip;
	const char *state; /* "complete", "growing", "truncated", ... */
	const char *name;  /* the path it was read under this time */
	/* the format it is read with now (format_label() of parse.h), and
	 * the one its lines were last read with, from the ledger ("": not
	 * recorded, as by a keyaudit before formats were) */
	char format[STORE_FORMAT_MAX];
	char read_as[STORE_FORMAT_MAX];
};

/* Identify the file whose first decompressed bytes are head[0..len),
 * filling fs with what is known (or a new state).  It is a known file
 * when its head is that file's head; when that file's shorter head is a
 * prefix of it (the file grew); or when it is itself a prefix of a known
 * file's head at the marks' resolution (a copy still being written): a
 * shared first line or header is not enough.  Return 0 or -1. */
int store_file_find(struct store *st, const struct fpkey *key,
		    const char *head, size_t len, struct file_state *fs,
		    char *err, size_t errlen);

/* Count h for the file fs in memory (nothing is written yet). */
void store_count(struct store *st, const struct file_state *fs,
		 const struct hit *h);

/* Is the batch in memory big enough (4 MiB) to be written now?  Two
 * can be held at once, one being counted and one being written, 8 MiB
 * together at most: at that, this waits until the writer has written
 * its batch and given back its memory (which it does as it ends). */
int store_batch_full(struct store *st);

/* Drop the counts of the batch being filled (not yet committed); the
 * file's read position stays where the last commit left it. */
void store_discard(struct store *st);

/* Is t (seconds since the epoch) on or after the first day kept (after
 * a prune)?  A line dated before it is not counted: ingest counts it
 * as a bad line.  Return 1 or 0. */
int store_day_kept(const struct store *st, int64_t t);

/* Write the batch and fs's read position in one transaction, then mark
 * fs known.  The writing is done by a thread of the store's own, while
 * the next batch is counted: a batch that could not be written makes
 * the next store_commit() or store_sync() fail, with nothing of it
 * written.  Return 0, or -1 with err set. */
int store_commit(struct store *st, struct file_state *fs, char *err,
		 size_t errlen);
/* Wait until every committed batch is written.  Return 0, or -1 with
 * err set when one could not be. */
int store_sync(struct store *st, char *err, size_t errlen);

/* Add the shard database at path into st, in one transaction: a log
 * file both have read (known by the rules of store_file_find(), at the
 * marks' resolution) counts once, from the one that read further.
 * Merging a shard again adds nothing.  When that needs the detail of a
 * file that one side has folded, the merge is refused, naming the file.
 * Return 0, or -1 with err set and st unchanged. */
int store_merge(struct store *st, const char *path, char *err, size_t errlen);

/* In one transaction: add the per-file detail not yet in the rollups
 * into them, then delete the detail of files whose last day is more
 * than keep_days before the newest day of any file (fold them): the
 * rollups keep their counts; forget and exact merge no longer can.
 * Return the number of files folded, or -1 with err set. */
int store_fold(struct store *st, int keep_days, char *err, size_t errlen);

/* What store_prune() removes, or would. */
struct store_prune_info {
	char newest[DAY_SIZE]; /* the newest day counted, "" when none */
	char from[DAY_SIZE], to[DAY_SIZE]; /* the first and last day removed */
	long long days, requests; /* days with counts, and their requests */
	long long clients;	  /* clients whose whole history goes */
};

/* Remove every count of a day before `day` (YYYY-MM-DD) in one
 * transaction, keep the file ledger (pruned files are never read
 * again), record day as the first day kept, and give the space back to
 * the file system; with dry_run only fill pi.  A day after today (when
 * not NULL) or after the newest day counted is refused: such a prune
 * would remove every count, and make every later line of the days
 * before it a bad line.  Fill pi with what goes (or would).  Return 0,
 * 1 when refused (err says why, nothing changed), -1 with err set. */
int store_prune(struct store *st, const char *day, const char *today,
		int dry_run, struct store_prune_info *pi, char *err,
		size_t errlen);

/* store_prune() before the day keep_days - 1 days before the newest day
 * of any file, when that is later than the first day kept now.  Return
 * 0, or -1 with err set. */
int store_prune_keep(struct store *st, int keep_days, char *err,
		     size_t errlen);

/* The first day the counts cover after a prune, or "" (all kept). */
const char *store_first_day(const struct store *st);

/* The days the counts cover. */
#define STORE_GAPS_MAX 16
struct store_cover {
	char first[DAY_SIZE],
	    last[DAY_SIZE];  /* first and last day counted, "" none */
	char kept[DAY_SIZE]; /* the first day kept after a prune, or "" */
	int ngaps;	     /* runs of days without counts between them */
	struct {
		char from[DAY_SIZE],
		    to[DAY_SIZE]; /* first and last day of a gap */
	} gap[STORE_GAPS_MAX];	  /* the first STORE_GAPS_MAX of them */
};

/* Fill c with the days st's counts cover: what a report or gonogo says
 * it covers.  It reads the day of every row of counts once.  Return 0,
 * or -1 with err set. */
int store_cover(struct store *st, struct store_cover *c, char *err,
		size_t errlen);

/* One file that `forget` would remove. */
struct store_forgotten {
	int64_t id;
	const char *name; /* a name it was read under */
	const char *head_fp;
	long long lines, requests;
	int detail; /* 0: its counts are folded, it cannot be forgotten */
};

/* What forget names: the known file id (store_file_find() of the file
 * at a path, when known), a head fingerprint as `files` shows it (with
 * or without "fp:"), or a name files were read under: any of them that
 * is set (id > 0, fp or name not NULL). */
struct store_forget_what {
	int64_t id;
	const char *fp;
	const char *name;
};

/* Find the files w names and unless dry_run remove their counts,
 * detail and ledger rows in one transaction, so that they are read
 * again by the next ingest; then call fn for each (not when the
 * transaction was rolled back).  A file whose detail is folded is not
 * removed: that makes the call fail.  Return the number of files found
 * (0: none), or -1 with err set. */
int store_forget(struct store *st, const struct store_forget_what *w,
		 int dry_run,
		 void (*fn)(void *ctx, const struct store_forgotten *f),
		 void *ctx, char *err, size_t errlen);

/* A legacy request whose response carried one of the platform's
 * warnings (the rules' warning fields) is kept with STORE_WARNED after
 * its agent (hit.h): the reports read from it whether, and since when,
 * a client was warned.  In a query over the views agents and
 * cred_agents, STORE_AGENT_WARNED is true of such an agent, and
 * STORE_AGENT is the agent as reports show it, without the mark. */
#define STORE_WARNED HIT_WARNED
#define STORE_AGENT_WARNED                                                    \
	"substr(agent, -length('" STORE_WARNED "')) = '" STORE_WARNED "'"
#define STORE_AGENT                                                           \
	"(CASE WHEN " STORE_AGENT_WARNED " THEN substr(agent, 1,"             \
	" length(agent) - length('" STORE_WARNED "')) ELSE agent END)"

/* Run sql with text parameters params[0..nparams) bound to ?1.. and call
 * row for each result row with its columns as text (NULL for SQL NULL).
 * Stop when row returns non-zero.  Return 0, or -1 with err set. */
int store_each(struct store *st, const char *sql, const char *const *params,
	       int nparams,
	       int (*row)(void *ctx, int ncols, const char *const *cols,
			  const char *const *names),
	       void *ctx, char *err, size_t errlen);

/* One statement of store_rows_open(), read a row at a time, so that a
 * caller can read several side by side (merging them by a key), or run
 * again with other parameters. */
struct store_rows;

/* Prepare sql with the text parameters params[0..nparams) bound to ?1..
 * (not copied: they must outlive the statement's steps).  err, errlen:
 * where every later call of r reports a failure.  Return NULL with err
 * set when sql does not prepare. */
struct store_rows *store_rows_open(struct store *st, const char *sql,
				   const char *const *params, int nparams,
				   char *err, size_t errlen);
/* Step r: 1 with a row (read it with store_rows_col()), 0 at the end,
 * -1 with err set. */
int store_rows_next(struct store_rows *r);
/* Column i of r's row as text (NULL for SQL NULL or a column i that r
 * does not have), valid until r's next step. */
const char *store_rows_col(struct store_rows *r, int i);
/* Start r again from its first row, with params[0..nparams) bound (as
 * in store_rows_open()). */
void store_rows_again(struct store_rows *r, const char *const *params,
		      int nparams);
/* Finalize r (NULL: nothing). */
void store_rows_close(struct store_rows *r);

/* Make the temporary table temp.name (name: a plain identifier), of one
 * column v TEXT PRIMARY KEY, hold exactly the values[0..n) (each once),
 * so that a query reads a set of clients or fingerprints in one scan
 * (`client IN (SELECT v FROM temp.name)`) instead of a lookup each.  A
 * temporary table lives with the connection and is writable in a
 * read-only one.  Return 0, or -1 with err set. */
int store_temp_set(struct store *st, const char *name,
		   const char *const *values, size_t n, char *err,
		   size_t errlen);

#endif
