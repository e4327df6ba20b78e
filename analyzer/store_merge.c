/* store_merge.c: add a shard database into this one, adding only what it
 * lacks: a log file both have read counts once, from the one that read
 * further, day by day where the shard still holds the day; what the
 * shard folded is taken through a row of its own (state 'shard'),
 * replaced at each merge.  The rules are in docs/store.md. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "day.h"
#include "store_int.h"

/* One file of the shard, and what the total knows of it. */
struct shard_file {
	int64_t id, bytes, lines, head_len;
	int detail;
	char head_fp[FP_HEXLEN + 1];
	uint64_t marks[STORE_MARKS_MAX];
	int nmarks;
	char name[256];
	int64_t mid; /* the total's file, 0 when new */
	int64_t mbytes, mlines;
	int mdetail;
	char mstate[96];
};

struct shard {
	struct shard_file *f;
	int n;
	const char *path;
	int64_t v;	       /* its schema */
	char id[80];	       /* its meta db_id, else its real path */
	char marker[96];       /* "in shard:" id: its folded files here */
	char first[DAY_SIZE];  /* its first day kept, or "" */
	char tfirst[DAY_SIZE]; /* the total's, or "" */
	char since[DAY_SIZE];  /* the later of the two */
	int folded;	       /* its files whose detail it folded */
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
	    " (SELECT name FROM s.file_names WHERE file_id = f.id LIMIT 1),"
	    " lines FROM s.files AS f ORDER BY id",
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
		f->lines = sqlite3_column_int64(s, 7);
		sh->folded += !f->detail;
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
		const unsigned char *state = sqlite3_column_text(s, 4);

		f->mid = sqlite3_column_int64(s, 0);
		f->mbytes = sqlite3_column_int64(s, 1);
		f->mdetail = sqlite3_column_int(s, 2);
		f->mlines = sqlite3_column_int64(s, 3);
		snprintf(f->mstate, sizeof(f->mstate), "%s",
			 state ? (const char *)state : "");
	}
	sqlite3_finalize(s);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return store_fail(st, "merge failed", err, errlen);
	return rc == SQLITE_ROW;
}

#define MATCH_COLS                                                            \
	"SELECT m.id, m.bytes, m.detail, m.lines, m.state FROM main.files "   \
	"AS m"

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

	int64_t formats;

	for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++)
		if (store_exec2(st, sql[i], f->id, to, err, errlen) < 0)
			return -1;
	/* the format it was read with, from a shard that records it
	 * (schema 6) */
	if (store_one_int(
		st,
		"SELECT count(*) FROM pragma_table_info('files', 's')"
		" WHERE name = 'format'",
		&formats, err, errlen) < 0)
		return -1;
	return formats ? store_exec2(st,
				     "UPDATE main.files SET format = (SELECT"
				     " format FROM s.files WHERE id = ?1)"
				     " WHERE id = ?2",
				     f->id, to, err, errlen)
		       : 0;
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
		 "totals, and both read it: the merge could not be exact, "
		 "and nothing was merged (merge shards before their detail "
		 "is folded: ingest them with a larger --detail-days; or "
		 "'keyaudit forget' the file in this database first, so that "
		 "the shard's counts of it are taken whole)",
		 f->name, side);
	return -1;
}

