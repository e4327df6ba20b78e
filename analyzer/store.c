/* store.c: SQLite aggregation.  Requests are counted in memory per
 * (file, client, day, class, amnesty, status) and written per batch with
 * UPSERTs, in the same transaction as the read position of the file. */
#include "store.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "tally.h"

#define CLIENT_MAX 256 /* longer client ids are cut */
#define AGENT_MAX 512  /* longer user agents are cut */
#define BATCH_BYTES (4u * 1024 * 1024) /* memory before a flush */
#define SHORT_HEAD 256 /* bytes behind short_fp */

/* The counts tables' keys run file, day, client: logs come in time
 * order, so a batch's rows fall on the pages of a day or two. */
#define SCHEMA                                                              \
	"CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY,"             \
	" value TEXT NOT NULL);"                                            \
	"CREATE TABLE IF NOT EXISTS classes(name TEXT PRIMARY KEY,"         \
	" legacy INTEGER NOT NULL, ord INTEGER NOT NULL);"                  \
	"CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY,"          \
	" head_fp TEXT NOT NULL UNIQUE, head_len INTEGER NOT NULL,"         \
	" short_fp TEXT NOT NULL, bytes INTEGER NOT NULL,"                  \
	" lines INTEGER NOT NULL, bad INTEGER NOT NULL,"                    \
	" pending INTEGER NOT NULL, gzip INTEGER NOT NULL,"                 \
	" state TEXT NOT NULL, first_ingested TEXT NOT NULL,"               \
	" last_ingested TEXT NOT NULL);"                                    \
	"CREATE TABLE IF NOT EXISTS file_names(file_id INTEGER NOT NULL,"   \
	" name TEXT NOT NULL, PRIMARY KEY(file_id, name));"                 \
	"CREATE TABLE IF NOT EXISTS counts(file_id INTEGER NOT NULL,"       \
	" client TEXT NOT NULL, day TEXT NOT NULL, class TEXT NOT NULL,"    \
	" amnesty INTEGER NOT NULL, status INTEGER NOT NULL,"               \
	" n INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL," \
	" PRIMARY KEY(file_id, day, client, class, amnesty, status))"       \
	" WITHOUT ROWID;"                                                   \
	"CREATE TABLE IF NOT EXISTS agents(file_id INTEGER NOT NULL,"       \
	" client TEXT NOT NULL, day TEXT NOT NULL, class TEXT NOT NULL,"    \
	" agent TEXT NOT NULL, n INTEGER NOT NULL,"                         \
	" PRIMARY KEY(file_id, day, client, class, agent)) WITHOUT ROWID;"  \
	"CREATE TABLE IF NOT EXISTS creds(file_id INTEGER NOT NULL,"        \
	" client TEXT NOT NULL, day TEXT NOT NULL, class TEXT NOT NULL,"    \
	" fp TEXT NOT NULL, n INTEGER NOT NULL,"                            \
	" PRIMARY KEY(file_id, day, client, class, fp)) WITHOUT ROWID;"     \
	"CREATE INDEX IF NOT EXISTS counts_day ON counts(day);"             \
	"INSERT OR IGNORE INTO meta VALUES('schema', '1');"

/* Counts in memory, and the read position to commit with them. */
struct batch {
	struct tally *counts;
	struct tally *agents;
	struct tally *creds;
	struct file_state fs;
	int has_fs;
};

struct store {
	sqlite3 *db;
	char *path;
	int lockfd;
	char *classes[32];
	int legacy[32];
	int nclasses;
	/* store_count() fills batch[cur]; the other one may be with the
	 * writer thread, which alone uses db while it writes */
	struct batch batch[2];
	int cur;
	pthread_t writer;
	int writer_started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int queued;  /* batch[!cur] is handed to the writer, not done */
	int stop;    /* the writer should exit */
	int failed;  /* the last handed batch could not be written */
	char wmsg[512];
};

static int wait_writer(struct store *st, char *err, size_t errlen);

/* New file ids, shared by the connections of one process (--jobs). */
static pthread_mutex_t id_mu = PTHREAD_MUTEX_INITIALIZER;
/* Batch writes of the connections of one process take turns here, not
 * in SQLite's busy handler, which sleeps in steps of up to 100 ms. */
