/* store_schema.c: create the schema of schema.sql, check its version,
 * and upgrade a database of schema 1 to 5 in place. */
#include <stdio.h>
#include <string.h>

#include "store_int.h"

static const char schema_sql[] =
#include "schema.inc"
    ;

/* Schema 1 kept every row per file (file_id first in every key), and
 * credentials without amnesty, status or times.  Its rows become the
 * detail of schema 2 and 3, folded into the rollups by the next
 * ingest. */
static const char upgrade_v1[] =
    /* the earliest databases lacked some of schema 1's tables */
    "CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY,"
    " head_fp TEXT NOT NULL UNIQUE, head_len INTEGER NOT NULL,"
    " short_fp TEXT NOT NULL, bytes INTEGER NOT NULL,"
    " lines INTEGER NOT NULL, bad INTEGER NOT NULL,"
    " pending INTEGER NOT NULL, gzip INTEGER NOT NULL,"
    " state TEXT NOT NULL, first_ingested TEXT NOT NULL,"
    " last_ingested TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS file_names(file_id INTEGER NOT NULL,"
    " name TEXT NOT NULL, PRIMARY KEY(file_id, name));"
    "DROP INDEX IF EXISTS counts_day;"
    "ALTER TABLE counts RENAME TO v1_counts;"
    "ALTER TABLE agents RENAME TO v1_agents;"
    "ALTER TABLE creds RENAME TO v1_creds;"
    "ALTER TABLE files RENAME TO v1_files;"
    "ALTER TABLE file_names RENAME TO v1_file_names;";

static const char upgrade_v1_copy[] =
    "INSERT INTO files(id, head_fp, head_len, marks, last_mark, bytes,"
    " lines, bad, pending, gzip, state, first_ingested, last_ingested,"
    " first_day, last_day, detail)"
    " SELECT id, head_fp, head_len, x'', NULL, bytes, lines, bad,"
    " pending, gzip, state, first_ingested, last_ingested,"
    " (SELECT min(day) FROM v1_counts WHERE file_id = f.id),"
    " (SELECT max(day) FROM v1_counts WHERE file_id = f.id), 1"
    " FROM v1_files AS f;"
    "INSERT INTO file_names SELECT file_id, name FROM v1_file_names;"
    "INSERT INTO file_counts SELECT file_id, 0, day, client, class, amnesty,"
    " status, n, first, last FROM v1_counts;"
    "INSERT INTO file_agents SELECT file_id, 0, day, client, class, agent, n"
    " FROM v1_agents;"
    "INSERT INTO file_creds SELECT file_id, 0, day, client, class, fp, 0, 0,"
    " n, 0, 0 FROM v1_creds;"
    "DROP TABLE v1_counts; DROP TABLE v1_agents; DROP TABLE v1_creds;"
    "DROP TABLE v1_files; DROP TABLE v1_file_names;";

/* Schema 3 adds the CRC-32 of each file's bytes read (unknown for the
 * files read before), keeps a day's hours of one key in a row of its
 * own (hours) where schema 2 had a row an hour (hourly, now the view
 * that unfolds them), and gives the detail a part (0 for the rows of
 * schema 2).  The views are made again over the new tables. */
static const char upgrade_v2[] =
    "ALTER TABLE files ADD COLUMN crc INTEGER;"
    "ALTER TABLE file_counts RENAME TO v2_file_counts;"
    "ALTER TABLE file_agents RENAME TO v2_file_agents;"
    "ALTER TABLE file_creds RENAME TO v2_file_creds;"
    "ALTER TABLE file_cred_agents RENAME TO v2_file_cred_agents;"
    "ALTER TABLE file_routes RENAME TO v2_file_routes;";

/* schema 2's detail of every kind but the hours, as part 0. */
static int upgrade_v2_detail(struct store *st, char *err, size_t errlen)
{
	char sql[SQL_MAX];

	for (int k = 0; k < KIND_HOURS; k++) {
		const struct store_table *t = &store_tables[k];

		snprintf(sql, sizeof(sql),
			 "INSERT INTO file_%s(file_id, part, %s, %s) SELECT"
			 " file_id, 0, %s, %s FROM v2_file_%s;"
			 "DROP TABLE v2_file_%s",
			 t->name, t->keys, store_vals(t), t->keys,
			 store_vals(t), t->name, t->name);
		if (store_exec(st, sql, err, errlen) < 0)
			return -1;
	}
	return 0;
}

/* schema 2's hourly rows, of the table "rollup" or "file", into the
 * rows of hours. */
static int upgrade_v2_hours(struct store *st, const char *table, char *err,
			    size_t errlen)
{
	int file = strcmp(table, "file") == 0;
	const char *keys = store_tables[KIND_HOURS].keys;
	char sql[SQL_MAX];
	size_t n;

	n = (size_t)snprintf(sql, sizeof(sql),
			     "INSERT INTO %s_hours SELECT %s%s, sum(n)", table,
			     file ? "file_id, 0, " : "", keys);
	for (int h = 0; h < 24 && n < sizeof(sql); h++)
		n += (size_t)snprintf(sql + n, sizeof(sql) - n,
				      ", sum(CASE hour WHEN %d THEN n ELSE 0"
				      " END)",
				      h);
	if (n < sizeof(sql))
		snprintf(sql + n, sizeof(sql) - n,
			 " FROM %s_hourly GROUP BY %s%s; DROP TABLE %s_hourly",
			 table, file ? "file_id, " : "", keys, table);
	return store_exec(st, sql, err, errlen);
}

