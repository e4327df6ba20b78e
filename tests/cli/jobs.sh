# --jobs: several files at once, with copies of the same file among them
# (plain, gzip, a prefix cut mid-line): every request counted once.
. "$TOP/tests/cli/lib.sh"
mkdir logs
for s in 1 2 3; do
	"$LOGGEN" --layout nginx --lines 12000 --seed $s --key-file test.key \
		-o logs/app$s.log
	mv logs/app$s.log.counts.csv app$s.counts.csv
	rm logs/app$s.log.*
done
gzip -c logs/app1.log > logs/app1.log.1.gz
# a copy of the first 40 %, and a gzip cut at two thirds
head -c $(($(stat -c %s logs/app2.log) * 4 / 10)) logs/app2.log \
	> logs/app2.log.copy
gzip -c logs/app3.log > app3.gz
head -c $(($(stat -c %s app3.gz) * 2 / 3)) app3.gz > logs/app3.log.2.gz
python3 "$TOP/tests/scripts/sum_counts.py" app1.counts.csv app2.counts.csv \
	app3.counts.csv > want.csv
for j in 2 4; do
	rm -f j.db j.db-wal j.db-shm
	expect_exit 1 "$KEYAUDIT" ingest -q --jobs $j --db j.db \
		--format "$NGINX_FMT" logs 2>err
	grep -q 'app3.log.2.gz: premature end of gzip data' err ||
		fail "the cut gzip is reported"
	db_counts j.db > got.csv
	check_files got.csv want.csv "--jobs $j"
done
expect_exit 2 "$KEYAUDIT" ingest --jobs 0 logs 2>/dev/null
