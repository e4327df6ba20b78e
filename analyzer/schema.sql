-- schema.sql: the database's schema 6, the contract between the store
-- (which writes it) and the reports and gonogo (which read it).
--
-- What the reports read are the views counts, agents, creds,
-- cred_agents, routes, hours, origins and hourly, described below.  A row of a view is
-- not unique by its key: sum over rows.  Each view reads the rollup
-- (rollup_*), one row per key whatever the number of files or hosts that
-- carried it, and the detail (file_*, rows per log file) not yet added to
-- it.  Ingest and merge write the detail; ingest adds each batch's rows
-- into the rollups in the transaction that writes them as detail
-- (files.rolled says how far), and at the end of each run
-- the detail of files whose last day is more than --detail-days before
-- the newest day is deleted (files.detail = 0), so rows grow with
-- distinct keys, not with files.  While a file's detail is kept, an
-- exact merge and `keyaudit forget` can take its counts out again; see
-- docs/store.md.
--
-- Conventions: `day` is 'YYYY-MM-DD' in UTC; `first` and `last` are the
-- first and last request's time in seconds since the epoch, UTC; `class`
-- is a name from the classes table (or 'unknown'); `fp` is a keyed
-- fingerprint (16 hex digits), never a secret.  Agents and routes are
-- kept for legacy classes only, and scrubbed of anything credential-like.
-- The store embeds this file; every statement is idempotent.

-- key 'schema' = '6'; 'key_id' = the fingerprint key's id;
-- 'first_day' = the first day kept after `keyaudit prune` (absent: all);
-- 'db_id' = this database's own random id, by which a total that merges
-- it as a shard tells it from other shards.
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);

-- Auth classes of the rules, in report order; legacy = 1 for the
-- deprecated ones.
CREATE TABLE IF NOT EXISTS classes(name TEXT PRIMARY KEY,
 legacy INTEGER NOT NULL, ord INTEGER NOT NULL);

