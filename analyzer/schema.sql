-- schema.sql: the database's schema 2, the contract between the store
-- (which writes it) and the reports and gonogo (which read it).
--
-- Two kinds of tables.  The rollups (counts, agents, creds, cred_agents,
-- routes, hourly) hold one row per distinct key and day, whatever the
-- number of files or hosts that carried it: reports read only these.
-- The detail tables (file_*) hold the same rows per file, for the files
-- whose detail is still kept (files.detail = 1): what an exact merge and
-- `keyaudit forget` need to take one file's counts out again.  Detail is
-- folded away (deleted; the rollups already hold it) once a file's last
-- day is more than a few days older than the newest (see docs/store.md).
--
-- Conventions: `day` is 'YYYY-MM-DD' in UTC; `first` and `last` are the
-- first and last request's time in seconds since the epoch, UTC; `class`
-- is a name from the classes table (or 'unknown'); `fp` is a keyed
-- fingerprint (16 hex digits), never a secret.  Agents and routes are
-- kept for legacy classes only, and scrubbed of anything credential-like.
-- The store embeds this file; every statement is idempotent.

-- key 'schema' = '2'; 'key_id' = the fingerprint key's id;
-- 'first_day' = the first day kept after `keyaudit prune` (absent: all).
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Auth classes of the rules, in report order; legacy = 1 for the
-- deprecated ones.
CREATE TABLE IF NOT EXISTS classes(name TEXT PRIMARY KEY,
 legacy INTEGER NOT NULL, ord INTEGER NOT NULL);

-- The ledger: one row per log file ever read, kept after its counts are
-- folded or pruned, so that it is never read twice.  A file is known by
-- its first head_len (at most 4096) decompressed bytes: head_fp is their
-- fingerprint, marks the 8-byte fingerprints of its first 64, 128, ...
-- bytes, last_mark the last of those (to find a file that grew).
-- dev, ino, size, mtime_ns and raw_fp (the first 4096 bytes on disk)
-- describe the file as it was when last read to its end: a file still
-- like that is not opened again.
CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY,
 head_fp TEXT NOT NULL, head_len INTEGER NOT NULL,
 marks BLOB NOT NULL, last_mark INTEGER,
 bytes INTEGER NOT NULL, lines INTEGER NOT NULL, bad INTEGER NOT NULL,
 pending INTEGER NOT NULL, gzip INTEGER NOT NULL, state TEXT NOT NULL,
 first_ingested TEXT NOT NULL, last_ingested TEXT NOT NULL,
 dev INTEGER, ino INTEGER, size INTEGER, mtime_ns INTEGER, raw_fp TEXT,
 first_day TEXT, last_day TEXT, detail INTEGER NOT NULL DEFAULT 1);
CREATE INDEX IF NOT EXISTS files_head ON files(head_fp, head_len);
CREATE INDEX IF NOT EXISTS files_last_mark ON files(last_mark);
CREATE INDEX IF NOT EXISTS files_short ON files(head_len) WHERE head_len < 64;
CREATE INDEX IF NOT EXISTS files_disk ON files(ino, dev);
CREATE TABLE IF NOT EXISTS file_names(file_id INTEGER NOT NULL,
 name TEXT NOT NULL, PRIMARY KEY(file_id, name));
-- Every mark of every file, to find a shorter copy of a known file.
CREATE TABLE IF NOT EXISTS file_marks(mark INTEGER NOT NULL,
 file_id INTEGER NOT NULL, PRIMARY KEY(mark, file_id)) WITHOUT ROWID;