/* Set the state of the total's file id to text. */
static int set_state(struct store *st, int64_t id, const char *text, char *err,
		     size_t errlen)
{
	sqlite3_stmt *s = store_prepare(
	    st, "UPDATE main.files SET state = ?2 WHERE id = ?1", err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_text(s, 2, text, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0
				 : store_fail(st, "merge failed", err, errlen);
}

/* Does the total's detail of file id end a part at line `lines` (so
 * that its parts up to there are what the shard counted)? */
static int has_part(struct store *st, int64_t id, int64_t lines, char *err,
		    size_t errlen)
{
	sqlite3_stmt *s = store_prepare(
	    st,
	    "SELECT EXISTS (SELECT 1 FROM main.file_counts WHERE file_id ="
	    " ?1 AND part = ?2)",
	    err, errlen);
	int rc;

	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, id);
	sqlite3_bind_int64(s, 2, lines);
	rc = sqlite3_step(s);
	rc = rc == SQLITE_ROW ? sqlite3_column_int(s, 0)
			      : store_fail(st, "merge failed", err, errlen);
	sqlite3_finalize(s);
	return rc;
}

/* A file the shard folded: its counts are in the shard's rollups only,
 * taken through merge_folded().  New here, it is recorded as one of the
 * shard's folded files; one of those already, its record follows the
 * shard's; read here too, its counts here up to the shard's line must
 * be in this database's detail (temp.kf), to be taken out of the
 * shard's. */
static int merge_folded_file(struct store *st, const struct shard *sh,
			     const struct shard_file *f, char *err,
			     size_t errlen)
{
	int64_t to = f->mid;
	int part;

	if (!f->mid || strcmp(f->mstate, sh->marker) == 0) {
		if (!f->mid && next_id(st, &to, err, errlen) < 0)
			return -1;
		if (copy_file(st, f, to, err, errlen) < 0)
			return -1;
		return set_state(st, to, sh->marker, err, errlen);
	}
	if (!f->mdetail || f->lines > f->mlines)
		return folded(f, "the shard", err, errlen);
	part = f->lines == f->mlines
		   ? 1
		   : has_part(st, f->mid, f->lines, err, errlen);
	if (part < 0)
		return -1;
	if (!part)
		return folded(f, "the shard", err, errlen);
	return store_exec2(st, "INSERT OR REPLACE INTO temp.kf VALUES(?1, ?2)",
			   f->mid, f->lines, err, errlen);
}

/* Merge one file of the shard.  One it read further than this database
 * replaces this database's counts of it on the days the shard still
 * holds (from its first day kept), and adds those of the days this
 * database keeps; one it read less far adds nothing. */
static int merge_one(struct store *st, const struct shard *sh,
		     struct shard_file *f, char *err, size_t errlen)
{
	int64_t to = f->mid;

	if (!f->detail)
		return merge_folded_file(st, sh, f, err, errlen);
	if (f->mid && f->bytes <= f->mbytes)
		return store_exec2(st,
				   "INSERT OR IGNORE INTO main.file_names "
				   "SELECT ?2, name FROM s.file_names WHERE "
				   "file_id = ?1",
				   f->id, f->mid, err, errlen);
	if (f->mid && !f->mdetail)
		return folded(f, "this database", err, errlen);
	if (f->mid &&
	    (store_detail_sum(st, "main", f->mid, -1, sh->first, err, errlen) <
		 0 ||
	     store_detail_remove(st, f->mid, sh->first, err, errlen) < 0))
		return -1;
	if (!f->mid && next_id(st, &to, err, errlen) < 0)
		return -1;
	if (copy_file(st, f, to, err, errlen) < 0 ||
	    store_detail_add(st, "s", f->id, to, sh->since, err, errlen) < 0)
		return -1;
	return store_detail_sum(st, "s", f->id, 1, sh->since, err, errlen);
}

/* The values of t's rows negated, for a sum that takes them out: the
 * times (first, last) become NULL, which min and max pass over. */
static const char *neg_vals(const struct store_table *t, char *buf, size_t cap)
{
	const char *p = store_vals(t);
	size_t at = 0;

	if (t->range)
		return "-n, NULL, NULL";
	for (int start = 1; *p && at + 2 < cap; p++) {
		if (start && *p != ' ')
			buf[at++] = '-';
		start = *p == ' ';
		buf[at++] = *p;
	}
	buf[at] = '\0';
	return buf;
}

/* temp.y_T: what the shard's folded files counted of t, by key, on its
 * days kept: its rollups, less its detail in them (of the files it did
 * not fold), less this database's detail of the files both read (up to
 * the shard's line: temp.kf). */
static int folded_sums(struct store *st, const struct shard *sh,
		       const struct store_table *t, char *err, size_t errlen)
{
	char sql[SQL_MAX];
	char neg[512];
	char days[48] = "";
	const char *nv = neg_vals(t, neg, sizeof(neg));

	if (sh->first[0])
		snprintf(days, sizeof(days), " AND day >= '%s'", sh->first);
	snprintf(sql, sizeof(sql),
		 "DROP TABLE IF EXISTS temp.y_%s;"
		 "CREATE TEMP TABLE y_%s AS SELECT %s, %s FROM ("
		 "SELECT %s, %s FROM s.rollup_%s WHERE 1%s"
		 " UNION ALL SELECT %s, %s FROM s.file_%s AS d WHERE %s%s"
		 " UNION ALL SELECT %s, %s FROM main.file_%s AS d JOIN"
		 " temp.kf AS k ON k.id = d.file_id WHERE d.part <= k.lines%s"
		 ") GROUP BY %s HAVING sum(n) > 0",
		 t->name, t->name, t->keys, store_sums(t), t->keys,
		 store_vals(t), t->name, days, t->keys, nv, t->name,
		 sh->v < 5 ? "0"
			   : "d.file_id IN (SELECT id FROM s.files WHERE"
			     " detail = 1) AND d.part <= (SELECT rolled FROM"
			     " s.files WHERE id = d.file_id)",
		 days, t->keys, nv, t->name, days, t->keys);
	return store_exec(st, sql, err, errlen);
}

/* The total's row of the shard's folded files (state 'shard'), made
 * when missing; its id into *id. */
static int shard_row(struct store *st, const struct shard *sh, int64_t *id,
		     char *err, size_t errlen)
{
	char fp[96];
	char name[512];
	sqlite3_stmt *s;
	int rc;

	snprintf(fp, sizeof(fp), "shard:%s", sh->id);
	snprintf(name, sizeof(name), "(the files %s folded)", sh->path);
	rc = store_one_text(st, "SELECT id FROM main.files WHERE head_fp = ?1",
			    fp, name, sizeof(name), err, errlen);
	if (rc != 0) {
		*id = rc > 0 ? strtoll(name, NULL, 10) : 0;
		return rc < 0 ? -1 : 0;
	}
	if (next_id(st, id, err, errlen) < 0)
		return -1;
	s = store_prepare(
	    st,
	    "INSERT INTO main.files(id, head_fp, head_len, marks, bytes,"
	    " lines, bad, pending, gzip, state, first_ingested,"
	    " last_ingested, detail, rolled) VALUES(?1, ?2, 0, x'', 0, 0,"
	    " 0, 0, 0, 'shard', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),"
	    " strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), 1, 0);"
	    " ",
	    err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, *id);
	sqlite3_bind_text(s, 2, fp, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	if (rc != SQLITE_DONE)
		return store_fail(st, "merge failed", err, errlen);
	s = store_prepare(st, "INSERT INTO main.file_names VALUES(?1, ?2)",
			  err, errlen);
	if (!s)
		return -1;
	sqlite3_bind_int64(s, 1, *id);
	sqlite3_bind_text(s, 2, name, -1, SQLITE_STATIC);
	rc = sqlite3_step(s);
	sqlite3_finalize(s);
	return rc == SQLITE_DONE ? 0
				 : store_fail(st, "merge failed", err, errlen);
}

/* Put what the shard's folded files counted (folded_sums()) as the
 * detail of its row here, in place of what the last merge of it put
 * there on the days the shard still holds, and into the rollups. */
static int merge_folded(struct store *st, const struct shard *sh, char *err,
			size_t errlen)
{
	char sql[SQL_MAX];
	char after[48] = "";
	int64_t row = 0;

	if (shard_row(st, sh, &row, err, errlen) < 0)
		return -1;
	for (int k = 0; k < store_kinds(st, "s"); k++)
		if (folded_sums(st, sh, &store_tables[k], err, errlen) < 0)
			return -1;
	if (store_detail_sum(st, "main", row, -1, sh->first, err, errlen) <
		0 ||
	    store_detail_remove(st, row, sh->first, err, errlen) < 0)
		return -1;
	if (sh->since[0])
		snprintf(after, sizeof(after), " WHERE day >= '%s'",
			 sh->since);
	for (int k = 0; k < store_kinds(st, "s"); k++) {
		const struct store_table *t = &store_tables[k];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO main.file_%s(file_id, part, %s, %s)"
			 " SELECT ?1, 0, * FROM temp.y_%s%s",
			 t->name, t->keys, store_vals(t), t->name, after);
		if (store_exec2(st, sql, row, 0, err, errlen) < 0)
			return -1;
	}
	if (store_detail_sum(st, "main", row, 1, sh->first, err, errlen) < 0)
		return -1;
	return store_exec2(
	    st,
	    "UPDATE main.files SET first_day = (SELECT min(day) FROM"
	    " main.file_counts WHERE file_id = ?1), last_day = (SELECT"
	    " max(day) FROM main.file_counts WHERE file_id = ?1),"
	    " last_ingested = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')"
	    " WHERE id = ?1",
	    row, 0, err, errlen);
}

/* A day from a meta value into out ("" when it is none). */
static void meta_day(struct store *st, const char *sql, char out[DAY_SIZE])
{
	char e[8];
	char v[32] = "";
	int64_t days;

	out[0] = '\0';
	if (store_one_text(st, sql, NULL, v, sizeof(v), e, sizeof(e)) == 1 &&
	    day_parse(v, &days) == 0)
		day_format(days, out);
}

/* The shard's schema, id and first day kept, and the total's. */
static int shard_info(struct store *st, struct shard *sh, char *err,
		      size_t errlen)
{
	char real[4096];

	if (store_one_int(st,
			  "SELECT CAST(value AS INTEGER) FROM s.meta WHERE"
			  " key = 'schema'",
			  &sh->v, err, errlen) < 0 ||
	    store_one_text(st, "SELECT value FROM s.meta WHERE key = 'db_id'",
			   NULL, sh->id, sizeof(sh->id), err, errlen) < 0)
		return -1;
	/* a shard made before databases had an id: known by its place */
	if (!sh->id[0])
		snprintf(sh->id, sizeof(sh->id), "%.79s",
			 realpath(sh->path, real) ? real : sh->path);
	snprintf(sh->marker, sizeof(sh->marker), "in shard:%s", sh->id);
	meta_day(st, "SELECT value FROM s.meta WHERE key = 'first_day'",
		 sh->first);
	meta_day(st, "SELECT value FROM main.meta WHERE key = 'first_day'",
		 sh->tfirst);
	snprintf(sh->since, sizeof(sh->since), "%s",
		 strcmp(sh->first, sh->tfirst) > 0 ? sh->first : sh->tfirst);
	return 0;
}

/* Does this database hold a row of the shard's folded files? */
static int has_shard_row(struct store *st, const struct shard *sh, char *err,
			 size_t errlen)
{
	char fp[96];
	char id[32];

	snprintf(fp, sizeof(fp), "shard:%s", sh->id);
	return store_one_text(st,
			      "SELECT id FROM main.files WHERE head_fp = ?1",
			      fp, id, sizeof(id), err, errlen);
}

/* Every file of the shard is new here and none is folded (the shard
 * of one night): its rollups are added whole on the days this database
 * keeps, with its detail not yet in them, and its detail is copied
 * under new ids.  The same sums as merge_one() file by file, in a few
 * statements. */
static int merge_all_new(struct store *st, const struct shard *sh, char *err,
			 size_t errlen)
{
	char sql[SQL_MAX];
	char where[512];
	char days[48] = "";
	int64_t base;

	if (next_id(st, &base, err, errlen) < 0)
		return -1;
	for (int i = 0; i < sh->n; i++)
		if (copy_file(st, &sh->f[i], base + i, err, errlen) < 0 ||
		    store_detail_add(st, "s", sh->f[i].id, base + i,
				     sh->tfirst, err, errlen) < 0)
			return -1;
	if (sh->tfirst[0])
		snprintf(days, sizeof(days), " AND day >= '%s'", sh->tfirst);
	for (int k = 0; k < store_kinds(st, "s"); k++) {
		const struct store_table *t = &store_tables[k];
		const char *vals = store_vals(t);

		snprintf(
		    sql, sizeof(sql),
		    "INSERT INTO main.rollup_%s(%s, %s) SELECT %s, %s FROM"
		    " s.rollup_%s WHERE 1%s%s",
		    t->name, t->keys, vals, t->keys, vals, t->name, days,
		    store_merge_tail(t));
		if (store_exec(st, sql, err, errlen) < 0)
			return -1;
	}
	/* schemas 3 and 4 kept none of the detail in the rollups */
	snprintf(where, sizeof(where), "%s%s%s",
		 sh->v < 5 ? "1" : STORE_UNROLLED("s."),
		 days[0] ? " AND d." : "", days[0] ? days + 5 : "");
	return store_rollup_add(st, "s", where, err, errlen);
}

static int merge_files(struct store *st, const char *path, char *err,
		       size_t errlen)
{
	struct shard sh;
	int known = 0;
	/* all of this database's detail in its rollups first */
	int rc = store_roll(st, err, errlen);

	memset(&sh, 0, sizeof(sh));
	sh.path = path;
	if (rc == 0)
		rc = shard_info(st, &sh, err, errlen);
	/* a shard of schema 5 or older has no origins to merge */
	st->shard_old = sh.v < 6;
	if (rc == 0)
		rc = load_shard(st, &sh, err, errlen);
	for (int i = 0; rc == 0 && i < sh.n; i++) {
		rc = match(st, &sh.f[i], err, errlen) < 0 ? -1 : 0;
		known += sh.f[i].mid != 0;
	}
	/* 1: this database holds a row of the shard's folded files */
	if (rc == 0)
		rc = has_shard_row(st, &sh, err, errlen);
	if (rc == 0 && !known && !sh.folded) {
		rc = merge_all_new(st, &sh, err, errlen);
		free(sh.f);
		return rc;
	}
	if (rc >= 0 && store_exec(st,
				  "CREATE TEMP TABLE IF NOT EXISTS kf(id"
				  " INTEGER PRIMARY KEY, lines INTEGER NOT"
				  " NULL); DELETE FROM temp.kf",
				  err, errlen) < 0)
		rc = -1;
	for (int i = 0; rc >= 0 && i < sh.n; i++)
		if (merge_one(st, &sh, &sh.f[i], err, errlen) < 0)
			rc = -1;
	if (rc > 0 || (rc == 0 && sh.folded))
		rc = merge_folded(st, &sh, err, errlen);
	free(sh.f);
	return rc < 0 ? -1 : 0;
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
	    " WHERE key NOT IN ('schema', 'first_day', 'db_id');"
	    "INSERT INTO main.classes SELECT * FROM s.classes"
	    " WHERE 1 ON CONFLICT(name) DO NOTHING;",
	    err, errlen);
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

int store_merge_shard(struct store *st, const char *path, char *err,
		      size_t errlen)
{
	char why[1024];
	int rc;

	if (attach(st, path, err, errlen) < 0)
		return -1;
	rc = store_write_begin(st, err, errlen);
	if (rc == 0) {
		rc = merge_meta(st, err, errlen);
		if (rc == 0)
			rc = merge_files(st, path, err, errlen);
		rc = store_write_end(st, rc, err, errlen);
	}
	if (rc != 0)
		snprintf(why, sizeof(why), "%s", err);
	st->shard_old = 0;
	sqlite3_exec(st->db, "DETACH s", NULL, NULL, NULL);
	if (rc != 0)
		snprintf(err, errlen, "%s: %s", path, why);
	return rc;
}
