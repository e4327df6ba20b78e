/* store.c: the bottom of the store: the database connection (made,
 * locked, closed), statements, the one place write transactions are
 * opened, the text of each table's columns, the run lock, and the
 * query interface the reports use.  The files above it, each calling
 * only those below: store_sum.c (detail and rollups), store_schema.c,
 * store_file.c (file identity), store_batch.c (the batch writer),
 * store_retain.c (fold, prune, forget), store_merge.c, and store_open.c
 * (store_open() and store_close(), which put them together). */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "day.h"
#include "store_int.h"

const struct store_table store_tables[KIND_N] = {
    {"counts", "day,client,class,amnesty,status", 5, 1, 0},
    {"agents", "day,client,class,agent", 4, 0, 0},
    {"creds", "day,client,class,fp,amnesty,status", 6, 1, 0},
    {"cred_agents", "day,client,fp,agent", 4, 0, 0},
    {"routes", "day,client,fp,route", 4, 0, 0},
    {"hours", "day,client,class,amnesty,status", 5, 0, 1},
    {"origins", "day,client,class,fp,origin", 5, 0, 0},
};

static const char hours_tail[] =
    " ON CONFLICT DO UPDATE SET n = n + excluded.n"
    ", h00 = h00 + excluded.h00, h01 = h01 + excluded.h01"
    ", h02 = h02 + excluded.h02, h03 = h03 + excluded.h03"
    ", h04 = h04 + excluded.h04, h05 = h05 + excluded.h05"
    ", h06 = h06 + excluded.h06, h07 = h07 + excluded.h07"
    ", h08 = h08 + excluded.h08, h09 = h09 + excluded.h09"
    ", h10 = h10 + excluded.h10, h11 = h11 + excluded.h11"
    ", h12 = h12 + excluded.h12, h13 = h13 + excluded.h13"
    ", h14 = h14 + excluded.h14, h15 = h15 + excluded.h15"
    ", h16 = h16 + excluded.h16, h17 = h17 + excluded.h17"
    ", h18 = h18 + excluded.h18, h19 = h19 + excluded.h19"
    ", h20 = h20 + excluded.h20, h21 = h21 + excluded.h21"
    ", h22 = h22 + excluded.h22, h23 = h23 + excluded.h23";

int store_kinds(const struct store *st, const char *src)
{
	return st->shard_old && strcmp(src, "s") == 0 ? KIND_ORIGINS : KIND_N;
}

/* " ON CONFLICT DO UPDATE SET n = n + excluded.n, ..." */
const char *store_merge_tail(const struct store_table *t)
{
	if (t->hours)
		return hours_tail;
	return t->range ? " ON CONFLICT DO UPDATE SET n = n + excluded.n,"
			  " first = min(first, excluded.first),"
			  " last = max(last, excluded.last)"
			: " ON CONFLICT DO UPDATE SET n = n + excluded.n";
}

const char *store_vals(const struct store_table *t)
{
	static const char hours[] = "n"
				    ", h00, h01, h02, h03, h04, h05, h06, h07"
				    ", h08, h09, h10, h11, h12, h13, h14, h15"
				    ", h16, h17, h18, h19, h20, h21, h22, h23";

	return t->hours ? hours : t->range ? "n, first, last" : "n";
}

const char *store_sums(const struct store_table *t)
{
	static const char hours[] =
	    "sum(n)"
	    ", sum(h00), sum(h01), sum(h02), sum(h03), sum(h04), sum(h05)"
	    ", sum(h06), sum(h07), sum(h08), sum(h09), sum(h10), sum(h11)"
	    ", sum(h12), sum(h13), sum(h14), sum(h15), sum(h16), sum(h17)"
	    ", sum(h18), sum(h19), sum(h20), sum(h21), sum(h22), sum(h23)";

	return t->hours	  ? hours
	       : t->range ? "sum(n), min(first), max(last)"
			  : "sum(n)";
}

