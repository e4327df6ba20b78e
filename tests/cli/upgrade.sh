# Upgrades: a database of an earlier schema is upgraded in place, in one
# transaction, by the first command that opens it: the earliest layout
# (counts keyed file, client, day, no meta table), and databases of
# schema 1 and 2 made by earlier versions from sample-logs/.  A newer
# schema is refused.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 30000 --days 6 --seed 41 \
	--key-file test.key -o whole.log
head -n 12000 whole.log > first.log
tail -n +12001 whole.log > second.log
# the tables as they were made before, empty
sqlite3 old.db <<'SQL'
CREATE TABLE counts(file_id INTEGER NOT NULL, client TEXT NOT NULL,
 day TEXT NOT NULL, class TEXT NOT NULL, amnesty INTEGER NOT NULL,
 status INTEGER NOT NULL, n INTEGER NOT NULL, first INTEGER NOT NULL,
 last INTEGER NOT NULL,
 PRIMARY KEY(file_id, client, day, class, amnesty, status)) WITHOUT ROWID;
CREATE TABLE agents(file_id INTEGER NOT NULL, client TEXT NOT NULL,
 day TEXT NOT NULL, class TEXT NOT NULL, agent TEXT NOT NULL,
 n INTEGER NOT NULL,
 PRIMARY KEY(file_id, client, day, class, agent)) WITHOUT ROWID;
CREATE TABLE creds(file_id INTEGER NOT NULL, client TEXT NOT NULL,
 day TEXT NOT NULL, class TEXT NOT NULL, fp TEXT NOT NULL,
 n INTEGER NOT NULL,
 PRIMARY KEY(file_id, client, day, class, fp)) WITHOUT ROWID;
SQL
cp old.db old2.db
# a batch of a few thousand lines: many batches, each upserting rows
# the one before wrote
"$KEYAUDIT" ingest -q --commit-every 3000 --db old.db --format "$NGINX_FMT" \
	first.log second.log
check_eq "$(sqlite3 old.db "SELECT value FROM meta WHERE key = 'schema'")" \
	6 "the earliest layout upgraded"
sqlite3 old.db "SELECT sql FROM sqlite_master WHERE name = 'rollup_counts'" |
	grep -q "PRIMARY KEY(day, client, class" ||
	fail "the upgraded database has no rollup"
"$KEYAUDIT" ingest -q --commit-every 3000 --db new.db \
	--format "$NGINX_FMT" first.log second.log
check_eq "$(sqlite3 new.db "SELECT count(*) FROM pragma_table_info('counts')
	WHERE name = 'file_id'")" 0 "a new database's counts have no file_id"
for db in old new; do
	db_counts $db.db > got.csv
	check_files got.csv whole.log.counts.csv "$db key order against the truth"
done
# merges across the two orders: an old shard into a new total, a new
# shard into an old total
"$KEYAUDIT" ingest -q --db old2.db --format "$NGINX_FMT" first.log
"$KEYAUDIT" ingest -q --db new2.db --format "$NGINX_FMT" second.log
cp new2.db total_new.db
"$KEYAUDIT" merge -q --db total_new.db old2.db
cp old2.db total_old.db
"$KEYAUDIT" merge -q --db total_old.db new2.db
for db in total_new total_old; do
	db_counts $db.db > got.csv
	check_files got.csv whole.log.counts.csv "$db against the truth"
done
for k in migration amnesty daily; do
	"$KEYAUDIT" report $k --db new.db -o want.csv
	for db in old total_new total_old; do
		"$KEYAUDIT" report $k --db $db.db -o got.csv
		check_files got.csv want.csv "$db: $k"
	done
done