-- The ledger: one row per log file ever read, kept after its counts are
-- folded or pruned, so that it is never read twice.  A file is known by
-- its first head_len (at most 4096) decompressed bytes: head_fp is their
-- fingerprint, marks the 8-byte fingerprints of its first 64, 128, ...
-- bytes, last_mark the last of those (to find a file that grew).  crc is
-- the CRC-32 of its first `bytes` decompressed bytes (NULL: not known),
-- so that a gzip of them is known by its trailer, without inflating it.
-- rolled: the detail rows of a part up to it are in the rollups, those
-- of a later part not yet (-1: none is).  A row of state 'shard' (head_fp
-- 'shard:' and the shard's db_id, head_len 0) is no log file: its
-- detail is what `merge` took from that shard's folded files, replaced
-- at each merge of it; a file of state 'in shard:' and the id is one of
-- those folded files, known so that it is not read or merged again.
-- format: the format its lines were last read with, by name
-- ("combined"), or for an nginx: or regex: format its kind and a digest
-- of its string ("nginx:#3f09a1c2d4e5"); NULL when not recorded (read
-- before schema 6, or merged from a shard of schema 5 or before).
CREATE TABLE IF NOT EXISTS files(id INTEGER PRIMARY KEY,
 head_fp TEXT NOT NULL, head_len INTEGER NOT NULL,
 marks BLOB NOT NULL, last_mark INTEGER,
 bytes INTEGER NOT NULL, lines INTEGER NOT NULL, bad INTEGER NOT NULL,
 pending INTEGER NOT NULL, gzip INTEGER NOT NULL, state TEXT NOT NULL,
 first_ingested TEXT NOT NULL, last_ingested TEXT NOT NULL,
 first_day TEXT, last_day TEXT, detail INTEGER NOT NULL DEFAULT 1,
 crc INTEGER, rolled INTEGER NOT NULL DEFAULT -1, format TEXT);
CREATE INDEX IF NOT EXISTS files_head ON files(head_fp, head_len);
CREATE INDEX IF NOT EXISTS files_last_mark ON files(last_mark);
CREATE INDEX IF NOT EXISTS files_short ON files(head_len) WHERE head_len < 64;
-- The files with detail not yet in the rollups (what the views read of
-- the detail).
CREATE INDEX IF NOT EXISTS files_unrolled ON files(id)
 WHERE detail = 1 AND rolled < lines;
CREATE TABLE IF NOT EXISTS file_names(file_id INTEGER NOT NULL,
 name TEXT NOT NULL, PRIMARY KEY(file_id, name));
-- Copies on disk (a file and its gzip, say) read to their end with no
-- unfinished line: device, inode, size, modification time and raw_fp,
-- the fingerprint of the first 4096 bytes as stored.  A copy still like
-- that is not opened again.
CREATE TABLE IF NOT EXISTS file_disks(ino INTEGER NOT NULL,
 dev INTEGER NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
 raw_fp TEXT NOT NULL, file_id INTEGER NOT NULL,
 PRIMARY KEY(ino, dev)) WITHOUT ROWID;
-- Every mark of every file, to find a shorter copy of a known file.
CREATE TABLE IF NOT EXISTS file_marks(mark INTEGER NOT NULL,
 file_id INTEGER NOT NULL, PRIMARY KEY(mark, file_id)) WITHOUT ROWID;

-- Every request, by day, client, class, amnesty (0/1) and HTTP status.
CREATE TABLE IF NOT EXISTS rollup_counts(day TEXT NOT NULL, client TEXT NOT NULL,
 class TEXT NOT NULL, amnesty INTEGER NOT NULL, status INTEGER NOT NULL,
 n INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
 PRIMARY KEY(day, client, class, amnesty, status)) WITHOUT ROWID;
-- Legacy requests: the user agent (<= 512 bytes, scrubbed).
CREATE TABLE IF NOT EXISTS rollup_agents(day TEXT NOT NULL, client TEXT NOT NULL,
 class TEXT NOT NULL, agent TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(day, client, class, agent)) WITHOUT ROWID;
-- Legacy requests that carried a credential, by its fingerprint.  Rows
-- upgraded from schema 1 have status 0, amnesty 0 and no times (0).
CREATE TABLE IF NOT EXISTS rollup_creds(day TEXT NOT NULL, client TEXT NOT NULL,
 class TEXT NOT NULL, fp TEXT NOT NULL, amnesty INTEGER NOT NULL,
 status INTEGER NOT NULL, n INTEGER NOT NULL, first INTEGER NOT NULL,
 last INTEGER NOT NULL,
 PRIMARY KEY(day, client, class, fp, amnesty, status)) WITHOUT ROWID;
-- Legacy requests with a credential: its user agents.
CREATE TABLE IF NOT EXISTS rollup_cred_agents(day TEXT NOT NULL,
 client TEXT NOT NULL, fp TEXT NOT NULL, agent TEXT NOT NULL,
 n INTEGER NOT NULL, PRIMARY KEY(day, client, fp, agent)) WITHOUT ROWID;
-- Legacy requests: the path, templated (route.h), '' fp without a
-- credential.  At most 16 routes per client and day in one batch; the
-- rest are counted under '{other}'.
CREATE TABLE IF NOT EXISTS rollup_routes(day TEXT NOT NULL, client TEXT NOT NULL,
 fp TEXT NOT NULL, route TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(day, client, fp, route)) WITHOUT ROWID;
-- Legacy requests by hour of the day, for brownouts: one row a day and
-- key, n of them in all, h00 .. h23 in each hour (UTC).  (Read through
-- the view hourly, below, one row an hour.)
CREATE TABLE IF NOT EXISTS rollup_hours(day TEXT NOT NULL,
 client TEXT NOT NULL, class TEXT NOT NULL, amnesty INTEGER NOT NULL,
 status INTEGER NOT NULL, n INTEGER NOT NULL,
 h00 INTEGER NOT NULL, h01 INTEGER NOT NULL, h02 INTEGER NOT NULL,
 h03 INTEGER NOT NULL, h04 INTEGER NOT NULL, h05 INTEGER NOT NULL,
 h06 INTEGER NOT NULL, h07 INTEGER NOT NULL, h08 INTEGER NOT NULL,
 h09 INTEGER NOT NULL, h10 INTEGER NOT NULL, h11 INTEGER NOT NULL,
 h12 INTEGER NOT NULL, h13 INTEGER NOT NULL, h14 INTEGER NOT NULL,
 h15 INTEGER NOT NULL, h16 INTEGER NOT NULL, h17 INTEGER NOT NULL,
 h18 INTEGER NOT NULL, h19 INTEGER NOT NULL, h20 INTEGER NOT NULL,
 h21 INTEGER NOT NULL, h22 INTEGER NOT NULL, h23 INTEGER NOT NULL,
 PRIMARY KEY(day, client, class, amnesty, status)) WITHOUT ROWID;
-- Requests that carried a credential, by where they came from, for
-- credential succession by address and user agent and for lookup of a
-- modern credential under a client id.  Of a client named after its
-- credential ("fp:" and its fingerprint; fp is then ''), every request:
-- origin is the keyed fingerprint of its address and raw user agent
-- together (never either of them), as the 64-bit integer its 16 hex
-- digits write, at most two origins a (day, client) in one batch, the
-- rest under origin 0 (none), as are requests of a log without an
-- address.  Of another client (a client id), the credentials of classes
-- that are not legacy, by fp, under origin 0.  A row per client and day,
-- mostly.
CREATE TABLE IF NOT EXISTS rollup_origins(day TEXT NOT NULL,
 client TEXT NOT NULL, class TEXT NOT NULL, fp TEXT NOT NULL,
 origin INTEGER NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(day, client, class, fp, origin)) WITHOUT ROWID;

-- The detail: rows per file, while files.detail = 1.  part is the
-- file's line count at the commit that wrote the row: each batch's rows
-- are new rows, appended after the file's earlier ones, so that a batch
-- of many distinct keys does not rewrite pages all over the table (a
-- key may have a row in each part: sum over rows).
CREATE TABLE IF NOT EXISTS file_counts(file_id INTEGER NOT NULL,
 part INTEGER NOT NULL, day TEXT NOT NULL, client TEXT NOT NULL, class TEXT NOT NULL,
 amnesty INTEGER NOT NULL, status INTEGER NOT NULL, n INTEGER NOT NULL,
 first INTEGER NOT NULL, last INTEGER NOT NULL,
 PRIMARY KEY(file_id, part, day, client, class, amnesty, status)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_agents(file_id INTEGER NOT NULL,
 part INTEGER NOT NULL, day TEXT NOT NULL, client TEXT NOT NULL, class TEXT NOT NULL,
 agent TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(file_id, part, day, client, class, agent)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_creds(file_id INTEGER NOT NULL,
 part INTEGER NOT NULL, day TEXT NOT NULL, client TEXT NOT NULL, class TEXT NOT NULL,
 fp TEXT NOT NULL, amnesty INTEGER NOT NULL, status INTEGER NOT NULL,
 n INTEGER NOT NULL, first INTEGER NOT NULL, last INTEGER NOT NULL,
 PRIMARY KEY(file_id, part, day, client, class, fp, amnesty, status))
 WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_cred_agents(file_id INTEGER NOT NULL,
 part INTEGER NOT NULL, day TEXT NOT NULL, client TEXT NOT NULL, fp TEXT NOT NULL,
 agent TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(file_id, part, day, client, fp, agent)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_routes(file_id INTEGER NOT NULL,
 part INTEGER NOT NULL, day TEXT NOT NULL, client TEXT NOT NULL, fp TEXT NOT NULL,
 route TEXT NOT NULL, n INTEGER NOT NULL,
 PRIMARY KEY(file_id, part, day, client, fp, route)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_hours(file_id INTEGER NOT NULL,
 part INTEGER NOT NULL, day TEXT NOT NULL, client TEXT NOT NULL, class TEXT NOT NULL,
 amnesty INTEGER NOT NULL, status INTEGER NOT NULL, n INTEGER NOT NULL,
 h00 INTEGER NOT NULL, h01 INTEGER NOT NULL, h02 INTEGER NOT NULL,
 h03 INTEGER NOT NULL, h04 INTEGER NOT NULL, h05 INTEGER NOT NULL,
 h06 INTEGER NOT NULL, h07 INTEGER NOT NULL, h08 INTEGER NOT NULL,
 h09 INTEGER NOT NULL, h10 INTEGER NOT NULL, h11 INTEGER NOT NULL,
 h12 INTEGER NOT NULL, h13 INTEGER NOT NULL, h14 INTEGER NOT NULL,
 h15 INTEGER NOT NULL, h16 INTEGER NOT NULL, h17 INTEGER NOT NULL,
 h18 INTEGER NOT NULL, h19 INTEGER NOT NULL, h20 INTEGER NOT NULL,
 h21 INTEGER NOT NULL, h22 INTEGER NOT NULL, h23 INTEGER NOT NULL,
 PRIMARY KEY(file_id, part, day, client, class, amnesty, status)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS file_origins(file_id INTEGER NOT NULL,
 part INTEGER NOT NULL, day TEXT NOT NULL, client TEXT NOT NULL,
 class TEXT NOT NULL, fp TEXT NOT NULL, origin INTEGER NOT NULL,
 n INTEGER NOT NULL,
 PRIMARY KEY(file_id, part, day, client, class, fp, origin)) WITHOUT ROWID;

-- The views the reports read: the rollup, and the detail of the parts
-- not yet in it (a run that was interrupted, or is still reading).
-- A reader that finds no such part shadows each view with a TEMP view
-- of its columns over the rollup alone (store_schema.c).
CREATE VIEW IF NOT EXISTS counts AS
 SELECT day, client, class, amnesty, status, n, first, last
 FROM rollup_counts UNION ALL
 SELECT day, client, class, amnesty, status, n, first, last
 FROM file_counts AS d WHERE d.file_id IN (SELECT id FROM files
 WHERE detail = 1 AND rolled < lines)
 AND d.part > (SELECT rolled FROM files WHERE id = d.file_id);
CREATE VIEW IF NOT EXISTS agents AS
 SELECT day, client, class, agent, n
 FROM rollup_agents UNION ALL
 SELECT day, client, class, agent, n
 FROM file_agents AS d WHERE d.file_id IN (SELECT id FROM files
 WHERE detail = 1 AND rolled < lines)
 AND d.part > (SELECT rolled FROM files WHERE id = d.file_id);
CREATE VIEW IF NOT EXISTS creds AS
 SELECT day, client, class, fp, amnesty, status, n, first, last
 FROM rollup_creds UNION ALL
 SELECT day, client, class, fp, amnesty, status, n, first, last
 FROM file_creds AS d WHERE d.file_id IN (SELECT id FROM files
 WHERE detail = 1 AND rolled < lines)
 AND d.part > (SELECT rolled FROM files WHERE id = d.file_id);
CREATE VIEW IF NOT EXISTS cred_agents AS
 SELECT day, client, fp, agent, n
 FROM rollup_cred_agents UNION ALL
 SELECT day, client, fp, agent, n
 FROM file_cred_agents AS d WHERE d.file_id IN (SELECT id FROM files
 WHERE detail = 1 AND rolled < lines)
 AND d.part > (SELECT rolled FROM files WHERE id = d.file_id);
CREATE VIEW IF NOT EXISTS routes AS
 SELECT day, client, fp, route, n
 FROM rollup_routes UNION ALL
 SELECT day, client, fp, route, n
 FROM file_routes AS d WHERE d.file_id IN (SELECT id FROM files
 WHERE detail = 1 AND rolled < lines)
 AND d.part > (SELECT rolled FROM files WHERE id = d.file_id);
CREATE VIEW IF NOT EXISTS hours AS
 SELECT day, client, class, amnesty, status, n,
 h00, h01, h02, h03, h04, h05, h06, h07,
 h08, h09, h10, h11, h12, h13, h14, h15,
 h16, h17, h18, h19, h20, h21, h22, h23
 FROM rollup_hours UNION ALL
 SELECT day, client, class, amnesty, status, n,
 h00, h01, h02, h03, h04, h05, h06, h07,
 h08, h09, h10, h11, h12, h13, h14, h15,
 h16, h17, h18, h19, h20, h21, h22, h23
 FROM file_hours AS d WHERE d.file_id IN (SELECT id FROM files
 WHERE detail = 1 AND rolled < lines)
 AND d.part > (SELECT rolled FROM files WHERE id = d.file_id);
CREATE VIEW IF NOT EXISTS origins AS
 SELECT day, client, class, fp, origin, n
 FROM rollup_origins UNION ALL
 SELECT day, client, class, fp, origin, n
 FROM file_origins AS d WHERE d.file_id IN (SELECT id FROM files
 WHERE detail = 1 AND rolled < lines)
 AND d.part > (SELECT rolled FROM files WHERE id = d.file_id);
-- The same, one row per hour with requests: hour (0..23) and n.
CREATE VIEW IF NOT EXISTS hourly AS
 WITH h(hour) AS (VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9),
  (10), (11), (12), (13), (14), (15), (16), (17), (18), (19), (20), (21),
  (22), (23))
 SELECT * FROM (SELECT day, hour, client, class, amnesty, status,
  CASE hour WHEN 0 THEN h00 WHEN 1 THEN h01 WHEN 2 THEN h02 WHEN 3 THEN h03
  WHEN 4 THEN h04 WHEN 5 THEN h05 WHEN 6 THEN h06 WHEN 7 THEN h07
  WHEN 8 THEN h08 WHEN 9 THEN h09 WHEN 10 THEN h10 WHEN 11 THEN h11
  WHEN 12 THEN h12 WHEN 13 THEN h13 WHEN 14 THEN h14 WHEN 15 THEN h15
  WHEN 16 THEN h16 WHEN 17 THEN h17 WHEN 18 THEN h18 WHEN 19 THEN h19
  WHEN 20 THEN h20 WHEN 21 THEN h21 WHEN 22 THEN h22 WHEN 23 THEN h23 END AS n FROM hours JOIN h) WHERE n > 0;