static pthread_mutex_t write_mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t next_id;

static int db_fail(struct store *st, const char *what, char *err,
		   size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", st->path, what,
		 sqlite3_errmsg(st->db));
	return -1;
}

static int exec(struct store *st, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(st->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(st, "database error", err, errlen);
	return 0;
}

static int create_private(const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create database: %s", path,
			 strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

struct store *store_open(const char *path, enum store_mode mode, char *err,
			 size_t errlen)
{
	struct store *st = xcalloc(1, sizeof(*st));
	int flags = mode == STORE_WRITE ? SQLITE_OPEN_READWRITE
					: SQLITE_OPEN_READONLY;

	st->path = xstrdup(path);
	st->lockfd = -1;
	if (mode == STORE_READ && access(path, F_OK) != 0) {
		snprintf(err, errlen,
			 "%s: no such database (run 'keyaudit ingest' first)",
			 path);
		goto fail;
	}
	if (mode == STORE_WRITE && create_private(path, err, errlen) < 0)
		goto fail;
	/* one connection per thread: SQLite's own mutexes are not needed */
	if (sqlite3_open_v2(path, &st->db, flags | SQLITE_OPEN_NOMUTEX,
			    NULL) != SQLITE_OK) {
		db_fail(st, "cannot open database", err, errlen);
		goto fail;
	}
	sqlite3_busy_timeout(st->db, 5000);
	if (mode == STORE_WRITE &&
	    (exec(st, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
		  err, errlen) < 0 ||
	     exec(st, SCHEMA, err, errlen) < 0))
		goto fail;
	if (mode == STORE_READ &&
	    exec(st, "SELECT count(*) FROM counts", err, errlen) < 0)
		goto fail;
	for (int i = 0; i < 2; i++) {
		st->batch[i].counts = tally_new();
		st->batch[i].agents = tally_new();
		st->batch[i].creds = tally_new();
	}
	pthread_mutex_init(&st->mu, NULL);
	pthread_cond_init(&st->cv, NULL);
	return st;
fail:
	store_close(st);
	return NULL;
}

void store_close(struct store *st)
{
	if (!st)
		return;
	if (st->writer_started) {
		pthread_mutex_lock(&st->mu);
		while (st->queued)
			pthread_cond_wait(&st->cv, &st->mu);
		st->stop = 1;
		pthread_cond_broadcast(&st->cv);
		pthread_mutex_unlock(&st->mu);
		pthread_join(st->writer, NULL);
	}
	if (st->batch[0].counts) {
		pthread_mutex_destroy(&st->mu);
		pthread_cond_destroy(&st->cv);
	}
	sqlite3_close(st->db);
	if (st->lockfd >= 0)
		close(st->lockfd);
	for (int i = 0; i < st->nclasses; i++)
		free(st->classes[i]);
	for (int i = 0; i < 2; i++) {
		tally_free(st->batch[i].counts);
		tally_free(st->batch[i].agents);
		tally_free(st->batch[i].creds);
	}
	free(st->path);
	free(st);
}

void store_busy_wait(struct store *st, int seconds)
{
	sqlite3_busy_timeout(st->db, seconds * 1000);
}

int store_lock(struct store *st, int wait_seconds, char *err, size_t errlen)
{
	char path[4096];
	struct timespec pause = {0, 100 * 1000 * 1000};
	long tries = (long)wait_seconds * 10;

	snprintf(path, sizeof(path), "%s.lock", st->path);
	st->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (st->lockfd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (flock(st->lockfd, LOCK_EX | LOCK_NB) < 0) {
		if (errno != EWOULDBLOCK && errno != EINTR) {
			snprintf(err, errlen, "%s: %s", path, strerror(errno));
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

/* Prepare sql; on failure set err.  The caller finalizes. */
static sqlite3_stmt *prepare(struct store *st, const char *sql, char *err,
			     size_t errlen)
{
	sqlite3_stmt *s = NULL;

	if (sqlite3_prepare_v2(st->db, sql, -1, &s, NULL) != SQLITE_OK) {
		db_fail(st, "database error", err, errlen);
		return NULL;
	}
	return s;
}

static int one_text(struct store *st, const char *sql, const char *param,
		    char *out, size_t outlen, char *err, size_t errlen)
{
	sqlite3_stmt *s = prepare(st, sql, err, errlen);
	int rc;

	if (!s)
		return -1;
	if (param)
		sqlite3_bind_text(s, 1, param, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(out, outlen, "%s",
			 (const char *)sqlite3_column_text(s, 0));
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		db_fail(st, "database error", err, errlen);
		rc = -1;
	}
	sqlite3_finalize(s);
	return rc;
}

int store_check_key(struct store *st, const char *key_id, char *err,
		    size_t errlen)
{
	char have[64];
	int rc = one_text(st, "SELECT value FROM meta WHERE key='key_id'",
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
	s = prepare(st, "INSERT INTO meta VALUES('key_id', ?1)", err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, key_id, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_fail(st, "database error", err,
					       errlen);
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

/* Fill fs from the files row that sql (binding ?1 = fingerprint) finds.
 * Return 1 found, 0 not, -1 error. */
static int load_file(struct store *st, const char *sql, const char *fp,
		     int64_t len, struct file_state *fs, char *err,
		     size_t errlen)
{
	sqlite3_stmt *s = prepare(st, sql, err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, len);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		fs->id = sqlite3_column_int64(s, 0);
		fs->bytes = (uint64_t)sqlite3_column_int64(s, 1);
		fs->lines = (uint64_t)sqlite3_column_int64(s, 2);
		fs->bad = (uint64_t)sqlite3_column_int64(s, 3);
		fs->known = 1;
		rc = 1;
	} else if (rc == SQLITE_DONE) {
		rc = 0;
	} else {
		rc = db_fail(st, "database error", err, errlen);
	}
	sqlite3_finalize(s);
	return rc;
}

#define FILE_COLS "SELECT id, bytes, lines, bad FROM files "

/* A known file that was shorter than INPUT_HEAD_MAX when last read and
 * that this one starts with: the same file, grown. */
static int find_grown(struct store *st, const struct fpkey *key,
		      const char *head, size_t len, struct file_state *fs,
		      char *err, size_t errlen)
{
	sqlite3_stmt *s = prepare(st,
				  "SELECT DISTINCT head_len FROM files WHERE "
				  "head_len < ?1 ORDER BY head_len DESC",
				  err, errlen);
	int rc = 0;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)len);
	while (rc == 0 && sqlite3_step(s) == SQLITE_ROW) {
		int64_t n = sqlite3_column_int64(s, 0);
		char fp[FP_HEXLEN + 1];

		fp_hex(key, head, (size_t)n, fp);
		rc = load_file(st, FILE_COLS "WHERE head_fp=?1 AND head_len=?2",
			       fp, n, fs, err, errlen);
	}
	sqlite3_finalize(s);
	return rc;
}

int store_file_find(struct store *st, const struct fpkey *key,
		    const char *head, size_t len, struct file_state *fs,
		    char *err, size_t errlen)
{
	int rc;

	memset(fs, 0, sizeof(*fs));
	if (wait_writer(st, err, errlen) < 0)
		return -1;
	fp_hex(key, head, len, fs->head_fp);
	fp_hex(key, head, len < SHORT_HEAD ? len : SHORT_HEAD, fs->short_fp);
	fs->head_len = len;
	rc = load_file(st, FILE_COLS "WHERE head_fp=?1 AND head_len=?2",
		       fs->head_fp, (int64_t)len, fs, err, errlen);
	if (rc == 0)
		rc = find_grown(st, key, head, len, fs, err, errlen);
	/* This file is shorter than one read before and starts like it: a
	 * copy still being written, or a gzip still being compressed. */
	if (rc == 0 && len >= SHORT_HEAD)
		rc = load_file(st, FILE_COLS "WHERE short_fp=?1 AND "
					     "head_len > ?2",
			       fs->short_fp, (int64_t)len, fs, err, errlen);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		char next[32];

		if (one_text(st, "SELECT coalesce(max(id), 0) + 1 FROM files",
			     NULL, next, sizeof(next), err, errlen) < 0)
			return -1;
		pthread_mutex_lock(&id_mu);
		fs->id = strtoll(next, NULL, 10);
		if (fs->id < next_id)
			fs->id = next_id;
		next_id = fs->id + 1;
		pthread_mutex_unlock(&id_mu);
	}
	return 0;
}

static size_t put(char *dst, const void *src, size_t n)
{
	memcpy(dst, src, n);
	return n;
}

void store_count(struct store *st, const struct file_state *fs,
		 const struct hit *h)
{
	char key[8 + 4 + 4 + 2 + CLIENT_MAX + AGENT_MAX];
	struct batch *b = &st->batch[st->cur];
	int32_t day = (int32_t)(h->time >= 0 ? h->time / 86400
					     : (h->time - 86399) / 86400);
	uint8_t cls = (uint8_t)h->cls;
	uint8_t amn = (uint8_t)(h->amnesty != 0);
	uint16_t status = (uint16_t)h->status;
	uint16_t clen = (uint16_t)(h->client_len < CLIENT_MAX ? h->client_len
							      : CLIENT_MAX);
	size_t alen = h->agent_len < AGENT_MAX ? h->agent_len : AGENT_MAX;
	uint64_t hc = clen == h->client_len ? h->client_hash
					    : buf_hash(h->client, clen);
	size_t n = 0;
	size_t prefix;

	/* every key's hash is a function of its bytes: the long parts
	 * come hashed, the rest is mixed in */
	hc = buf_mix(hc ^ ((uint64_t)fs->id << 40) ^
		     ((uint64_t)(uint32_t)day << 8) ^ cls);
	n += put(key + n, &fs->id, 8);
	n += put(key + n, &day, 4);
	n += put(key + n, &cls, 1);
	n += put(key + n, &clen, 2);
	n += put(key + n, h->client, clen);
	prefix = n;
	n += put(key + n, &amn, 1);
	n += put(key + n, &status, 2);
	tally_add_hashed(b->counts, key, n,
			 buf_mix(hc ^ ((uint64_t)amn << 16 | status)), 1,
			 h->time);
	/* the reports read agents and credentials of legacy requests only */
	if (!h->legacy)
		return;
	n = prefix + put(key + prefix, h->agent, alen);
	tally_add_hashed(b->agents, key, n,
			 buf_mix(hc ^ (alen == h->agent_len
					       ? h->agent_hash
					       : buf_hash(h->agent, alen))),
			 1, h->time);
	if (h->cred_fp) {
		uint64_t f[2];

		_Static_assert(FP_HEXLEN == sizeof(f), "two words of hex");
		n = prefix + put(key + prefix, h->cred_fp, FP_HEXLEN);
		memcpy(f, h->cred_fp, sizeof(f));
		tally_add_hashed(b->creds, key, n,
				 buf_mix(hc ^ buf_mix(f[0] ^ buf_mix(f[1]))), 1,
				 h->time);
	}
}

int store_batch_full(const struct store *st)
{
	const struct batch *b = &st->batch[st->cur];

	return tally_bytes(b->counts) + tally_bytes(b->agents) +
		       tally_bytes(b->creds) >
	       BATCH_BYTES;
}

/* The key prefix every tally shares, decoded. */
struct keyhead {
	int64_t file;
	int32_t day;
	uint8_t cls;
	uint16_t clen;
	const char *client;
	const char *rest;
	size_t restlen;
};

static void unpack(const struct tally_entry *e, struct keyhead *k)
{
	const char *p = e->key;

	memcpy(&k->file, p, 8);
	memcpy(&k->day, p + 8, 4);
	memcpy(&k->cls, p + 12, 1);
	memcpy(&k->clen, p + 13, 2);
	k->client = p + 15;
	k->rest = k->client + k->clen;
	k->restlen = e->keylen - 15 - k->clen;
}

/* "YYYY-MM-DD" of a day number (days since 1970-01-01). */
static void day_text(int64_t z, char out[32])
{
	int64_t era;
	int64_t doe;
	int64_t yoe;
	int64_t doy;
	int64_t mp;
	int64_t d;
	int64_t m;
	int64_t y;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y += m <= 2;
	snprintf(out, 32, "%04d-%02d-%02d", (int)y, (int)m, (int)d);
}

struct writer {
	struct store *st;
	sqlite3_stmt *s;
	int kind; /* 0 counts, 1 agents, 2 creds */
};

static int write_entry(void *ctx, const struct tally_entry *e)
{
	struct writer *w = ctx;
	struct keyhead k;
	char day[32];
	const char *cls;
	int rc;

	unpack(e, &k);
	day_text(k.day, day);
	cls = k.cls < w->st->nclasses ? w->st->classes[k.cls] : "unknown";
	sqlite3_reset(w->s);
	sqlite3_bind_int64(w->s, 1, k.file);
	sqlite3_bind_text(w->s, 2, k.client, k.clen, SQLITE_STATIC);
	sqlite3_bind_text(w->s, 3, day, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(w->s, 4, cls, -1, SQLITE_STATIC);
	if (w->kind == 0) {
		uint8_t amn;
		uint16_t status;

		memcpy(&amn, k.rest, 1);
		memcpy(&status, k.rest + 1, 2);
		sqlite3_bind_int(w->s, 5, amn);
		sqlite3_bind_int(w->s, 6, status);
		sqlite3_bind_int64(w->s, 7, (int64_t)e->n);
		sqlite3_bind_int64(w->s, 8, e->first);
		sqlite3_bind_int64(w->s, 9, e->last);
	} else {
		sqlite3_bind_text(w->s, 5, k.rest, (int)k.restlen,
				  SQLITE_STATIC);
		sqlite3_bind_int64(w->s, 6, (int64_t)e->n);
	}
	rc = sqlite3_step(w->s);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* Primary-key order: file, day (as its text sorts), client, then the rest
 * (class by index: within one client and day it hardly matters). */
static int key_order(const void *a, const void *b)
{
	const struct tally_entry *x = *(const struct tally_entry *const *)a;
	const struct tally_entry *y = *(const struct tally_entry *const *)b;
	struct keyhead kx;
	struct keyhead ky;
	int c;

	unpack(x, &kx);
	unpack(y, &ky);
	if (kx.file != ky.file)
		return kx.file < ky.file ? -1 : 1;
	if (kx.day != ky.day)
		return kx.day < ky.day ? -1 : 1;
	c = memcmp(kx.client, ky.client, kx.clen < ky.clen ? kx.clen : ky.clen);
	if (c || kx.clen != ky.clen)
		return c ? c : kx.clen < ky.clen ? -1 : 1;
	if (kx.cls != ky.cls)
		return kx.cls < ky.cls ? -1 : 1;
	c = memcmp(kx.rest, ky.rest,
		   kx.restlen < ky.restlen ? kx.restlen : ky.restlen);
	if (c || kx.restlen == ky.restlen)
		return c;
	return kx.restlen < ky.restlen ? -1 : 1;
}

static const char *const upsert[3] = {
	"INSERT INTO counts VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9)"
	" ON CONFLICT DO UPDATE SET n = n + excluded.n,"
	" first = min(first, excluded.first), last = max(last, excluded.last)",
	"INSERT INTO agents VALUES(?1,?2,?3,?4,?5,?6)"
	" ON CONFLICT DO UPDATE SET n = n + excluded.n",
	"INSERT INTO creds VALUES(?1,?2,?3,?4,?5,?6)"
	" ON CONFLICT DO UPDATE SET n = n + excluded.n",
};

static int write_tallies(struct store *st, const struct batch *b,
			 char *err, size_t errlen)
{
	struct tally *t[3] = {b->counts, b->agents, b->creds};

	for (int i = 0; i < 3; i++) {
		struct writer w = {st, NULL, i};
		int rc;

		w.s = prepare(st, upsert[i], err, errlen);
		if (!w.s)
			return -1;
		rc = tally_each_sorted(t[i], key_order, write_entry, &w);
		if (rc)
			db_fail(st, "cannot write counts", err, errlen);
		sqlite3_finalize(w.s);
		if (rc)
			return -1;
	}
	return 0;
}

static int write_classes(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *s = prepare(st,
				  "INSERT INTO classes VALUES(?1, ?2, ?3) ON "
				  "CONFLICT DO UPDATE SET legacy = "
				  "excluded.legacy, ord = excluded.ord",
				  err, errlen);
	int rc = SQLITE_DONE;

	if (!s)
		return -1;
	for (int i = 0; i <= st->nclasses && rc == SQLITE_DONE; i++) {
		sqlite3_reset(s);
		sqlite3_bind_text(s, 1,
				  i < st->nclasses ? st->classes[i] : "unknown",
				  -1, SQLITE_STATIC);
		sqlite3_bind_int(s, 2, i < st->nclasses && st->legacy[i]);
		sqlite3_bind_int(s, 3, i);
		rc = sqlite3_step(s);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_fail(st, "database error", err,
					       errlen);
}

static int write_file(struct store *st, const struct file_state *fs,
		      char *err, size_t errlen)
{
	static const char sql[] =
		"INSERT INTO files VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,"
		" ?11, ?11) ON CONFLICT(id) DO UPDATE SET"
		" head_fp = CASE WHEN excluded.head_len > head_len"
		"  THEN excluded.head_fp ELSE head_fp END,"
		" short_fp = CASE WHEN excluded.head_len > head_len"
		"  THEN excluded.short_fp ELSE short_fp END,"
		" head_len = max(head_len, excluded.head_len),"
		" bytes = excluded.bytes, lines = excluded.lines,"
		" bad = excluded.bad, pending = excluded.pending,"
		" gzip = excluded.gzip, state = excluded.state,"
		" last_ingested = excluded.last_ingested";
	sqlite3_stmt *s = prepare(st, sql, err, errlen);
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	int rc;

	if (!s)
		return -1;
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	sqlite3_bind_int64(s, 1, fs->id);
	sqlite3_bind_text(s, 2, fs->head_fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, (int64_t)fs->head_len);
	sqlite3_bind_text(s, 4, fs->short_fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 5, (int64_t)fs->bytes);
	sqlite3_bind_int64(s, 6, (int64_t)fs->lines);
	sqlite3_bind_int64(s, 7, (int64_t)fs->bad);
	sqlite3_bind_int64(s, 8, (int64_t)fs->pending);
	sqlite3_bind_int(s, 9, fs->gzip);
	sqlite3_bind_text(s, 10, fs->state, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 11, now, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, "cannot record file", err, errlen);
	s = prepare(st, "INSERT OR IGNORE INTO file_names VALUES(?1, ?2)",
		    err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, fs->id);
	sqlite3_bind_text(s, 2, fs->name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_fail(st, "cannot record file", err,
					       errlen);
}

static void write_batch_drop(struct batch *b)
{
	tally_clear(b->counts);
	tally_clear(b->agents);
	tally_clear(b->creds);
	b->has_fs = 0;
}

/* Write b and its read position in one transaction, and empty it. */
static int write_batch(struct store *st, struct batch *b, char *err,
		       size_t errlen)
{
	int rc = -1;

	pthread_mutex_lock(&write_mu);
	if (exec(st, "BEGIN IMMEDIATE", err, errlen) == 0) {
		if (write_classes(st, err, errlen) < 0 ||
		    write_tallies(st, b, err, errlen) < 0 ||
		    (b->has_fs && write_file(st, &b->fs, err, errlen) < 0) ||
		    exec(st, "COMMIT", err, errlen) < 0)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
		else
			rc = 0;
	}
	pthread_mutex_unlock(&write_mu);
	write_batch_drop(b);
	return rc;
}

/* The writer thread: write each batch handed to it, in turn. */
static void *writer(void *arg)
{
	struct store *st = arg;

	/* Linux: a thread's own nice value.  The reading and counting
	 * threads come first; this one only has to keep up. */
	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);

	pthread_mutex_lock(&st->mu);
	for (;;) {
		struct batch *b;
		int rc;

		while (!st->queued && !st->stop)
			pthread_cond_wait(&st->cv, &st->mu);
		if (!st->queued)
			break;
		b = &st->batch[!st->cur];
		pthread_mutex_unlock(&st->mu);
		rc = write_batch(st, b, st->wmsg, sizeof(st->wmsg));
		pthread_mutex_lock(&st->mu);
		st->failed = rc < 0;
		st->queued = 0;
		pthread_cond_broadcast(&st->cv);
	}
	pthread_mutex_unlock(&st->mu);
	return NULL;
}

/* Wait until the writer has nothing in hand; return -1 with err set if
 * what it had could not be written. */
static int wait_writer(struct store *st, char *err, size_t errlen)
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

int store_sync(struct store *st, char *err, size_t errlen)
{
	return wait_writer(st, err, errlen);
}

int store_commit(struct store *st, struct file_state *fs, char *err,
		 size_t errlen)
{
	struct batch *b = &st->batch[st->cur];

	if (fs) {
		b->fs = *fs;
		b->has_fs = 1;
		fs->known = 1;
	}
	if (wait_writer(st, err, errlen) < 0) {
		/* the batch before failed: this one is not written either */
		write_batch_drop(b);
		return -1;
	}
	if (!st->writer_started)
		st->writer_started =
			pthread_create(&st->writer, NULL, writer, st) == 0;
	if (!st->writer_started)
		return write_batch(st, b, err, errlen); /* no thread: inline */
	pthread_mutex_lock(&st->mu);
	st->cur = !st->cur;
	st->queued = 1;
	pthread_cond_broadcast(&st->cv);
	pthread_mutex_unlock(&st->mu);
	return 0;
}

int store_each(struct store *st, const char *sql, const char *const *params,
	       int nparams,
	       int (*row)(void *ctx, int ncols, const char *const *cols,
			  const char *const *names),
	       void *ctx, char *err, size_t errlen)
{
	sqlite3_stmt *s = prepare(st, sql, err, errlen);
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
		db_fail(st, "query failed", err, errlen);
		sqlite3_finalize(s);
		return -1;
	}
	sqlite3_finalize(s);
	return 0;
}

/* ---- merge -------------------------------------------------------- */

/* Run sql with two integer parameters; return 0 or -1. */
static int exec2(struct store *st, const char *sql, int64_t a, int64_t b,
		 char *err, size_t errlen)
{
	sqlite3_stmt *s = prepare(st, sql, err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, a);
	sqlite3_bind_int64(s, 2, b);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0 : db_fail(st, "merge failed", err, errlen);
}

/* Replace the rows of file `to` in main with shard file `from`'s. */
static int copy_rows(struct store *st, int64_t from, int64_t to, char *err,
		     size_t errlen)
{
	static const char *const sql[] = {
		"DELETE FROM main.counts WHERE file_id = ?2 AND ?1 = ?1",
		"DELETE FROM main.agents WHERE file_id = ?2 AND ?1 = ?1",
		"DELETE FROM main.creds WHERE file_id = ?2 AND ?1 = ?1",
		"INSERT INTO main.counts SELECT ?2, client, day, class,"
		" amnesty, status, n, first, last FROM s.counts"
		" WHERE file_id = ?1",
		"INSERT INTO main.agents SELECT ?2, client, day, class, agent,"
		" n FROM s.agents WHERE file_id = ?1",
		"INSERT INTO main.creds SELECT ?2, client, day, class, fp, n"
		" FROM s.creds WHERE file_id = ?1",
		"INSERT OR IGNORE INTO main.file_names SELECT ?2, name"
		" FROM s.file_names WHERE file_id = ?1",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if (exec2(st, sql[i], from, to, err, errlen) < 0)
			return -1;
	return 0;
}

/* Merge one shard file row: (shard id, bytes). */
static int merge_file(struct store *st, int64_t sid, int64_t sbytes,
		      char *err, size_t errlen)
{
	sqlite3_stmt *s = prepare(
		st,
		"SELECT m.id, m.bytes FROM main.files AS m, s.files AS f"
		" WHERE f.id = ?1 AND (m.head_fp = f.head_fp OR"
		" (m.short_fp = f.short_fp AND m.head_len <> f.head_len"
		"  AND min(m.head_len, f.head_len) >= 256))"
		" ORDER BY m.id LIMIT 1",
		err, errlen);
	int64_t mid = 0;
	int64_t mbytes = -1;
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, sid);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		mid = sqlite3_column_int64(s, 0);
		mbytes = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(st, "merge failed", err, errlen);
	if (rc == SQLITE_DONE) {
		/* a file the total has not seen: a new id */
		if (exec2(st,
			  "INSERT INTO main.files SELECT (SELECT coalesce("
			  "max(id), 0) + 1 FROM main.files), head_fp, head_len,"
			  " short_fp, bytes, lines, bad, pending, gzip, state,"
			  " first_ingested, last_ingested FROM s.files"
			  " WHERE id = ?1 AND ?2 = ?2",
			  sid, 0, err, errlen) < 0)
			return -1;
		mid = sqlite3_last_insert_rowid(st->db);
		return copy_rows(st, sid, mid, err, errlen);
	}
	if (sbytes <= mbytes)
		return exec2(st,
			     "INSERT OR IGNORE INTO main.file_names SELECT ?2,"
			     " name FROM s.file_names WHERE file_id = ?1",
			     sid, mid, err, errlen);
	/* the shard read further: its counts of this file replace ours */
	return exec2(st,
		     "UPDATE main.files SET (head_fp, head_len, short_fp,"
		     " bytes, lines, bad, pending, gzip, state, last_ingested)"
		     " = (SELECT CASE WHEN f.head_len > main.files.head_len"
		     "  THEN f.head_fp ELSE main.files.head_fp END,"
		     " max(f.head_len, main.files.head_len),"
		     " CASE WHEN f.head_len > main.files.head_len"
		     "  THEN f.short_fp ELSE main.files.short_fp END,"
		     " f.bytes, f.lines, f.bad, f.pending, f.gzip, f.state,"
		     " f.last_ingested FROM s.files AS f WHERE f.id = ?1)"
		     " WHERE id = ?2",
		     sid, mid, err, errlen) < 0 ||
			       copy_rows(st, sid, mid, err, errlen) < 0
		       ? -1
		       : 0;
}

struct shard_file {
	int64_t id;
	int64_t bytes;
};

static int merge_files(struct store *st, char *err, size_t errlen)
{
	sqlite3_stmt *s = prepare(st, "SELECT id, bytes FROM s.files ORDER BY"
				      " id",
				  err, errlen);
	struct shard_file *f = NULL;
	size_t n = 0;
	int rc = 0;

	if (!s)
		return -1;
	while (sqlite3_step(s) == SQLITE_ROW) {
		f = xrealloc(f, (n + 1) * sizeof(*f));
		f[n].id = sqlite3_column_int64(s, 0);
		f[n++].bytes = sqlite3_column_int64(s, 1);
	}
	sqlite3_finalize(s);
	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = merge_file(st, f[i].id, f[i].bytes, err, errlen);
	free(f);
	return rc;
}

static int merge_meta(struct store *st, char *err, size_t errlen)
{
	char mine[64] = "";
	char theirs[64] = "";

	if (one_text(st, "SELECT value FROM main.meta WHERE key = 'key_id'",
		     NULL, mine, sizeof(mine), err, errlen) < 0 ||
	    one_text(st, "SELECT value FROM s.meta WHERE key = 'key_id'",
		     NULL, theirs, sizeof(theirs), err, errlen) < 0)
		return -1;
	if (mine[0] && theirs[0] && strcmp(mine, theirs) != 0) {
		snprintf(err, errlen,
			 "the shard was made with another fingerprint key "
			 "(key id %s, this database %s): its clients would "
			 "split; ingest every shard with the same key",
			 theirs, mine);
		return -1;
	}
	return exec(st,
		    "INSERT OR IGNORE INTO main.meta SELECT * FROM s.meta;"
		    "INSERT INTO main.classes SELECT * FROM s.classes WHERE 1"
		    " ON CONFLICT(name) DO NOTHING;",
		    err, errlen);
}

int store_merge(struct store *st, const char *path, char *err,
		size_t errlen)
{
	sqlite3_stmt *s;
	int rc;
	char why[1024];

	if (wait_writer(st, err, errlen) < 0)
		return -1;
	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	s = prepare(st, "ATTACH ?1 AS s", err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return db_fail(st, "cannot attach the shard", err, errlen);
	rc = exec(st, "SELECT count(*) FROM s.counts, s.files LIMIT 1", err,
		  errlen);
	if (rc == 0)
		rc = exec(st, "BEGIN IMMEDIATE", err, errlen);
	if (rc == 0) {
		rc = merge_meta(st, err, errlen);
		if (rc == 0)
			rc = merge_files(st, err, errlen);
		if (rc == 0)
			rc = exec(st, "COMMIT", err, errlen);
		if (rc != 0)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	if (rc != 0)
		snprintf(why, sizeof(why), "%s", err);
	sqlite3_exec(st->db, "DETACH s", NULL, NULL, NULL);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}

void store_discard(struct store *st)
{
	/* batch[cur] is the store's own until store_commit() hands it on */
	write_batch_drop(&st->batch[st->cur]);
}