# A schema-1 database made by the previous version (sample-logs/, key
# 0...07): the upgrade keeps every count, agent and credential, and the
# ledger, so the same logs add nothing.
cp "$TOP/tests/data/upgrade/v1.db" v1.db
key=$(printf '%064d' 7)
sum1() {
	sqlite3 -csv v1.db "SELECT day, client, class, amnesty, status, sum(n),
		min(first), max(last) FROM counts GROUP BY 1, 2, 3, 4, 5
		ORDER BY 1, 2, 3, 4, 5"
}
sum1 > want_counts.csv
sqlite3 -csv v1.db "SELECT day, client, class, agent, sum(n) FROM agents
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4" > want_agents.csv
sqlite3 -csv v1.db "SELECT day, client, class, fp, sum(n) FROM creds
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4" > want_creds.csv
check_eq "$(sqlite3 v1.db "SELECT value FROM meta WHERE key = 'schema'")" 1 \
	"the fixture is schema 1"
# a report opens it first: it may be written, so it is upgraded (the
# fixture holds 2 x 3000 lines, 26 and 36 of them bad)
KEYAUDIT_KEY=$key "$KEYAUDIT" report summary --db v1.db -o summary.csv
check_eq "$(sqlite3 v1.db "SELECT value FROM meta WHERE key = 'schema'")" 6 \
	"schema-1 database upgraded"
sum1 > got_counts.csv
check_files got_counts.csv want_counts.csv "upgraded counts"
sqlite3 -csv v1.db "SELECT day, client, class, agent, sum(n) FROM agents
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4" > got_agents.csv
check_files got_agents.csv want_agents.csv "upgraded agents"
sqlite3 -csv v1.db "SELECT day, client, class, fp, sum(n) FROM creds
	GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4" > got_creds.csv
check_files got_creds.csv want_creds.csv "upgraded credentials"
check_eq "$(sqlite3 v1.db "SELECT count(*) FROM sqlite_master WHERE
	name LIKE 'v1_%'")" 0 "the old tables are gone"
grep -q '^"requests","all",5938.\{0,1\}$' summary.csv ||
	fail "summary of the upgraded database: $(head -2 summary.csv)"
KEYAUDIT_KEY=$key "$KEYAUDIT" ingest --db v1.db "$TOP/sample-logs/combined" \
	2> again.txt
grep -q '1 file, 0 new lines' again.txt ||
	fail "the upgraded ledger does not know the files: $(cat again.txt)"
sum1 > got_counts.csv
check_files got_counts.csv want_counts.csv "counts after reading again"

# A schema-2 database made by the previous version (the plain text of
# sample-logs/combined/access.log.gz, key 0...07): the files gain a
# CRC-32, unknown for the file read before, so its gzip is inflated
# once to learn that it holds nothing new; the CRC is known from then.
cp "$TOP/tests/data/upgrade/v2.db" v2.db
check_eq "$(sqlite3 v2.db "SELECT value FROM meta WHERE key = 'schema'")" 2 \
	"the fixture is schema 2"
sqlite3 -csv v2.db "SELECT * FROM counts ORDER BY 1, 2, 3, 4, 5" > want2.csv
sqlite3 -csv v2.db "SELECT day, hour, client, class, amnesty, status, sum(n)
	FROM hourly GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6" > wanth.csv
mkdir v2logs
zcat "$TOP/sample-logs/combined/access.log.gz" > v2logs/access.log
KEYAUDIT_KEY=$key "$KEYAUDIT" ingest -v --db v2.db v2logs 2> v2a.txt
check_eq "$(sqlite3 v2.db "SELECT value FROM meta WHERE key = 'schema'")" 6 \
	"schema-2 database upgraded"
grep -q '1 file, 0 new lines' v2a.txt ||
	fail "the schema-2 ledger does not know the file: $(cat v2a.txt)"
check_eq "$(sqlite3 v2.db "SELECT count(*) FROM files WHERE crc IS NOT NULL")" \
	1 "the CRC of a file read again to its end"
gzip -c v2logs/access.log > v2logs/access.log.1.gz
KEYAUDIT_KEY=$key "$KEYAUDIT" ingest -v --db v2.db v2logs 2> v2b.txt
grep -q 'access.log.1.gz: its gzip trailer shows' v2b.txt ||
	fail "the gzip of the upgraded file: $(cat v2b.txt)"