/* Schema 4 drops the rollups' secondary indexes (by client and by
 * fingerprint): each night's fold wrote into every leaf page of them,
 * a cost that grew with the history kept.  The reports read one client
 * or fingerprint through a set (a temporary table) in one scan instead.
 * Schema 3 is the same tables and may be read as it is. */
static const char upgrade_v3[] = "DROP INDEX IF EXISTS rollup_counts_client;"
				 "DROP INDEX IF EXISTS rollup_creds_fp;";

/* Schema 5 adds each run's new detail into the rollups at its end
 * (files.rolled says how far), so that a night's cost follows its new
 * files: folding an old file is deleting its detail.  Before, the
 * detail was added into the rollups only when folded, and the views
 * read all of it.  The views are made anew; the upgrade adds all the
 * detail into the rollups.  Schemas 3 and 4 may be read as they are,
 * with their own views. */
static const char upgrade_v4[] =
    "ALTER TABLE files ADD COLUMN rolled INTEGER NOT NULL DEFAULT -1;";
static const char drop_views[] =
    "DROP VIEW IF EXISTS hourly; DROP VIEW IF EXISTS counts;"
    "DROP VIEW IF EXISTS agents; DROP VIEW IF EXISTS creds;"
    "DROP VIEW IF EXISTS cred_agents; DROP VIEW IF EXISTS routes;"
    "DROP VIEW IF EXISTS hours; DROP VIEW IF EXISTS origins;";
/* Schema 6 adds the origins of requests with a credential (rollup_ and
 * file_origins, and their view, made by schema.sql): they start empty,
 * and a database of schema 5 is read as it is, without successions by
 * address and agent (the readers look for the view).  It also records
 * the format each file was read with (files.format), NULL for the files
 * read before, added here only when missing.  Schemas 3 to 5 may be
 * read as they are. */
static int upgrade_v5(struct store *st, char *err, size_t errlen)
{
	int64_t has;

	if (store_one_int(st,
			  "SELECT count(*) FROM pragma_table_info('files')"
			  " WHERE name = 'format'",
			  &has, err, errlen) < 0)
		return -1;
	return has ? 0
		   : store_exec(st, "ALTER TABLE files ADD COLUMN format TEXT",
				err, errlen);
}
#define SCHEMA_READABLE 3 /* the oldest schema read without an upgrade */

/* The schema version in meta: 1 for a database of counts by file
 * without a meta table (the first versions), 0 when there is neither (a
 * new, empty file), -1 when the query fails otherwise. */
static int version(struct store *st, int64_t *v, char *err, size_t errlen)
{
	int64_t tables;

	if (store_one_int(st,
			  "SELECT count(*) FROM sqlite_master WHERE "
			  "type = 'table' AND name = 'meta'",
			  &tables, err, errlen) < 0)
		return -1;
	*v = 0;
	if (tables == 0)
		return store_one_int(st,
				     "SELECT count(*) > 0 FROM "
				     "pragma_table_info('counts') WHERE "
				     "name = 'file_id'",
				     v, err, errlen) < 0
			   ? -1
			   : 0;
	return store_one_int(st,
			     "SELECT CAST(value AS INTEGER) FROM meta WHERE "
			     "key = 'schema'",
			     v, err, errlen) < 0
		   ? -1
		   : 0;
}

static int newer(struct store *st, int64_t v, char *err, size_t errlen)
{
	snprintf(err, errlen,
		 "%s: made by a newer keyaudit (schema %lld; this one knows "
		 "%d): use that version",
		 st->path, (long long)v, SCHEMA_VERSION);
	return -1;
}

/* Create or upgrade, inside the caller's transaction. */
static int build(struct store *st, int64_t v, char *err, size_t errlen)
{
	char sql[128];

	if (v > SCHEMA_VERSION)
		return newer(st, v, err, errlen);
	/* schema 1's tables renamed, then every view dropped (before
	 * schema 2's tables under them are renamed) */
	if ((v == 1 && store_exec(st, upgrade_v1, err, errlen) < 0) ||
	    (v > 0 && store_exec(st, drop_views, err, errlen) < 0) ||
	    (v == 2 && store_exec(st, upgrade_v2, err, errlen) < 0) ||
	    (v > 1 && v < 5 && store_exec(st, upgrade_v4, err, errlen) < 0) ||
	    (v > 1 && upgrade_v5(st, err, errlen) < 0))
		return -1;
	if (store_exec(st, schema_sql, err, errlen) < 0)
		return -1;
	if (v == 1 && store_exec(st, upgrade_v1_copy, err, errlen) < 0)
		return -1;
	if (v == 2 && (upgrade_v2_hours(st, "rollup", err, errlen) < 0 ||
		       upgrade_v2_hours(st, "file", err, errlen) < 0 ||
		       upgrade_v2_detail(st, err, errlen) < 0))
		return -1;
	if (v > 0 && (store_exec(st, upgrade_v3, err, errlen) < 0 ||
		      store_roll(st, err, errlen) < 0))
		return -1;
	snprintf(sql, sizeof(sql),
		 "INSERT INTO meta VALUES('schema', '%d') ON CONFLICT"
		 " DO UPDATE SET value = excluded.value",
		 SCHEMA_VERSION);
	return store_exec(st, sql, err, errlen);
}

