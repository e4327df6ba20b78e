/* store.h: the SQLite database: per-client counts, and how far each log
 * file has been read, always committed together. */
#ifndef KEYAUDIT_STORE_H
#define KEYAUDIT_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "fp.h"

struct store;

enum store_mode { STORE_READ, STORE_WRITE };

/* Open (STORE_WRITE: create, mode 0600) the database at path.  Return the
 * store, to close with store_close(), or NULL with a message in err. */
struct store *store_open(const char *path, enum store_mode mode, char *err,
			 size_t errlen);
/* Close; pending counts that were not committed are dropped. */
void store_close(struct store *st);

/* How long a statement waits for another connection's lock before it
 * fails with "database is locked" (default 5 s). */
void store_busy_wait(struct store *st, int seconds);

/* Take the database's run lock (the file PATH.lock), waiting up to
 * wait_seconds.  Return 0, 1 when another run holds it, -1 on error. */
int store_lock(struct store *st, int wait_seconds, char *err, size_t errlen);

/* Record key_id on first use; refuse a database made with another key.
 * Return 0 or -1 with err set. */
int store_check_key(struct store *st, const char *key_id, char *err,
		    size_t errlen);

/* Name the auth classes (index i is names[i]) for the counts to come. */
void store_set_classes(struct store *st, const char *const *names,
		       const int *legacy, int n);

/* What the database knows of one input file.  A file is known by the
 * fingerprint of its first decompressed bytes, not its name. */
struct file_state {
	int64_t id;
	int known; /* the database has a row for it */
	char head_fp[FP_HEXLEN + 1];
	size_t head_len;
	char short_fp[FP_HEXLEN + 1];
	uint64_t bytes; /* decompressed bytes counted */
	uint64_t lines; /* complete lines counted (bad ones included) */
	uint64_t bad;
	uint64_t pending; /* bytes of an unfinished last line */
	int gzip;
	const char *state; /* "complete", "growing", "truncated", ... */
	const char *name;  /* the path it was read under this time */
};

/* Identify the file whose first decompressed bytes are head[0..len),
 * filling fs with what is known (or a new state). Return 0 or -1. */
int store_file_find(struct store *st, const struct fpkey *key,
		    const char *head, size_t len, struct file_state *fs,
		    char *err, size_t errlen);

/* One classified request to count. */
struct hit {
	const char *client;
	size_t client_len;
	uint64_t client_hash; /* buf_hash(client, client_len) */
	int64_t time; /* seconds since the epoch, UTC */
	int cls;
	int amnesty;
	int status;
	int legacy; /* the class is legacy: keep its agent and credential */
	const char *agent;
	size_t agent_len;
	uint64_t agent_hash; /* buf_hash(agent, agent_len), when legacy */
	const char *cred_fp; /* FP_HEXLEN hex digits, or NULL */
};

/* Count h for the file fs in memory (nothing is written yet). */
void store_count(struct store *st, const struct file_state *fs,
		 const struct hit *h);

/* Is the batch in memory big enough (4 MiB) to be written now?  Two
 * can be held at once: one being counted, one being written. */
int store_batch_full(const struct store *st);

/* Write the batch and fs's read position in one transaction, then mark
 * fs known.  The writing is done by a thread of the store's own, while
 * the next batch is counted: a batch that could not be written makes
 * the next store_commit() or store_sync() fail, with nothing of it
 * written.  Return 0, or -1 with err set. */
int store_commit(struct store *st, struct file_state *fs, char *err,
		 size_t errlen);
/* Drop the counts made by store_count() since the last store_commit()
 * (the batch being counted), as if they had never been made; nothing
 * is written, no read position changes, and a batch already handed to
 * the writer by store_commit() is not touched.  For a file found to be
 * unreadable after some of its lines were counted. */
void store_discard(struct store *st);

/* Wait until every committed batch is written.  Return 0, or -1 with
 * err set when one could not be. */
int store_sync(struct store *st, char *err, size_t errlen);

/* Add the shard database at path into st, in one transaction: a log
 * file both have read (known by its first bytes) counts once, from the
 * one that read further.  Merging a shard again adds nothing.  Return 0,
 * or -1 with err set and st unchanged. */
int store_merge(struct store *st, const char *path, char *err,
		size_t errlen);

/* Run sql with text parameters params[0..nparams) bound to ?1.. and call
 * row for each result row with its columns as text (NULL for SQL NULL).
 * Stop when row returns non-zero.  Return 0, or -1 with err set. */
int store_each(struct store *st, const char *sql, const char *const *params,
	       int nparams,
	       int (*row)(void *ctx, int ncols, const char *const *cols,
			  const char *const *names),
	       void *ctx, char *err, size_t errlen);

#endif
