/* store_retain.c: what is kept and for how long: the detail of old
 * files deleted (folded), counts pruned before a day, the days the
 * counts cover, and files forgotten. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

#include "store_int.h"

/* Pick the files to fold into temp.fold: their last day is more than
 * keep_days before the newest day of any file. */
static int fold_pick(struct store *st, int keep_days, char *err, size_t errlen)
{
	char sql[512];

	snprintf(
	    sql, sizeof(sql),
	    "CREATE TEMP TABLE IF NOT EXISTS fold(id INTEGER PRIMARY KEY);"
	    "DELETE FROM temp.fold;"
	    "INSERT INTO temp.fold SELECT id FROM files WHERE detail = 1"
	    " AND state NOT IN ('reading', 'shard') AND last_day IS NOT NULL "
	    "AND"
	    " last_day < date((SELECT max(last_day) FROM files),"
	    " '-%d days')",
	    keep_days < 0 ? 0 : keep_days);
	return store_exec(st, sql, err, errlen);
}

/* Delete the detail of the files in temp.fold, all of it in the
 * rollups already, and mark them folded. */
static int fold_files(struct store *st, char *err, size_t errlen)
{
	char sql[256];

	for (int k = 0; k < KIND_N; k++) {
		snprintf(sql, sizeof(sql),
			 "DELETE FROM file_%s WHERE file_id IN (SELECT id FROM"
			 " temp.fold)",
			 store_tables[k].name);
		if (store_exec(st, sql, err, errlen) < 0)
			return -1;
	}
	return store_exec(st,
			  "UPDATE files SET detail = 0 WHERE id IN (SELECT id"
			  " FROM temp.fold)",
			  err, errlen);
}

/* Give freed pages back.  After a prune always: incrementally where
 * the database allows it, else by rewriting it (which turns incremental
 * vacuum on).  After a fold (fold set) only incrementally, and only
 * when it freed over a quarter of the file (a first import of a long
 * history, say): a night's fold frees about what the next night
 * fills, so it keeps them. */
static int give_back(struct store *st, int fold, char *err, size_t errlen)
{
	int64_t mode = 0;
	int64_t pages = 0;
	int64_t free_pages = 0;

	if (store_one_int(st, "PRAGMA auto_vacuum", &mode, err, errlen) < 0)
		return -1;
	if (mode != 2)
		return fold ? 0
			    : store_exec(st,
					 "PRAGMA auto_vacuum = INCREMENTAL;"
					 " VACUUM",
					 err, errlen);
	if (fold &&
	    (store_one_int(st, "PRAGMA page_count", &pages, err, errlen) < 0 ||
	     store_one_int(st, "PRAGMA freelist_count", &free_pages, err,
			   errlen) < 0))
		return -1;
	if (fold && 4 * free_pages <= pages)
		return 0;
	return store_exec(st, "PRAGMA incremental_vacuum", err, errlen);
}

int store_fold(struct store *st, int keep_days, char *err, size_t errlen)
{
	int64_t n = 0;
	int rc;

	if (store_wait_writer(st, err, errlen) < 0 ||
	    store_write_begin(st, err, errlen) < 0)
		return -1;
	rc = store_roll(st, err, errlen);
	if (rc == 0)
		rc = fold_pick(st, keep_days, err, errlen);
	if (rc == 0 && store_one_int(st, "SELECT count(*) FROM temp.fold", &n,
				     err, errlen) < 0)
		rc = -1;
	if (rc == 0 && n > 0)
		rc = fold_files(st, err, errlen);
	rc = store_write_end(st, rc, err, errlen);
	if (rc == 0 && n > 0)
		rc = give_back(st, 1, err, errlen);
	return rc < 0 ? -1 : (int)n;
}

static int prune_rows(struct store *st, const char *day, char *err,
		      size_t errlen)
{
	char sql[256];

	for (int k = 0; k < KIND_N; k++)
		for (int d = 0; d < 2; d++) {
			sqlite3_stmt *s;
			int rc;

			snprintf(sql, sizeof(sql),
				 "DELETE FROM %s%s WHERE day < ?1",
				 d ? "file_" : "rollup_",
				 store_tables[k].name);
			s = store_prepare(st, sql, err, errlen);
			if (!s)
				return -1;
			sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
			rc = sqlite3_step(s);
			sqlite3_finalize(s);
			if (rc != SQLITE_DONE)
				return store_fail(st, "cannot prune", err,
						  errlen);
		}
	return 0;
}

