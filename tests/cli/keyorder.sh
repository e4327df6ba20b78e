# Key order: databases made before the counts tables were keyed file,
# day, client were keyed file, client, day.  Such a database is written
# to as it is: ingesting into it, and merging it into a new database and
# a new one into it, gives the truth and the new database's reports.
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
sqlite3 old.db "SELECT sql FROM sqlite_master WHERE name = 'counts'" |
	grep -q "PRIMARY KEY(file_id, client, day" ||
	fail "the earlier key order was not kept"
"$KEYAUDIT" ingest -q --commit-every 3000 --db new.db \
	--format "$NGINX_FMT" first.log second.log
sqlite3 new.db "SELECT sql FROM sqlite_master WHERE name = 'counts'" |
	grep -q "PRIMARY KEY(file_id, day, client" ||
	fail "a new database is not keyed file, day, client"
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
