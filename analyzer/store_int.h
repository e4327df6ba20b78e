/* store_int.h: what the store's files share; nothing outside them
 * includes it.  They stand in layers, each calling only those before it:
 *   store.c         the connection, statements, write transactions
 *   store_sum.c     the arithmetic between detail and rollups
 *   store_schema.c  the schema: create, upgrade, check, read
 *   store_file.c    file identity and the ledger
 *   store_batch.c   counting a batch
 *   store_write.c   the batch writer
 *   store_retain.c  fold, prune, cover, forget
 *   store_merge.c   merge of an attached shard
 *   store_open.c    store_open(), store_close(), store_merge()
 * The declarations below follow the same order. */
#ifndef KEYAUDIT_STORE_INT_H
#define KEYAUDIT_STORE_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "day.h"
#include "ftab.h"
#include "store.h"

#define SCHEMA_VERSION 6
/* PRAGMA application_id of keyaudit's databases: "KAUD" */
#define STORE_APPLICATION_ID 0x4b415544
#define CLIENT_MAX	     256 /* longer client ids are cut */
#define AGENT_MAX	     512 /* longer user agents are cut */
#define ROUTE_MAX	     256 /* longer routes are cut */
#define ROUTES_CAP	     16	 /* routes per client and day in one batch */
#define ORIGINS_CAP	     2	 /* origins per client, day, fp in one batch */
/* A batch is written once it holds BATCH_BYTES; the one being counted
 * and the one being written hold at most BATCH_BUDGET together (the
 * writer gives its memory back once it has written it), so that the
 * next batch fills while one is written. */
#define BATCH_BYTES  (4u * 1024 * 1024)
#define BATCH_BUDGET (8u * 1024 * 1024)
#define SQL_MAX	     4096 /* the longest statement made from a table */

/* The tables of counts (schema.sql), in the order of a batch's
 * tallies. */
enum store_kind {
	KIND_COUNTS,
	KIND_AGENTS,
	KIND_CREDS,
	KIND_CRED_AGENTS,
	KIND_ROUTES,
	KIND_HOURS,
	KIND_ORIGINS, /* schema 6 */
	KIND_N
};

/* A table of counts: its name (the view; the tables are "rollup_" name
 * and "file_" name), its key columns, and whether it keeps first and
 * last times besides n (range), or n in each hour (hours: h00..h23). */
struct store_table {
	const char *name;
	const char *keys; /* comma-separated, as in schema.sql */
	int nkeys;
	int range;
	int hours;
};
extern const struct store_table store_tables[KIND_N];

/* A request as a batch counts it: by everything a table of counts is
 * keyed by (store_batch.c).  The writer makes each table's rows from
 * these (store_write.c).  Strings are numbers of the batch's strtabs;
 * fingerprints of FP_HEXLEN hex digits are the numbers they write. */
struct tuple {
	/* the key: TUPLE_KEY bytes */
	uint64_t cred;	 /* the credential's fingerprint, when has_cred */
	uint64_t origin; /* of a fp_client: its origin's, or 0 for none */
	int32_t day;
	uint32_t client;
	uint32_t agent; /* legacy: the agent; else 0 */
	uint32_t route; /* legacy, with a route: the route; else 0 */
	uint16_t status;
	uint8_t cls;
	uint8_t amnesty;
	uint8_t legacy;
	uint8_t has_cred;
	uint8_t fp_client; /* the client is named after the credential */
	uint8_t pad;
	/* decided when the tuple is first counted, for all its requests */
	uint32_t route_to;   /* route, or "{other}" past ROUTES_CAP */
	uint32_t origin_cut; /* origin is past ORIGINS_CAP: none instead */
	/* the smallest and largest times counted, as seconds after the
	 * day's start (a request's time is within its day) */
	uint32_t first;
	uint32_t last;
	uint64_t n;
};
#define TUPLE_KEY offsetof(struct tuple, route_to)

/* Legacy requests by hour of the day, apart from the tuples: with the
 * hour in a tuple's key, a client's day took up to 24 tuples a
 * credential, agent and route (1 M lines of the bench's corpus: 232 k
 * tuples with the hour, 148 k without). */
struct hourly {
	/* the key: HOURLY_KEY bytes */
	int32_t day;
	uint32_t client;
	uint16_t status;
	uint8_t cls;
	uint8_t amnesty;
	uint8_t hour;
	uint8_t pad[3];
	uint64_t n;
};
#define HOURLY_KEY offsetof(struct hourly, n)

