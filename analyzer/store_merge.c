/* store_merge.c: add a shard database into this one, exactly: a log file
 * both have read counts once, from the one that read further. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "store_int.h"

/* One file of the shard, and what the total knows of it. */
struct shard_file {
	int64_t id, bytes, head_len;
	int detail;
	char head_fp[FP_HEXLEN + 1];
	uint64_t marks[STORE_MARKS_MAX];
	int nmarks;
	char name[256];
	int64_t mid; /* the total's file, 0 when new */
	int64_t mbytes;
	int mdetail;
};

struct shard {
	struct shard_file *f;
	int n;
};

static void load_marks(sqlite3_stmt *s, int col, struct shard_file *f)
{
	int bytes = sqlite3_column_bytes(s, col);
	const void *p = sqlite3_column_blob(s, col);

	f->nmarks = bytes / 8 < STORE_MARKS_MAX ? bytes / 8 : STORE_MARKS_MAX;
	if (p && f->nmarks)
		memcpy(f->marks, p, (size_t)f->nmarks * 8);
}

static int load_shard(struct store *st, struct shard *sh, char *err,
		      size_t errlen)
{
	sqlite3_stmt *s = store_prepare(
	    st,
	    "SELECT id, bytes, head_len, detail, head_fp, marks,"
	    " (SELECT name FROM s.file_names WHERE file_id = f.id LIMIT 1)"
	    " FROM s.files AS f ORDER BY id",
	    err, errlen);
	int rc;

	if (!s)
		return -1;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		struct shard_file *f;
		const unsigned char *name = sqlite3_column_text(s, 6);

		sh->f = xrealloc(sh->f, (size_t)(sh->n + 1) * sizeof(*sh->f));
		f = memset(&sh->f[sh->n++], 0, sizeof(*f));
		f->id = sqlite3_column_int64(s, 0);
		f->bytes = sqlite3_column_int64(s, 1);
		f->head_len = sqlite3_column_int64(s, 2);
		f->detail = sqlite3_column_int(s, 3);
		snprintf(f->head_fp, sizeof(f->head_fp), "%s",
			 (const char *)sqlite3_column_text(s, 4));
		load_marks(s, 5, f);
		snprintf(f->name, sizeof(f->name), "%s",
			 name ? (const char *)name : "-");
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "cannot read the shard", err, errlen);
}

/* Run s (bound by the caller) and take its first row as the match. */
static int take_match(struct store *st, sqlite3_stmt *s, struct shard_file *f,
		      char *err, size_t errlen)
{
	int rc = sqlite3_step(s);

	if (rc == SQLITE_ROW) {
		f->mid = sqlite3_column_int64(s, 0);
		f->mbytes = sqlite3_column_int64(s, 1);
		f->mdetail = sqlite3_column_int(s, 2);
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "merge failed", err, errlen);
	return rc == SQLITE_ROW;
}

#define MATCH_COLS "SELECT m.id, m.bytes, m.detail FROM main.files AS m"

/* The total's file that is the shard's: the same head, a shorter head
 * it starts with, or a longer one that starts with it, judged by the
 * marks (both sides' bytes are gone: 64-byte resolution). */
static int match(struct store *st, struct shard_file *f, char *err,
		 size_t errlen)
{
	sqlite3_stmt *s = store_prepare(
	    st, MATCH_COLS " WHERE head_fp = ?1 AND head_len = ?2 LIMIT 1",
	    err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, f->head_fp, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 2, f->head_len);
	rc = take_match(st, s, f, err, errlen);
	for (int i = f->nmarks; rc == 0 && i >= 1; i--) {
		s = store_prepare(st,
				  MATCH_COLS
				  " WHERE last_mark = ?1 AND "
				  "head_len < ?2 AND head_len >= ?3 "
				  "ORDER BY head_len DESC LIMIT 1",
				  err, errlen);
		if (!s)
			return -1;
		sqlite3_bind_int64(s, 1, (int64_t)f->marks[i - 1]);
		sqlite3_bind_int64(s, 2, f->head_len);
		sqlite3_bind_int64(s, 3, (int64_t)i * STORE_MARK_STEP);
		rc = take_match(st, s, f, err, errlen);
	}
	if (rc != 0 || f->nmarks == 0)
		return rc;
	s = store_prepare(st,
			  MATCH_COLS " JOIN main.file_marks AS k ON k.file_id"
				     " = m.id WHERE k.mark = ?1 AND m.head_len"
				     " > ?2 ORDER BY m.id LIMIT 1",
			  err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, (int64_t)f->marks[f->nmarks - 1]);
	sqlite3_bind_int64(s, 2, f->head_len);
	return take_match(st, s, f, err, errlen);
}