-- Every request, by day, client, class, amnesty (0/1) and HTTP status.
CREATE TABLE IF NOT EXISTS counts(day TEXT NOT NULL, client TEXT NOT NULL,
 class TEXT NOT NULL, amnesty INTEGER NOT NULL, status INTEGER NOT NULL,
 n INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
 PRIMARY KEY(day, client, class, amnesty, status)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS counts_client ON counts(client, day);
-- Legacy requests: the user agent (<= 512 bytes, scrubbed).
CREATE TABLE IF NOT EXISTS agents(day TEXT NOT NULL, client TEXT NOT NULL,
 class TEXT NOT NULL, agent TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(day, client, class, agent)) WITHOUT ROWID;
-- Legacy requests that carried a credential, by its fingerprint.  Rows
-- upgraded from schema 1 have status 0, amnesty 0 and no times (0).
CREATE TABLE IF NOT EXISTS creds(day TEXT NOT NULL, client TEXT NOT NULL,
 class TEXT NOT NULL, fp TEXT NOT NULL, amnesty INTEGER NOT NULL,
 status INTEGER NOT NULL, n INTEGER NOT NULL, first INTEGER NOT NULL,
 last INTEGER NOT NULL,
 PRIMARY KEY(day, client, class, fp, amnesty, status)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS creds_fp ON creds(fp, day);
-- Legacy requests with a credential: its user agents.
CREATE TABLE IF NOT EXISTS cred_agents(day TEXT NOT NULL,
 client TEXT NOT NULL, fp TEXT NOT NULL, agent TEXT NOT NULL,
 n INTEGER NOT NULL, PRIMARY KEY(day, client, fp, agent)) WITHOUT ROWID;
-- Legacy requests: the path, templated (route.h), '' fp without a
-- credential.  At most 16 routes per client and day in one batch; the
-- rest are counted under '{other}'.
CREATE TABLE IF NOT EXISTS routes(day TEXT NOT NULL, client TEXT NOT NULL,
 fp TEXT NOT NULL, route TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(day, client, fp, route)) WITHOUT ROWID;
-- Legacy requests by hour of the day (0..23, UTC), for brownouts.
CREATE TABLE IF NOT EXISTS hourly(day TEXT NOT NULL, hour INTEGER NOT NULL,
 client TEXT NOT NULL, class TEXT NOT NULL, amnesty INTEGER NOT NULL,
 status INTEGER NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(day, hour, client, class, amnesty, status)) WITHOUT ROWID;

-- The detail: the rollups' rows per file, while files.detail = 1.
CREATE TABLE IF NOT EXISTS file_counts(file_id INTEGER NOT NULL,
 day TEXT NOT NULL, client TEXT NOT NULL, class TEXT NOT NULL,
 amnesty INTEGER NOT NULL, status INTEGER NOT NULL, n INTEGER NOT NULL,
 first INTEGER NOT NULL, last INTEGER NOT NULL,
 PRIMARY KEY(file_id, day, client, class, amnesty, status)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_agents(file_id INTEGER NOT NULL,
 day TEXT NOT NULL, client TEXT NOT NULL, class TEXT NOT NULL,
 agent TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(file_id, day, client, class, agent)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_creds(file_id INTEGER NOT NULL,
 day TEXT NOT NULL, client TEXT NOT NULL, class TEXT NOT NULL,
 fp TEXT NOT NULL, amnesty INTEGER NOT NULL, status INTEGER NOT NULL,
 n INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
 PRIMARY KEY(file_id, day, client, class, fp, amnesty, status))
 WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_cred_agents(file_id INTEGER NOT NULL,
 day TEXT NOT NULL, client TEXT NOT NULL, fp TEXT NOT NULL,
 agent TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(file_id, day, client, fp, agent)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_routes(file_id INTEGER NOT NULL,
 day TEXT NOT NULL, client TEXT NOT NULL, fp TEXT NOT NULL,
 route TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(file_id, day, client, fp, route)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_hourly(file_id INTEGER NOT NULL,
 day TEXT NOT NULL, hour INTEGER NOT NULL, client TEXT NOT NULL,
 class TEXT NOT NULL, amnesty INTEGER NOT NULL, status INTEGER NOT NULL,
 n INTEGER NOT NULL,
 PRIMARY KEY(file_id, day, hour, client, class, amnesty, status))
 WITHOUT ROWID;