/* Batch writes of the connections of one process take turns here, not
 * in SQLite's busy handler, which sleeps in steps of up to 100 ms. */
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;

int store_write_begin(struct store *st, char *err, size_t errlen)
{
	pthread_mutex_lock(&write_mu);
	if (store_exec(st, "BEGIN IMMEDIATE", err, errlen) == 0)
		return 0;
	pthread_mutex_unlock(&write_mu);
	return -1;
}

int store_write_end(struct store *st, int rc, char *err, size_t errlen)
{
	if (rc == 0)
		rc = store_exec(st, "COMMIT", err, errlen);
	if (rc != 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	pthread_mutex_unlock(&write_mu);
	return rc;
}

int store_wait_writer(struct store *st, char *err, size_t errlen)
{
	int failed;

	if (!st->writer_started)
		return 0;
	pthread_mutex_lock(&st->mu);
	while (st->queued)
		pthread_cond_wait(&st->cv, &st->mu);
	failed = st->failed;
	st->failed = 0;
	pthread_mutex_unlock(&st->mu);
	if (failed)
		snprintf(err, errlen, "%s", st->wmsg);
	return failed ? -1 : 0;
}

int store_fail(struct store *st, const char *what, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", st->path, what,
		 sqlite3_errmsg(st->db));
	return -1;
}

int store_exec(struct store *st, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_fail(st, "database error", err, errlen);
	return 0;
}

/* Is sql a query (not DDL), whose plan KEYAUDIT_EXPLAIN wants? */
static int is_query(const char *sql)
{
	while (*sql == ' ' || *sql == '\n')
		sql++;
	return strncasecmp(sql, "SELECT", 6) == 0 ||
	       strncasecmp(sql, "WITH", 4) == 0 ||
	       strncasecmp(sql, "INSERT", 6) == 0;
}

/* KEYAUDIT_EXPLAIN=FILE: append to FILE, for a reading command's query
 * sql, "SQL <its text>" and one "PLAN id parent detail" line for each
 * line of its query plan.  The text holds no value: values are bound. */
static void explain(struct store *st, const char *sql)
{
	const char *path = getenv("KEYAUDIT_EXPLAIN");
	sqlite3_stmt *s = NULL;
	char *q;
	FILE *f;
	int fd;

	if (!path || !*path || !st->readonly || !is_query(sql))
		return;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	q = xmalloc(strlen(sql) + 32);
	sprintf(q, "EXPLAIN QUERY PLAN %s", sql);
	fputs("SQL ", f);
	for (const char *c = sql; *c; c++)
		fputc(*c == '\n' ? ' ' : *c, f);
	fputc('\n', f);
	if (sqlite3_prepare_v2(st->db, q, -1, &s, NULL) == SQLITE_OK)
		while (sqlite3_step(s) == SQLITE_ROW)
			fprintf(f, "PLAN %d %d %s\n", sqlite3_column_int(s, 0),
				sqlite3_column_int(s, 1),
				(const char *)sqlite3_column_text(s, 3));
	sqlite3_finalize(s);
	free(q);
	fclose(f);
}

sqlite3_stmt *store_prepare(struct store *st, const char *sql, char *err,
			    size_t errlen)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		store_fail(st, "database error", err, errlen);
		return NULL;
	}
	explain(st, sql);
	return s;
}

int store_exec2(struct store *st, const char *sql, int64_t a, int64_t b,
		char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, sql, err, errlen);
	int rc;

	if (!s)
		return -1;
	if (sqlite3_bind_parameter_count(s) >= 1)
		sqlite3_bind_int64(s, 1, a);
	if (sqlite3_bind_parameter_count(s) >= 2)
		sqlite3_bind_int64(s, 2, b);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE || rc == SQLITE_ROW
		   ? 0
		   : store_fail(st, "database error", err, errlen);
}