/* Counts in memory, and the read position to commit with them.  All
 * tuples of one batch belong to the file fs (store_commit() is called
 * at least at the end of every file). */
struct batch {
	struct ftab *tuples;
	struct ftab *hours; /* struct hourly */
	struct ftab *seen;  /* routes and origins met, within their cap? */
	struct ftab *caps;  /* routes and origins within their cap, by key */
	struct strtab *clients;
	struct strtab *agents;
	struct strtab *routes;
	uint32_t other;		  /* the number of "{other}" in routes, or 0 */
	int64_t file;		  /* the file counted */
	int32_t min_day, max_day; /* days counted, when any */
	int any;
	struct file_state fs;
	int has_fs;
};

struct store {
	sqlite3 *db;
	char *path;
	int lockfd;
	int readonly;
	char *classes[32];
	int legacy[32];
	int nclasses;
	char first_day[DAY_SIZE]; /* meta first_day, or "" */
	int64_t first_daynum; /* the same as days since 1970, or INT64_MIN */
	/* store_count() fills batch[cur]; the other one may be with the
	 * writer thread, which alone uses db while it writes */
	struct batch batch[2];
	int cur;
	pthread_t writer;
	int writer_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int queued; /* batch[!cur] is handed to the writer, not done */
	int stop;   /* the writer should exit */
	int failed; /* the last handed batch could not be written */
	/* the batch writer has added into the rollups what an interrupted
	 * run left out of them; since, it adds each batch itself */
	int rolled;
	/* bytes of the batch handed to the writer, until it gave them back
	 * (0: none, or known to be given back) */
	size_t handed;
	char wmsg[512];
	/* merge: the attached shard "s" is of schema 5, without the
	 * origins (its kinds are those before KIND_ORIGINS) */
	int shard_old;
};

/* ---- store.c: connection, statements, transactions ---------------- */

/* Connect st (path, lockfd -1 and readonly set) to its file: for
 * writing, creating it (mode 0600), then (store_connect_wal()) in WAL
 * mode; for reading, in SQLite's immutable mode where the -shm cannot
 * be made and the write-ahead log holds nothing.  Return 0 or -1 with
 * err set. */
int store_connect_write(struct store *st, char *err, size_t errlen);
int store_connect_wal(struct store *st, char *err, size_t errlen);
int store_connect_read(struct store *st, char *err, size_t errlen);
/* Close st's connection and lock, and free st. */
void store_disconnect(struct store *st);

/* Open a write transaction: the one place one is opened (BEGIN
 * IMMEDIATE).  The connections of one process take turns on a mutex,
 * not in SQLite's busy handler, which sleeps in steps of up to 100 ms.
 * Return 0, or -1 with err set and nothing held. */
int store_write_begin(struct store *st, char *err, size_t errlen);
/* End it: commit when rc is 0, else roll back.  Return rc, or -1 with
 * err set when the commit failed. */
int store_write_end(struct store *st, int rc, char *err, size_t errlen);
/* Wait until the writer thread (store_batch.c), which alone uses the
 * connection while it writes, has nothing in hand; return -1 with err
 * set if what it had could not be written. */
int store_wait_writer(struct store *st, char *err, size_t errlen);

/* Set err to "PATH: what: SQLite's message"; return -1. */
int store_fail(struct store *st, const char *what, char *err, size_t errlen);
/* Run sql (several statements allowed); return 0 or -1 with err set. */
int store_exec(struct store *st, const char *sql, char *err, size_t errlen);
/* Prepare sql; on failure set err and return NULL.  The caller
 * finalizes. */
sqlite3_stmt *store_prepare(struct store *st, const char *sql, char *err,
			    size_t errlen);
/* Run sql with ?1 = a and ?2 = b; return 0 or -1 with err set. */
int store_exec2(struct store *st, const char *sql, int64_t a, int64_t b,
		char *err, size_t errlen);
/* The first column of sql's first row (?1 = param when not NULL) into
 * out.  Return 1, 0 when there is no row, -1 with err set. */
int store_one_text(struct store *st, const char *sql, const char *param,
		   char *out, size_t outlen, char *err, size_t errlen);
/* The same, as an integer (0 for NULL). */
int store_one_int(struct store *st, const char *sql, int64_t *out, char *err,
		  size_t errlen);
/* Read meta first_day into st->first_day and st->first_daynum. */
void store_read_first_day(struct store *st);
/* How many kinds (from the first) the database src ("main" or the
 * shard "s") has. */