grep -q '2 files, 1 unchanged, 0 new lines' v2b.txt ||
	fail "the gzip of the upgraded file: $(cat v2b.txt)"
sqlite3 -csv v2.db "SELECT * FROM counts ORDER BY 1, 2, 3, 4, 5" > got2.csv
check_files got2.csv want2.csv "schema-2 counts after the upgrade"
# a row an hour became a row a day, read through the view hourly
sqlite3 -csv v2.db "SELECT day, hour, client, class, amnesty, status, sum(n)
	FROM hourly GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6" > goth.csv
[ -s wanth.csv ] || fail "the fixture has no hourly counts"
check_files goth.csv wanth.csv "schema-2 hourly counts after the upgrade"
check_eq "$(sqlite3 v2.db "SELECT count(*) FROM sqlite_master WHERE
	name LIKE '%_hourly'")" 0 "the tables of an hour a row are gone"

# reread_fixture N SEED: ingest again the two files the fixture vN.db
# was made from (loggen seed SEED, split after line 2400): its ledger
# knows them, so no line is new, and this first writer upgrades it to
# schema 6
reread_fixture() {
	"$LOGGEN" --layout nginx --lines 6000 --days 6 --seed "$2" \
		--key-file test.key -o "v$1whole.log"
	head -n 2400 "v$1whole.log" > "v$1first.log"
	tail -n +2401 "v$1whole.log" > "v$1second.log"
	KEYAUDIT_KEY=$key "$KEYAUDIT" ingest -v --db "v$1.db" \
		--format "$NGINX_FMT" "v$1first.log" "v$1second.log" 2> "v$1a.txt"
	grep -q '2 files, 0 new lines' "v$1a.txt" ||
		fail "the schema-$1 ledger does not know the files: $(cat "v$1a.txt")"
	check_eq "$(sqlite3 "v$1.db" "SELECT value FROM meta WHERE key = 'schema'")" \
		6 "schema-$1 database upgraded"
}

# A schema-3 database made by the previous version (loggen seed 43, two
# files, the first folded into the rollups; key 0...07) keeps its tables:
# it is read as it is, read-only too, and the first writer drops the
# rollups' secondary indexes, which every night's fold had to update.
cp "$TOP/tests/data/upgrade/v3.db" v3.db
# the counts by key, however many rows the views give each
bykey="SELECT day, client, class, amnesty, status, sum(n), min(first),
	max(last) FROM counts GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
cp v3.db v3ro.db
chmod 444 v3ro.db
check_eq "$(sqlite3 v3.db "SELECT value FROM meta WHERE key = 'schema'")" 3 \
	"the fixture is schema 3"
check_eq "$(sqlite3 v3.db "SELECT count(*) FROM rollup_counts")" 1144 \
	"the fixture's rollup"
v3idx="SELECT count(*) FROM sqlite_master WHERE type = 'index'
	AND name IN ('rollup_counts_client', 'rollup_creds_fp')"