/* Copy the shard's ledger row of f as the total's file `to`, or over
 * it; names and marks too. */
static int copy_file(struct store *st, const struct shard_file *f, int64_t to,
		     char *err, size_t errlen)
{
	static const char *const sql[] = {
	    /* all its counts go into the rollups: rolled = lines */
	    "INSERT INTO main.files(id, head_fp, head_len, marks, last_mark,"
	    " bytes, lines, bad, pending, gzip, state, first_ingested,"
	    " last_ingested, first_day, last_day, detail, crc, rolled)"
	    " SELECT ?2, head_fp, head_len, marks,"
	    " last_mark, bytes, lines, bad, pending, gzip, state,"
	    " first_ingested, last_ingested, first_day, last_day, detail,"
	    " crc, lines FROM s.files WHERE id = ?1"
	    " ON CONFLICT(id) DO UPDATE SET head_fp = CASE WHEN"
	    " excluded.head_len > head_len THEN excluded.head_fp ELSE"
	    " head_fp END, marks = CASE WHEN excluded.head_len > head_len"
	    " THEN excluded.marks ELSE marks END, last_mark = CASE WHEN"
	    " excluded.head_len > head_len THEN excluded.last_mark ELSE"
	    " last_mark END, head_len = max(head_len, excluded.head_len),"
	    " bytes = excluded.bytes, crc = excluded.crc,"
	    " lines = excluded.lines, bad = excluded.bad, pending = "
	    "excluded.pending,"
	    " gzip = excluded.gzip, state = excluded.state,"
	    " last_ingested = excluded.last_ingested,"
	    " first_day = excluded.first_day, last_day = excluded.last_day,"
	    " rolled = excluded.rolled",
	    "INSERT OR IGNORE INTO main.file_names SELECT ?2, name FROM"
	    " s.file_names WHERE file_id = ?1",
	    "INSERT OR IGNORE INTO main.file_marks SELECT mark, ?2 FROM"
	    " s.file_marks WHERE file_id = ?1",
	};

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if (store_exec2(st, sql[i], f->id, to, err, errlen) < 0)
			return -1;
	return 0;
}

static int next_id(struct store *st, int64_t *id, char *err, size_t errlen)
{
	if (store_one_int(st,
			  "SELECT coalesce(max(id), 0) + 1 FROM main.files",
			  id, err, errlen) < 0)
		return -1;
	return 0;
}

static int folded(const struct shard_file *f, const char *side, char *err,
		  size_t errlen)
{
	snprintf(err, errlen,
		 "%s: %s folded the counts of this file into its daily "
		 "totals, and both read it: the merge could not be exact "
		 "(merge shards before their detail is folded)",
		 f->name, side);
	return -1;
}

/* Merge one file that needs its own detail moved: the total's counts of
 * it, if any, are taken out of its rollups and its detail replaced by
 * the shard's, whose counts go into the rollups. */
static int merge_one(struct store *st, struct shard_file *f, char *err,
		     size_t errlen)
{
	int64_t to = f->mid;

	if (f->mid && f->bytes <= f->mbytes)
		return store_exec2(st,
				   "INSERT OR IGNORE INTO main.file_names "
				   "SELECT ?2, name FROM s.file_names WHERE "
				   "file_id = ?1",
				   f->id, f->mid, err, errlen);
	if (!f->detail)
		return folded(f, "the shard", err, errlen);
	if (f->mid && !f->mdetail)
		return folded(f, "this database", err, errlen);
	if (f->mid &&
	    (store_detail_sum(st, "main", f->mid, -1, err, errlen) < 0 ||
	     store_detail_remove(st, f->mid, err, errlen) < 0))
		return -1;
	if (!f->mid && next_id(st, &to, err, errlen) < 0)
		return -1;
	if (copy_file(st, f, to, err, errlen) < 0 ||
	    store_detail_add(st, "s", f->id, to, err, errlen) < 0)
		return -1;
	return store_detail_sum(st, "s", f->id, 1, err, errlen);
}

/* The shard's schema: 3 and 4 kept none of the detail in the rollups. */
static int shard_schema(struct store *st, int64_t *v, char *err, size_t errlen)
{
	return store_one_int(st,
			     "SELECT CAST(value AS INTEGER) FROM s.meta WHERE"
			     " key = 'schema'",
			     v, err, errlen) < 0
		   ? -1
		   : 0;
}