static int record_first_day(struct store *st, const char *day, char *err,
			    size_t errlen)
{
	sqlite3_stmt *s = store_prepare(
	    st,
	    "INSERT INTO meta VALUES('first_day', ?1) ON CONFLICT DO "
	    "UPDATE SET value = max(value, excluded.value)",
	    err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0
				 : store_fail(st, "cannot prune", err, errlen);
}

/* Remove the counts before day, record it as the first day kept, and
 * give the space back: no check (store_prune() makes them). */
static int prune_now(struct store *st, const char *day, char *err,
		     size_t errlen)
{
	int rc;

	if (store_wait_writer(st, err, errlen) < 0 ||
	    store_write_begin(st, err, errlen) < 0)
		return -1;
	rc = prune_rows(st, day, err, errlen);
	if (rc == 0)
		rc = record_first_day(st, day, err, errlen);
	rc = store_write_end(st, rc, err, errlen);
	if (rc == 0)
		rc = give_back(st, 0, err, errlen);
	if (rc == 0)
		store_read_first_day(st);
	return rc;
}

/* What a prune before day removes, into pi. */
static int prune_plan(struct store *st, const char *day,
		      struct store_prune_info *pi, char *err, size_t errlen)
{
	static const char sql[] =
	    "SELECT (SELECT coalesce(max(day), '') FROM counts),"
	    " count(DISTINCT day), coalesce(sum(n), 0),"
	    " coalesce(min(day), ''), coalesce(max(day), ''),"
	    " (SELECT count(*) FROM (SELECT client FROM counts GROUP BY"
	    " client HAVING max(day) < ?1))"
	    " FROM counts WHERE day < ?1";
	sqlite3_stmt *s = store_prepare(st, sql, err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_text(s, 1, day, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW) {
		snprintf(pi->newest, sizeof(pi->newest), "%s",
			 (const char *)sqlite3_column_text(s, 0));
		pi->days = sqlite3_column_int64(s, 1);
		pi->requests = sqlite3_column_int64(s, 2);
		snprintf(pi->from, sizeof(pi->from), "%s",
			 (const char *)sqlite3_column_text(s, 3));
		snprintf(pi->to, sizeof(pi->to), "%s",
			 (const char *)sqlite3_column_text(s, 4));
		pi->clients = sqlite3_column_int64(s, 5);
	}
	sqlite3_finalize(s);
	return rc == SQLITE_ROW ? 0
				: store_fail(st, "cannot prune", err, errlen);
}

int store_prune(struct store *st, const char *day, const char *today,
		int dry_run, struct store_prune_info *pi, char *err,
		size_t errlen)
{
	memset(pi, 0, sizeof(*pi));
	if (store_wait_writer(st, err, errlen) < 0 ||
	    prune_plan(st, day, pi, err, errlen) < 0)
		return -1;
	if (today && strcmp(day, today) > 0) {
		snprintf(err, errlen,
			 "--before %s is after today (%s): nothing is pruned",
			 day, today);
		return 1;
	}
	if (strcmp(day, pi->newest) > 0) {
		snprintf(err, errlen,
			 "--before %s is after the newest day counted (%s): "
			 "it would remove every count, and later lines of "
			 "the days before it; nothing is pruned",
			 day, pi->newest[0] ? pi->newest : "none yet");
		return 1;
	}
	return dry_run ? 0 : prune_now(st, day, err, errlen);
}

int store_prune_keep(struct store *st, int keep_days, char *err, size_t errlen)
{
	char sql[256];
	char day[16] = "";

	snprintf(sql, sizeof(sql),
		 "SELECT date(max(last_day), '-%d days') FROM files",
		 keep_days > 1 ? keep_days - 1 : 0);
	if (store_one_text(st, sql, NULL, day, sizeof(day), err, errlen) < 0)
		return -1;
	if (!day[0] || strcmp(day, st->first_day) <= 0)
		return 0;
	return prune_now(st, day, err, errlen);
}

static void copy_day(char *out, sqlite3_stmt *s, int col)
{
	const unsigned char *v = sqlite3_column_text(s, col);

	snprintf(out, DAY_SIZE, "%s", v ? (const char *)v : "");
}

int store_cover(struct store *st, struct store_cover *c, char *err,
		size_t errlen)
{
	static const char sql[] =
	    "WITH d AS (SELECT DISTINCT day FROM counts),"
	    " g AS (SELECT day, lag(day) OVER (ORDER BY day) AS prev FROM d)"
	    " SELECT (SELECT min(day) FROM d), (SELECT max(day) FROM d),"
	    " NULL, NULL UNION ALL SELECT NULL, NULL, date(prev, '+1 day'),"
	    " date(day, '-1 day') FROM g WHERE julianday(day) -"
	    " julianday(prev) > 1";
	sqlite3_stmt *s = store_prepare(st, sql, err, errlen);
	int rc;

	memset(c, 0, sizeof(*c));
	if (!s)
		return -1;
	snprintf(c->kept, sizeof(c->kept), "%s", st->first_day);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_type(s, 2) == SQLITE_NULL) {
			copy_day(c->first, s, 0);
			copy_day(c->last, s, 1);
			continue;
		}
		if (c->ngaps < STORE_GAPS_MAX) {
			copy_day(c->gap[c->ngaps].from, s, 2);
			copy_day(c->gap[c->ngaps].to, s, 3);
		}
		c->ngaps++;
	}
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "database error", err, errlen);
}

