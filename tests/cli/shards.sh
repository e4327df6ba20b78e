# Shards: a corpus with truth split into 7 files of unequal size, ingested
# as parallel jobs (GNU parallel), merged in two orders and twice over:
# every report equals the single-database run, byte for byte, and the
# truth.
. "$TOP/tests/cli/lib.sh"
command -v parallel >/dev/null || fail "GNU parallel is missing (make deps)"
"$LOGGEN" --layout nginx --lines 14000 --days 10 --seed 31 \
	--key-file test.key -o whole.log
mkdir logs
# 7 pieces of unequal size, cut at line ends
python3 - <<'PY'
lines = open("whole.log", "rb").read().split(b"\n")[:-1]
cuts = [0, 400, 1800, 2200, 6000, 6200, 10400, len(lines)]
for i in range(7):
    with open(f"logs/part{i}.log", "wb") as f:
        f.write(b"".join(l + b"\n" for l in lines[cuts[i]:cuts[i + 1]]))
PY
# the single database
"$KEYAUDIT" ingest -q --db one.db --format "$NGINX_FMT" logs
db_counts one.db > got.csv
check_files got.csv whole.log.counts.csv "single database against the truth"
# one shard per piece, as parallel jobs
ls logs/*.log | parallel -j 4 "$KEYAUDIT" ingest -q --db shard{#}.db \
	--format "'$NGINX_FMT'" {}
"$KEYAUDIT" merge -q --db ab.db shard1.db shard2.db shard3.db shard4.db \
	shard5.db shard6.db shard7.db
"$KEYAUDIT" merge -q --db ba.db shard7.db shard5.db shard3.db
"$KEYAUDIT" merge -q --db ba.db shard6.db shard4.db shard2.db shard1.db
# twice over, and a merged database merged again: nothing changes
"$KEYAUDIT" merge -q --db twice.db shard1.db shard2.db shard3.db shard4.db \
	shard5.db shard6.db shard7.db shard3.db shard1.db
"$KEYAUDIT" merge -q --db twice.db ab.db ba.db
# two shards that read the same file: counted once
cp logs/part4.log dup.log
"$KEYAUDIT" ingest -q --db dup.db --format "$NGINX_FMT" dup.log
"$KEYAUDIT" merge -q --db twice.db dup.db
for k in migration amnesty daily summary; do
	"$KEYAUDIT" report $k --db one.db -o want.$k.csv
done
for db in ab ba twice; do
	db_counts $db.db > got.csv
	check_files got.csv whole.log.counts.csv "$db against the truth"
	for k in migration amnesty daily summary; do
		"$KEYAUDIT" report $k --db $db.db -o got.csv
		if [ $k = summary ]; then
			# the input section counts files: dup.log is one more name
			grep -v '^"input"' want.$k.csv > w2
			grep -v '^"input"' got.csv > g2
			check_files g2 w2 "$db: $k"
		else
			check_files got.csv want.$k.csv "$db: $k"
		fi
	done
done
"$KEYAUDIT" report migration --db ab.db -o m.csv
check_files m.csv whole.log.migration.csv "merged migration against the truth"
# reports over several databases at once equal the merged one
"$KEYAUDIT" report daily --db shard1.db --db shard2.db --db shard3.db \
	--db shard4.db --db shard5.db --db shard6.db --db shard7.db -o multi.csv
"$KEYAUDIT" report daily --db ab.db -o ab.csv
check_files multi.csv ab.csv "report over seven databases"
# the parallel script does all of it
"$TOP/scripts/keyaudit-parallel" -j 3 --db script.db --format "$NGINX_FMT" logs
db_counts script.db > got.csv
check_files got.csv whole.log.counts.csv "keyaudit-parallel"
# another key would split clients: refused
printf '%064d\n' 7 > other.key
chmod 600 other.key
"$KEYAUDIT" ingest -q --db other.db --key-file other.key --format "$NGINX_FMT" logs/part0.log
expect_exit 3 "$KEYAUDIT" merge -q --db ab.db other.db 2>err
grep -q "another fingerprint key" err || fail "key mismatch on merge"
expect_exit 3 "$KEYAUDIT" merge -q --db ab.db missing.db 2>/dev/null