/* Every file of the shard is new here: its rollups are added whole (so
 * a shard whose detail is folded merges too), with its detail not yet
 * in them, and its detail is copied under new ids. */
static int merge_all_new(struct store *st, struct shard *sh, char *err,
			 size_t errlen)
{
	char sql[SQL_MAX];
	int64_t base;
	int64_t v;

	if (next_id(st, &base, err, errlen) < 0 ||
	    shard_schema(st, &v, err, errlen) < 0)
		return -1;
	for (int i = 0; i < sh->n; i++)
		if (copy_file(st, &sh->f[i], base + i, err, errlen) < 0 ||
		    store_detail_add(st, "s", sh->f[i].id, base + i, err,
				     errlen) < 0)
			return -1;
	for (int k = 0; k < KIND_N; k++) {
		const struct store_table *t = &store_tables[k];
		const char *vals = store_vals(t);

		snprintf(
		    sql, sizeof(sql),
		    "INSERT INTO main.rollup_%s(%s, %s) SELECT %s, %s FROM"
		    " s.rollup_%s WHERE 1%s",
		    t->name, t->keys, vals, t->keys, vals, t->name,
		    store_merge_tail(t));
		if (store_exec(st, sql, err, errlen) < 0)
			return -1;
	}
	return store_rollup_add(st, "s", v < 5 ? "1" : STORE_UNROLLED("s."),
				err, errlen);
}

static int merge_files(struct store *st, char *err, size_t errlen)
{
	struct shard sh = {NULL, 0};
	int known = 0;
	/* all of this database's detail in its rollups first */
	int rc = store_roll(st, err, errlen);

	if (rc == 0)
		rc = load_shard(st, &sh, err, errlen);

	for (int i = 0; rc == 0 && i < sh.n; i++) {
		rc = match(st, &sh.f[i], err, errlen) < 0 ? -1 : 0;
		known += sh.f[i].mid != 0;
	}
	if (rc == 0 && known == 0)
		rc = merge_all_new(st, &sh, err, errlen);
	else
		for (int i = 0; rc == 0 && i < sh.n; i++)
			rc = merge_one(st, &sh.f[i], err, errlen);
	free(sh.f);
	return rc;
}

static int merge_meta(struct store *st, char *err, size_t errlen)
{
	char mine[64] = "";
	char theirs[64] = "";

	if (store_one_text(st,
			   "SELECT value FROM main.meta WHERE key = 'key_id'",
			   NULL, mine, sizeof(mine), err, errlen) < 0 ||
	    store_one_text(st, "SELECT value FROM s.meta WHERE key = 'key_id'",
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
	return store_exec(
	    st,
	    "INSERT OR IGNORE INTO main.meta SELECT * FROM s.meta"
	    " WHERE key NOT IN ('schema', 'first_day');"
	    "INSERT INTO main.classes SELECT * FROM s.classes"
	    " WHERE 1 ON CONFLICT(name) DO NOTHING;",
	    err, errlen);
}

/* Open the shard once on its own: that checks its schema and upgrades
 * an older one. */
static int check_shard(const char *path, char *err, size_t errlen)
{
	struct store *s;

	if (access(path, R_OK) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	s = store_open(path, STORE_READ, err, errlen);
	store_close(s);
	return s ? 0 : -1;
}

static int attach(struct store *st, const char *path, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, "ATTACH ?1 AS s", err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, path, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "cannot attach the shard", err, errlen);
}

int store_merge(struct store *st, const char *path, char *err, size_t errlen)
{
	char why[1024];
	int rc;

	if (store_wait_writer(st, err, errlen) < 0)
		return -1;
	if (store_same_file(st, path)) {
		snprintf(err, errlen,
			 "%s: is this database itself (%s, the same file): a "
			 "database holds all of its own counts already; "
			 "nothing merged",
			 path, st->path);
		return -1;
	}
	if (check_shard(path, err, errlen) < 0)
		return -1;
	if (attach(st, path, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&store_write_mu);
	rc = store_exec(st, "BEGIN IMMEDIATE", err, errlen);
	if (rc == 0) {
		rc = merge_meta(st, err, errlen);
		if (rc == 0)
			rc = merge_files(st, err, errlen);
		if (rc == 0)
			rc = store_exec(st, "COMMIT", err, errlen);
		if (rc != 0)
			sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	}
	pthread_mutex_unlock(&store_write_mu);
	if (rc != 0)
		snprintf(why, sizeof(why), "%s", err);
	sqlite3_exec(st->db, "DETACH s", NULL, NULL, NULL);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}