check_eq "$(sqlite3 v3.db "$v3idx")" 2 "the fixture's secondary indexes"
v3fps=$(sqlite3 v3.db "SELECT DISTINCT 'fp:' || fp FROM creds ORDER BY 1
	LIMIT 3")
for k in migration credentials summary; do
	KEYAUDIT_KEY=$key "$KEYAUDIT" report $k --db v3ro.db -o v3ro-$k.csv ||
		fail "report $k of a read-only schema-3 database"
done
# shellcheck disable=SC2086 # one argument per fingerprint
KEYAUDIT_KEY=$key "$KEYAUDIT" lookup -q --db v3ro.db $v3fps > v3ro-lookup.csv
check_eq "$(sqlite3 v3.db "SELECT value FROM meta WHERE key = 'schema'")" 3 \
	"a reader does not upgrade schema 3"
sqlite3 -csv v3.db "$bykey" > want3.csv
reread_fixture 3 43
check_eq "$(sqlite3 v3.db "$v3idx")" 0 "the secondary indexes are gone"
sqlite3 -csv v3.db "$bykey" > got3.csv
check_files got3.csv want3.csv "schema-3 counts after the upgrade"
for k in migration credentials summary; do
	KEYAUDIT_KEY=$key "$KEYAUDIT" report $k --db v3.db -o v3-$k.csv
	check_files v3-$k.csv v3ro-$k.csv "schema 3 and 5: $k"
done
# shellcheck disable=SC2086
KEYAUDIT_KEY=$key "$KEYAUDIT" lookup -q --db v3.db $v3fps > v3-lookup.csv
check_files v3-lookup.csv v3ro-lookup.csv "schema 3 and 5: lookup"
[ "$(grep -c ',"legacy-only",\|,"mixed",\|,"migrated",' v3-lookup.csv)" -ge 1 ] ||
	fail "the lookup names no state: $(cat v3-lookup.csv)"

# A schema-4 database made by the previous version (loggen seed 44, two
# files, the first folded, --detail-days 2; key 0...07), whose second
# file's detail is not in the rollups: it is read as it is, read-only
# too; merged as a shard, all of its detail counts; the first writer
# adds the detail into the rollups (files.rolled), once.
cp "$TOP/tests/data/upgrade/v4.db" v4.db
cp v4.db v4ro.db
chmod 444 v4ro.db
check_eq "$(sqlite3 v4.db "SELECT value FROM meta WHERE key = 'schema'")" 4 \
	"the fixture is schema 4"
check_eq "$(sqlite3 v4.db "SELECT group_concat(detail) FROM files")" "0,1" \
	"the fixture's first file folded, the second not"
sqlite3 -csv v4.db "$bykey" > want4.csv
[ "$(wc -l < want4.csv)" -gt 1000 ] || fail "the fixture has few counts"
for k in migration credentials summary daily; do
	KEYAUDIT_KEY=$key "$KEYAUDIT" report $k --db v4ro.db -o v4ro-$k.csv ||
		fail "report $k of a read-only schema-4 database"
done
rm -f v4m.db*
KEYAUDIT_KEY=$key "$KEYAUDIT" merge -q --db v4m.db v4ro.db ||
	fail "merge of a schema-4 shard"
sqlite3 -csv v4m.db "$bykey" > got4m.csv
check_files got4m.csv want4.csv "a schema-4 shard merged"
check_eq "$(sqlite3 v4.db "SELECT value FROM meta WHERE key = 'schema'")" 4 \
	"a reader does not upgrade schema 4"
reread_fixture 4 44
check_eq "$(sqlite3 v4.db "SELECT group_concat(rolled = lines) FROM files
	WHERE detail = 1")" 1 "the kept detail is in the rollups"
sqlite3 -csv v4.db "SELECT day, client, class, amnesty, status, sum(n),
	min(first), max(last) FROM rollup_counts GROUP BY 1, 2, 3, 4, 5
	ORDER BY 1, 2, 3, 4, 5" > got4r.csv
check_files got4r.csv want4.csv "schema-4 counts, all in the rollups"
sqlite3 -csv v4.db "$bykey" > got4.csv
check_files got4.csv want4.csv "schema-4 counts after the upgrade"
for k in migration credentials summary daily; do
	KEYAUDIT_KEY=$key "$KEYAUDIT" report $k --db v4.db -o v4-$k.csv
	check_files v4-$k.csv v4ro-$k.csv "schema 4 and 5: $k"
done

# A newer schema is refused, with a message, by readers and writers.
cp new.db newer.db
sqlite3 newer.db "UPDATE meta SET value = '99' WHERE key = 'schema'"
expect_exit 3 "$KEYAUDIT" report summary --db newer.db 2> newer.txt
grep -q 'made by a newer keyaudit (schema 99' newer.txt ||
	fail "newer schema: $(cat newer.txt)"
expect_exit 3 "$KEYAUDIT" ingest -q --db newer.db --format "$NGINX_FMT" \
	first.log 2> newer.txt
grep -q 'made by a newer keyaudit' newer.txt ||
	fail "newer schema, ingest: $(cat newer.txt)"