int store_kinds(const struct store *st, const char *src);
/* The UPSERT clause that adds a row of t into an existing one. */
const char *store_merge_tail(const struct store_table *t);
/* The table's value columns, "n, first, last" say, and their sums over
 * rows of one key ("sum(n), min(first), max(last)"). */
const char *store_vals(const struct store_table *t);
const char *store_sums(const struct store_table *t);

/* ---- store_sum.c: detail and rollups -------------------------------- */

/* In the three functions below, since (a checked 'YYYY-MM-DD', or NULL
 * or "" for every day) limits the rows to its day and later. */
/* Delete file_id's detail in main.  Return 0 or -1 with err set. */
int store_detail_remove(struct store *st, int64_t file_id, const char *since,
			char *err, size_t errlen);
/* Copy the detail of file `from` in schema `src` ("s": an attached
 * shard) into main's detail as file `to`.  Return 0 or -1. */
int store_detail_add(struct store *st, const char *src, int64_t from,
		     int64_t to, const char *since, char *err, size_t errlen);
/* The condition on a detail row (alias d) of schema P ("main." or
 * "s.") of a part not yet added into the rollups (files.rolled). */
#define STORE_UNROLLED(P)                                                     \
	"d.file_id IN (SELECT id FROM " P "files WHERE detail = 1 AND"        \
	" rolled < lines) AND d.part > (SELECT rolled FROM " P "files"        \
	" WHERE id = d.file_id)"
/* Add into main's rollups the sums of the detail rows of schema src
 * ("main", "s") matching where (alias d).  Return 0 or -1. */
int store_rollup_add(struct store *st, const char *src, const char *where,
		     char *err, size_t errlen);
/* Add main's detail not yet in its rollups into them, and record it
 * (files.rolled), in the caller's transaction.  Return 0 or -1. */
int store_roll(struct store *st, char *err, size_t errlen);
/* Add the detail of file_id in src into main's rollups (sign > 0), or
 * take main's own out of them (sign < 0: rows left with nothing are
 * deleted).  Return 0 or -1 with err set. */
int store_detail_sum(struct store *st, const char *src, int64_t file_id,
		     int sign, const char *since, char *err, size_t errlen);

/* ---- store_schema.c -------------------------------------------------- */

/* Refuse, before anything is written, a database that is another
 * program's (its application_id, or its tables).  Return 0 or -1 with
 * err set. */
int store_schema_check(struct store *st, char *err, size_t errlen);
/* Create or upgrade the schema of a database open for writing, in one
 * transaction, and mark it keyaudit's (application_id); refuse a newer
 * one or another program's.  Return 0 or -1 with err set. */
int store_schema_write(struct store *st, char *err, size_t errlen);
/* Check the schema of a database open for reading: 0 when it is this
 * version's or an older one read as it is (schema 3 or 4), 1 when it is
 * older and must be upgraded first, -1 with err
 * set when it is newer, not a keyaudit database or has no data yet.
 * Of this version's, all that is read until store_close() is one
 * snapshot (a read transaction), through the rollups alone when no
 * detail waits to be rolled up. */
int store_schema_read(struct store *st, char *err, size_t errlen);

/* ---- store_file.c ---------------------------------------------------- */

/* Write fs's ledger row (and its names and marks), widening its days to
 * first_day..last_day when not NULL.  Inside the caller's transaction.
 * Return 0 or -1 with err set. */
int store_file_write(struct store *st, const struct file_state *fs,
		     const char *first_day, const char *last_day, char *err,
		     size_t errlen);

/* ---- store_batch.c --------------------------------------------------- */

/* The batch's tables: create, empty (giving their memory back), free. */
void store_batch_init(struct batch *b);
void store_batch_clear(struct batch *b);
void store_batch_free(struct batch *b);
/* Bytes the batch holds. */
size_t store_batch_bytes(const struct batch *b);

/* ---- store_write.c --------------------------------------------------- */

/* Stop and join the writer thread, after its last batch. */
void store_stop_writer(struct store *st);

/* ---- store_merge.c --------------------------------------------------- */

/* Merge the shard at path (checked: not st's own file, of a schema
 * read) into st, in one write transaction.  Return 0, or -1 with err
 * set ("PATH: why") and st unchanged. */
int store_merge_shard(struct store *st, const char *path, char *err,
		      size_t errlen);

#endif
