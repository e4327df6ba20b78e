// duckdb_classify.mjs: classify.awk's count (client, day, class) in
// DuckDB through @duckdb/node-api, for make bench: what a user might
// pick instead of keyaudit.  Lines are split at '"' as in classify.awk;
// lines DuckDB cannot read (binary noise) are skipped.  Node finds the
// package beside the copy make bench runs (bench/node, never committed).
// Usage: node duckdb_classify.mjs LOG.gz [THREADS]
import { DuckDBInstance } from '@duckdb/node-api';

const file = process.argv[2].replaceAll("'", "''");
const threads = process.argv[3] || '2';
const cols = {};
for (let i = 0; i < 15; i++)
	cols['c' + String(i).padStart(2, '0')] = 'VARCHAR';
const db = await DuckDBInstance.create(':memory:', { threads });
const con = await db.connect();
const sql = `
SELECT client, day, class, count(*) AS requests FROM (
  SELECT
    CASE WHEN c11 IS NULL OR c11 IN ('-', '') THEN split_part(c00, ' ', 1)
         ELSE c11 END AS client,
    substr(split_part(c00, ' ', 4), 2, 11) AS day,
    CASE
      WHEN c07 IS NULL OR c07 IN ('-', '') THEN
        CASE WHEN split_part(c00, ' ', 3) <> '-' THEN 'api_key'
             ELSE 'none' END
      WHEN regexp_matches(c07,
        '^([Bb]asic |[Bb]earer )?(\\[\\]|"?(?i:redacted)"?|\\*{3,}|x{3,})$')
        THEN 'hidden'
      WHEN lower(substr(c07, 1, 6)) = 'basic ' THEN 'basic'
      WHEN lower(substr(c07, 1, 7)) = 'bearer ' THEN 'bearer'
      ELSE 'other'
    END AS class
  FROM read_csv('${file}', compression = 'gzip', delim = '"', quote = '',
    escape = '', header = false, auto_detect = false, null_padding = true,
    ignore_errors = true, columns = ${JSON.stringify(cols).replaceAll('"', "'")})
) GROUP BY ALL`;
const reader = await con.runAndReadAll(sql);
console.log(`${reader.getRows().length} groups`);