/* ---- forget ------------------------------------------------------- */

struct found {
	struct store_forgotten *v;
	char **owned; /* the strings v points at, two a file */
	int n;
};

static const char forget_find[] =
    "SELECT f.id, (SELECT name FROM file_names WHERE file_id = f.id"
    " ORDER BY name LIMIT 1), f.head_fp, f.lines, f.detail,"
    " (SELECT coalesce(sum(n), 0) FROM file_counts WHERE file_id = f.id)"
    " FROM files AS f WHERE f.id = ?1 OR f.head_fp = ?2"
    " OR f.id IN (SELECT file_id FROM file_names WHERE name = ?3)"
    " ORDER BY f.id";

static void found_add(struct found *fd, sqlite3_stmt *s)
{
	struct store_forgotten *f;
	const unsigned char *name = sqlite3_column_text(s, 1);

	fd->v = xrealloc(fd->v, (size_t)(fd->n + 1) * sizeof(*fd->v));
	fd->owned =
	    xrealloc(fd->owned, (size_t)(fd->n + 1) * 2 * sizeof(char *));
	fd->owned[2 * fd->n] = xstrdup(name ? (const char *)name : "-");
	fd->owned[2 * fd->n + 1] =
	    xstrdup((const char *)sqlite3_column_text(s, 2));
	f = &fd->v[fd->n];
	f->name = fd->owned[2 * fd->n];
	f->head_fp = fd->owned[2 * fd->n + 1];
	fd->n++;
	f->id = sqlite3_column_int64(s, 0);
	f->lines = sqlite3_column_int64(s, 3);
	f->detail = sqlite3_column_int(s, 4);
	f->requests = sqlite3_column_int64(s, 5);
}

static int find_forget(struct store *st, const struct store_forget_what *w,
		       struct found *fd, char *err, size_t errlen)
{
	sqlite3_stmt *s = store_prepare(st, forget_find, err, errlen);
	int rc;

	if (!s)
		return -1;
	if (w->id > 0)
		sqlite3_bind_int64(s, 1, w->id);
	if (w->fp)
		sqlite3_bind_text(
		    s, 2, strncmp(w->fp, "fp:", 3) == 0 ? w->fp + 3 : w->fp,
		    -1, SQLITE_STATIC);
	if (w->name)
		sqlite3_bind_text(s, 3, w->name, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		found_add(fd, s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE
		   ? 0
		   : store_fail(st, "database error", err, errlen);
}

static int remove_file(struct store *st, int64_t id, char *err, size_t errlen)
{
	static const char *const sql[] = {
	    "DELETE FROM file_marks WHERE file_id = ?1",
	    "DELETE FROM file_disks WHERE file_id = ?1",
	    "DELETE FROM file_names WHERE file_id = ?1",
	    "DELETE FROM files WHERE id = ?1",
	};

	if (store_detail_sum(st, "main", id, -1, NULL, err, errlen) < 0 ||
	    store_detail_remove(st, id, NULL, err, errlen) < 0)
		return -1;
	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if (store_exec2(st, sql[i], id, 0, err, errlen) < 0)
			return -1;
	return 0;
}

static int forget_all(struct store *st, const struct found *fd, char *err,
		      size_t errlen)
{
	int rc = store_write_begin(st, err, errlen);

	if (rc < 0)
		return -1;
	/* the detail of every file in the rollups, to take it out there */
	rc = store_roll(st, err, errlen);
	for (int i = 0; rc == 0 && i < fd->n; i++) {
		if (!fd->v[i].detail) {
			snprintf(err, errlen,
				 "%s: its counts were folded into the daily "
				 "totals; it can no longer be forgotten",
				 fd->v[i].name);
			rc = -1;
		} else {
			rc = remove_file(st, fd->v[i].id, err, errlen);
		}
	}
	return store_write_end(st, rc, err, errlen);
}

int store_forget(struct store *st, const struct store_forget_what *w,
		 int dry_run,
		 void (*fn)(void *ctx, const struct store_forgotten *f),
		 void *ctx, char *err, size_t errlen)
{
	struct found fd = {NULL, NULL, 0};
	int rc = store_wait_writer(st, err, errlen);

	if (rc == 0)
		rc = find_forget(st, w, &fd, err, errlen);
	if (rc == 0 && !dry_run && fd.n)
		rc = forget_all(st, &fd, err, errlen);
	/* said once it is done (or would be): not before a rollback */
	for (int i = 0; rc == 0 && i < fd.n; i++)
		fn(ctx, &fd.v[i]);
	for (int i = 0; i < 2 * fd.n; i++)
		free(fd.owned[i]);
	free(fd.owned);
	free(fd.v);
	return rc < 0 ? -1 : fd.n;
}
