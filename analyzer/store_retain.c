/* store_retain.c: what is kept and for how long: new detail added
 * into the rollups, one file's detail copied, taken out or deleted, the
 * detail of old files deleted (folded), and counts pruned before a
 * day. */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

/* " AND <alias>day >= 'since'" when since is a day, else "". */
static const char *day_from(const char *alias, const char *since, char *buf,
			    size_t cap)
{
	if (!since || !since[0])
		return "";
	snprintf(buf, cap, " AND %sday >= '%.10s'", alias, since);
	return buf;
}

int store_detail_remove(struct store *st, int64_t file_id, const char *since,
			char *err, size_t errlen)
{
	char sql[256];
	char from[48];

	for (int k = 0; k < KIND_N; k++) {
		snprintf(sql, sizeof(sql),
			 "DELETE FROM main.file_%s WHERE file_id = ?1%s",
			 store_tables[k].name,
			 day_from("", since, from, sizeof(from)));
		if (store_exec2(st, sql, file_id, 0, err, errlen) < 0)
			return -1;
	}
	return 0;
}

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

int store_detail_add(struct store *st, const char *src, int64_t from,
		     int64_t to, const char *since, char *err, size_t errlen)
{
	char sql[SQL_MAX];
	char after[48];

	for (int k = 0; k < KIND_N; k++) {
		const struct store_table *t = &store_tables[k];
		const char *vals = store_vals(t);

		snprintf(
		    sql, sizeof(sql),
		    "INSERT INTO main.file_%s(file_id, part, %s, %s) SELECT"
		    " ?2, part, %s, %s FROM %s.file_%s WHERE file_id ="
		    " ?1%s%s",
		    t->name, t->keys, vals, t->keys, vals, src, t->name,
		    day_from("", since, after, sizeof(after)),
		    store_merge_tail(t));
		if (store_exec2(st, sql, from, to, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* The sums of one key's rows (store_sums()), into buf negated when
 * sign < 0: each sum(x) becomes -sum(x); the times' min and max stay. */
static const char *sums(const struct store_table *t, int sign, char *buf,
			size_t cap)
{
	const char *p = store_sums(t);
	size_t at = 0;

	if (sign >= 0)
		return p;
	for (; *p && at + 2 < cap; p++) {
		if (strncmp(p, "sum(", 4) == 0)
			buf[at++] = '-';
		buf[at++] = *p;
	}
	buf[at] = '\0';
	return buf;
}

/* Add into main's rollup of t the sums of src's detail rows matching
 * where (alias d, ?1 = file_id), negated when sign < 0. */
static int add_detail(struct store *st, const struct store_table *t,
		      const char *src, const char *where, int sign,
		      int64_t file_id, char *err, size_t errlen)
{
	char sql[SQL_MAX];
	char neg[512];

	snprintf(sql, sizeof(sql),
		 "INSERT INTO main.rollup_%s(%s, %s) SELECT %s, %s FROM"
		 " %s.file_%s AS d WHERE %s GROUP BY %s%s",
		 t->name, t->keys, store_vals(t), t->keys,
		 sums(t, sign, neg, sizeof(neg)), src, t->name, where, t->keys,
		 store_merge_tail(t));
	return store_exec2(st, sql, file_id, 0, err, errlen);
}

int store_rollup_add(struct store *st, const char *src, const char *where,
		     char *err, size_t errlen)
{
	for (int k = 0; k < KIND_N; k++)
		if (add_detail(st, &store_tables[k], src, where, 1, 0, err,
			       errlen) < 0)
			return -1;
	return 0;
}

int store_roll(struct store *st, char *err, size_t errlen)
{
	if (store_rollup_add(st, "main", STORE_UNROLLED("main."), err,
			     errlen) < 0)
		return -1;
	return store_exec(st,
			  "UPDATE main.files SET rolled = lines WHERE"
			  " detail = 1 AND rolled < lines",
			  err, errlen);
}

/* Delete main's rollup rows of t left with nothing by a subtraction of
 * file_id's detail. */
static int drop_empty(struct store *st, const struct store_table *t,
		      int64_t file_id, const char *since, char *err,
		      size_t errlen)
{
	char sql[SQL_MAX];
	char from[48];

	snprintf(sql, sizeof(sql),
		 "DELETE FROM main.rollup_%s WHERE n <= 0 AND (%s) IN"
		 " (SELECT %s FROM main.file_%s WHERE file_id = ?1%s)",
		 t->name, t->keys, t->keys, t->name,
		 day_from("", since, from, sizeof(from)));
	return store_exec2(st, sql, file_id, 0, err, errlen);
}

int store_detail_sum(struct store *st, const char *src, int64_t file_id,
		     int sign, const char *since, char *err, size_t errlen)
{
	char where[96];
	char from[48];

	snprintf(where, sizeof(where), "d.file_id = ?1%s",
		 day_from("d.", since, from, sizeof(from)));
	for (int k = 0; k < KIND_N; k++) {
		const struct store_table *t = &store_tables[k];

		if (add_detail(st, t, src, where, sign, file_id, err, errlen) <
			0 ||
		    (sign < 0 &&
		     drop_empty(st, t, file_id, since, err, errlen) < 0))
			return -1;
	}
	return 0;
}

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

	if (store_wait_writer(st, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&store_write_mu);
	rc = store_exec(st, "BEGIN IMMEDIATE", err, errlen);
	if (rc == 0)
		rc = store_roll(st, err, errlen);
	if (rc == 0)
		rc = fold_pick(st, keep_days, err, errlen);
	if (rc == 0 && store_one_int(st, "SELECT count(*) FROM temp.fold", &n,
				     err, errlen) < 0)
		rc = -1;
	if (rc == 0 && n > 0)
		rc = fold_files(st, err, errlen);
	if (rc == 0)
		rc = store_exec(st, "COMMIT", err, errlen);
	if (rc != 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == 0 && n > 0)
		rc = give_back(st, 1, err, errlen);
	pthread_mutex_unlock(&store_write_mu);
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

	if (store_wait_writer(st, err, errlen) < 0)
		return -1;
	pthread_mutex_lock(&store_write_mu);
	rc = store_exec(st, "BEGIN IMMEDIATE", err, errlen);
	if (rc == 0)
		rc = prune_rows(st, day, err, errlen);
	if (rc == 0)
		rc = record_first_day(st, day, err, errlen);
	if (rc == 0)
		rc = store_exec(st, "COMMIT", err, errlen);
	if (rc != 0)
		sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
	if (rc == 0)
		rc = give_back(st, 0, err, errlen);
	pthread_mutex_unlock(&store_write_mu);
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

	snprintf(out, 11, "%s", v ? (const char *)v : "");
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