/* Refuse a database that is another program's: one whose application
 * id is not keyaudit's, or one of id 0 (all keyaudit's before the id)
 * with tables but none of keyaudit's schema. */
static int foreign(struct store *st, int64_t v, char *err, size_t errlen)
{
	int64_t id;
	int64_t tables = 0;

	if (store_one_int(st, "PRAGMA application_id", &id, err, errlen) < 0)
		return -1;
	if (id == STORE_APPLICATION_ID || (id == 0 && v > 0))
		return 0;
	if (id == 0 && store_one_int(st, "SELECT count(*) FROM sqlite_master",
				     &tables, err, errlen) < 0)
		return -1;
	if (id == 0 && tables == 0)
		return 0;
	snprintf(err, errlen,
		 "%s: not a keyaudit database (another program's SQLite "
		 "file): left untouched; give --db a new file",
		 st->path);
	return -1;
}

int store_schema_check(struct store *st, char *err, size_t errlen)
{
	int64_t v;

	if (version(st, &v, err, errlen) < 0)
		return -1;
	return foreign(st, v, err, errlen);
}

int store_schema_write(struct store *st, char *err, size_t errlen)
{
	int64_t v;
	char sql[64];
	int rc;

	snprintf(sql, sizeof(sql), "PRAGMA application_id = %d",
		 STORE_APPLICATION_ID);
	if (store_write_begin(st, err, errlen) < 0)
		return -1;
	rc = version(st, &v, err, errlen) < 0 ||
		     foreign(st, v, err, errlen) < 0 ||
		     (v != SCHEMA_VERSION && build(st, v, err, errlen) < 0) ||
		     store_exec(st, sql, err, errlen) < 0 ||
		     store_exec(st,
				"INSERT OR IGNORE INTO meta VALUES("
				"'db_id', lower(hex(randomblob(8))))",
				err, errlen) < 0
		 ? -1
		 : 0;
	return store_write_end(st, rc, err, errlen);
}

/* The view of kind k, shadowed by a TEMP view of the same columns over
 * its rollup alone (temp comes first in SQLite's name lookup).  Return
 * 0 or -1 with err set. */
static int rollup_view(struct store *st, int k, char *err, size_t errlen)
{
	char cols[SQL_MAX / 2], sql[SQL_MAX];
	const char *name = store_tables[k].name;

	if (store_one_text(st,
			   "SELECT group_concat(name, ', ') FROM"
			   " pragma_table_info(?1, 'main')",
			   name, cols, sizeof(cols), err, errlen) != 1)
		return -1;
	snprintf(sql, sizeof(sql),
		 "CREATE TEMP VIEW %s AS SELECT %s FROM main.rollup_%s", name,
		 cols, name);
	return store_exec(st, sql, err, errlen);
}

/* One snapshot for the whole of a reading: a read transaction, held
 * until the store is closed.  When no file's detail waits to be rolled
 * up (the second half of every view of schema.sql is empty), the views
 * are shadowed by views of the rollups alone, which SQLite flattens
 * into the reports' queries instead of reading a UNION ALL through a
 * co-routine: the same rows, about half the work.  Return 0 or -1 with
 * err set. */
static int read_snapshot(struct store *st, char *err, size_t errlen)
{
	int64_t pending;

	if (store_exec(st, "BEGIN", err, errlen) < 0 ||
	    store_one_int(st,
			  "SELECT EXISTS (SELECT 1 FROM files WHERE"
			  " detail = 1 AND rolled < lines)",
			  &pending, err, errlen) < 0)
		return -1;
	for (int k = 0; !pending && k < KIND_N; k++)
		if (rollup_view(st, k, err, errlen) < 0)
			return -1;
	return 0;
}

int store_schema_read(struct store *st, char *err, size_t errlen)
{
	int64_t v;
	int64_t tables;

	if (version(st, &v, err, errlen) < 0 ||
	    foreign(st, v, err, errlen) < 0)
		return -1;
	if (v == 0) {
		if (store_one_int(st, "SELECT count(*) FROM sqlite_master",
				  &tables, err, errlen) < 0)
			return -1;
		snprintf(err, errlen,
			 tables ? "%s: not a keyaudit database"
				: "%s: holds no data yet (the first ingest "
				  "has not finished)",
			 st->path);
		return -1;
	}
	if (v > SCHEMA_VERSION)
		return newer(st, v, err, errlen);
	if (v == SCHEMA_VERSION)
		return read_snapshot(st, err, errlen);
	return v < SCHEMA_READABLE ? 1 : 0;
}