int store_one_text(struct store *st, const char *sql, const char *param,
		   char *out, size_t outlen, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, sql, err, errlen);
	int rc;

	if (!s)
		return -1;
	if (param)
		sqlite3_bind_text(s, 1, param, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		const unsigned char *v = sqlite3_column_text(s, 0);

		snprintf(out, outlen, "%s", v ? (const char *)v : "");
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_fail(st, "database error", err, errlen);
	}
	sqlite3_finalize(s);
	return rc;
}

int store_one_int(struct store *st, const char *sql, int64_t *out, char *err,
		  size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, sql, err, errlen);
	int rc;

	if (!s)
		return -1;
	*out = 0;
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		*out = sqlite3_column_int64(s, 0);
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = store_fail(st, "database error", err, errlen);
	}
	sqlite3_finalize(s);
	return rc;
}

static int create_private(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

	if (fd < 0 && errno == ELOOP)
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create database: %s", path,
			 strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Open path with flags, as a URI so that immutable can be asked. */
void store_init(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

static int open_db(struct store *st, const char *path, int flags,
		   int immutable)
{
	char *uri = sqlite3_mprintf("file:%s%s", path,
				    immutable ? "?immutable=1" : "");
	int rc;

	sqlite3_close(st->db);
	st->db = NULL;
	/* one connection per thread: SQLite's own mutexes are not needed */
	rc = sqlite3_open_v2(
	    uri, &st->db, flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI, NULL);
	sqlite3_free(uri);
	if (rc == SQLITE_OK)
		sqlite3_busy_timeout(st->db, 5000);
	return rc;
}

/* A name SQLite's URI parser would read as something else. */
static int plain_name(const char *path)
{
	return !strpbrk(path, "?#%");
}

int store_connect_write(struct store *st, char *err, size_t errlen)
{
	int rc;

	if (create_private(st->path, err, errlen) < 0)
		return -1;
	rc = plain_name(st->path)
		 ? open_db(st, st->path, SQLITE_OPEN_READWRITE, 0)
		 : sqlite3_open_v2(st->path, &st->db,
				   SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
				   NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, "cannot open database", err, errlen);
	sqlite3_busy_timeout(st->db, 5000);
	return 0;
}

int store_connect_wal(struct store *st, char *err, size_t errlen)
{
	/* before WAL, which fixes a new database's header: space freed by
	 * a prune or fold may go back to the file system (a no-op on a
	 * database that has tables) */
	return store_exec(
	    st,
	    "PRAGMA auto_vacuum = INCREMENTAL;"
	    " PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
	    err, errlen);
}

/* Does the database at path have a write-ahead log with frames in it,
 * which SQLite's immutable mode would not read?  Then say why it cannot
 * be read here, and return 1. */
static int wal_held(struct store *st, const char *path, char *err,
		    size_t errlen)
{
	char wal[4096];
	struct stat sb;

	snprintf(wal, sizeof(wal), "%s-wal", path);
	if (stat(wal, &sb) != 0 || sb.st_size == 0)
		return 0;
	snprintf(err, errlen,
		 "%s: cannot be read here: %s, and its write-ahead log %s "
		 "holds committed data that only that file lets a reader "
		 "see; read it where %s-shm can be made (a user who may "
		 "write the directory), or copy the database and its -wal "
		 "together to such a place",
		 path, sqlite3_errmsg(st->db), wal, path);
	return 1;
}

int store_connect_read(struct store *st, char *err, size_t errlen)
{
	const char *path = st->path;
	int rc;

	if (access(path, F_OK) != 0) {
		snprintf(err, errlen,
			 "%s: no such database (run 'keyaudit ingest' first)",
			 path);
		return -1;
	}
	rc = plain_name(path)
		 ? open_db(st, path, SQLITE_OPEN_READONLY, 0)
		 : sqlite3_open_v2(path, &st->db,
				   SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
				   NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_exec(st->db, "SELECT count(*) FROM sqlite_master",
				  NULL, NULL, NULL);
	/* a WAL database needs its -shm file: where it cannot be made (a
	 * read-only mount, another user's directory), read it as it is,
	 * unless its WAL holds what the file alone does not */
	if (rc != SQLITE_OK && plain_name(path) &&
	    wal_held(st, path, err, errlen))
		return -1;
	if (rc != SQLITE_OK && plain_name(path) &&
	    open_db(st, path, SQLITE_OPEN_READONLY, 1) == SQLITE_OK)
		rc = sqlite3_exec(st->db, "SELECT count(*) FROM sqlite_master",
				  NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return store_fail(st, "cannot open database", err, errlen);
	return 0;
}

void store_disconnect(struct store *st)
{
	sqlite3_close(st->db);
	if (st->lockfd >= 0)
		close(st->lockfd);
	for (int i = 0; i < st->nclasses; i++)
		free(st->classes[i]);
	free(st->path);
	free(st);
}

void store_read_first_day(struct store *st)
{
	char e[8];

	st->first_day[0] = '\0';
	store_one_text(st, "SELECT value FROM meta WHERE key = 'first_day'",
		       NULL, st->first_day, sizeof(st->first_day), e,
		       sizeof(e));
	if (!st->first_day[0] || day_parse(st->first_day, &st->first_daynum))
		st->first_daynum = INT64_MIN;
}

void store_busy_wait(struct store *st, int seconds)
{
	sqlite3_busy_timeout(st->db, seconds * 1000);
}

int store_lock(struct store *st, int wait_seconds, char *err, size_t errlen)
{
	struct timespec pause = {0, 100 * 1000 * 1000};
	long tries = (long)wait_seconds * 10;

	/* the database file itself: every name of it, through a symbolic
	 * link, a hard link or a bind mount, is the one open file */
	st->lockfd = open(st->path, O_RDONLY | O_CLOEXEC);
	if (st->lockfd < 0) {
		snprintf(err, errlen, "%s: %s", st->path, strerror(errno));
		return -1;
	}
	while (flock(st->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errlen, "%s: cannot lock: %s", st->path,
				 strerror(errno));
			return -1;
		}
		if (tries-- <= 0) {
			snprintf(err, errlen,
				 "%s: another keyaudit run is using this "
				 "database",
				 st->path);
			return 1;
		}
		nanosleep(&pause, NULL);
	}
	return 0;
}

int store_same_file(const struct store *st, const char *path)
{
	struct stat a;
	struct stat b;

	return stat(st->path, &a) == 0 && stat(path, &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int store_check_key(struct store *st, const char *key_id, char *err,
		    size_t errlen)
{
	char have[64];
	int rc =
	    store_one_text(st, "SELECT value FROM meta WHERE key='key_id'",
			   NULL, have, sizeof(have), err, errlen);
	sqlite3_stmt *s;

	if (rc < 0)
		return -1;
	if (rc == 1 && strcmp(have, key_id) != 0) {
		snprintf(err, errlen,
			 "%s: this database was made with another fingerprint "
			 "key (key id %s, this key %s); use the same key "
			 "(--key-file or KEYAUDIT_KEY)",
			 st->path, have, key_id);
		return -1;
	}
	if (rc == 1)
		return 0;
	if (st->readonly) {
		snprintf(err, errlen,
			 "%s: holds no fingerprint key id yet (no ingest has "
			 "finished)",
			 st->path);
		return -1;
	}
	s = store_prepare(st, "INSERT INTO meta VALUES('key_id', ?1)", err,
			  errlen);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "database error", err, errlen);
}

void store_set_classes(struct store *st, const char *const *names,
		       const int *legacy, int n)
{
	for (int i = 0; i < st->nclasses; i++)
		free(st->classes[i]);
	st->nclasses = n < 32 ? n : 32;
	for (int i = 0; i < st->nclasses; i++) {
		st->classes[i] = xstrdup(names[i]);
		st->legacy[i] = legacy[i];
	}
}

const char *store_first_day(const struct store *st)
{
	return st->first_day;
}

int store_day_kept(const struct store *st, int64_t t)
{
	return day_of_epoch(t) >= st->first_daynum;
}

int store_each(struct store *st, const char *sql, const char *const *params,
	       int nparams,
	       int (*row)(void *ctx, int ncols, const char *const *cols,
			  const char *const *names),
	       void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, sql, err, errlen);
	const char *cols[64];
	const char *names[64];
	int n;
	int rc;

	if (!s)
		return -1;
	for (int i = 0; i < nparams; i++)
		sqlite3_bind_text(s, i + 1, params[i], -1, SQLITE_STATIC);
	n = sqlite3_column_count(s);
	if (n > 64)
		n = 64;
	for (int i = 0; i < n; i++)
		names[i] = sqlite3_column_name(s, i);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			cols[i] = (const char *)sqlite3_column_text(s, i);
		if (row(ctx, n, cols, names))
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		store_fail(st, "query failed", err, errlen);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

struct store_rows {
	struct store *st;
	sqlite3_stmt *s;
	int ncols;
	char *err;
	size_t errlen;
};

static void rows_bind(struct store_rows *r, const char *const *params,
		      int nparams)
{
	for (int i = 0; i < nparams; i++)
		sqlite3_bind_text(r->s, i + 1, params[i], -1, SQLITE_STATIC);
}

struct store_rows *store_rows_open(struct store *st, const char *sql,
				   const char *const *params, int nparams,
				   char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, sql, err, errlen);
	struct store_rows *r;

	if (!s)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->st = st;
	r->s = s;
	r->ncols = sqlite3_column_count(s);
	r->err = err;
	r->errlen = errlen;
	rows_bind(r, params, nparams);
	return r;
}

int store_rows_next(struct store_rows *r)
{
	int rc = sqlite3_step(r->s);

	if (rc == SQLITE_ROW)
		return 1;
	if (rc == SQLITE_DONE)
		return 0;
	return store_fail(r->st, "query failed", r->err, r->errlen);
}

const char *store_rows_col(struct store_rows *r, int i)
{
	if (i < 0 || i >= r->ncols)
		return NULL;
	return (const char *)sqlite3_column_text(r->s, i);
}

void store_rows_again(struct store_rows *r, const char *const *params,
		      int nparams)
{
	sqlite3_reset(r->s);
	rows_bind(r, params, nparams);
}

void store_rows_close(struct store_rows *r)
{
	if (!r)
		return;
	sqlite3_finalize(r->s);
	free(r);
}

int store_temp_set(struct store *st, const char *name,
		   const char *const *values, size_t n, char *err,
		   size_t errlen)
{
	char sql[160];
	sqlite3_stmt *s;
	int rc = SQLITE_DONE;

	snprintf(sql, sizeof(sql),
		 "CREATE TEMP TABLE IF NOT EXISTS %s(v TEXT PRIMARY KEY)"
		 " WITHOUT ROWID; DELETE FROM temp.%s; SAVEPOINT temp_set",
		 name, name);
	if (store_exec(st, sql, err, errlen) < 0)
		return -1;
	snprintf(sql, sizeof(sql), "INSERT OR IGNORE INTO temp.%s VALUES(?1)",
		 name);
	s = store_prepare(st, sql, err, errlen);
	for (size_t i = 0; s && i < n && rc == SQLITE_DONE; i++) {
		sqlite3_bind_text(s, 1, values[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(s);
		sqlite3_reset(s);
	}
	if (!s || rc != SQLITE_DONE) {
		/* the savepoint is left in every case */
		if (s)
			store_fail(st, "cannot fill a temporary table", err,
				   errlen);
		sqlite3_finalize(s);
		sqlite3_exec(st->db, "ROLLBACK TO temp_set; RELEASE temp_set",
			     NULL, NULL, NULL);
		return -1;
	}
	sqlite3_finalize(s);
	return store_exec(st, "RELEASE temp_set", err, errlen);
}
