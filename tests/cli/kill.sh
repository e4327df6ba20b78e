# kill -9 at 20 random moments during ingestion, then a re-run: the
# counts equal the truth every time (commits are atomic with positions),
# and before the re-run they are those of the lines committed.
# A run makes 50 commits (10,000 lines, one every 200), so the kills
# fall between commits, within them and before the first.
. "$TOP/tests/cli/lib.sh"

"$LOGGEN" --layout nginx --lines 10000 --seed 21 --gzip \
	--key-file test.key -o big.log.gz
# how long does a whole run take here (the sanitizer build is slower)?
# Timed with the very command that is killed, the quicker of two runs.
run_ms() {
	rm -f t.db t.db-wal t.db-shm
	start=$(date +%s%N)
	"$KEYAUDIT" ingest -q --db t.db --commit-every 200 \
		--format "$NGINX_FMT" big.log.gz
	echo $(( ($(date +%s%N) - start) / 1000000 ))
}
full_ms=$(run_ms)
again_ms=$(run_ms)
[ "$again_ms" -lt "$full_ms" ] && full_ms=$again_ms
# The kills are spread over [0, window]. A run that ends before its kill
# shows that runs are quicker than the window: the window shrinks to
# three quarters of that moment, so a busy or quiet machine still gets
# its kills mid-way.
window=$full_ms
i=0
killed=0
while [ $i -lt 20 ]; do
	i=$((i + 1))
	rm -f k.db k.db-wal k.db-shm
	at_ms=$(( (i * 7919) % (window + 1) ))
	"$KEYAUDIT" ingest -q --db k.db --commit-every 200 \
		--format "$NGINX_FMT" big.log.gz &
	pid=$!
	sleep "$(printf '0.%03d' $((at_ms % 1000)))"
	[ $at_ms -ge 1000 ] && sleep $((at_ms / 1000))
	if kill -9 $pid 2>/dev/null; then
		killed=$((killed + 1))
	else
		window=$((at_ms * 3 / 4))
	fi
	wait $pid 2>/dev/null || true
	# what was committed is counted once, whether or not the killed
	# run had added its detail into the rollups yet
	if sqlite3 k.db "SELECT 1 FROM files" 2>/dev/null | grep -q 1; then
		check_eq "$(sqlite3 k.db "SELECT sum(n) FROM counts")" \
			"$(sqlite3 k.db "SELECT sum(lines - bad) FROM files")" \
			"kill at ${at_ms}ms: the committed lines' requests"
	fi
	"$KEYAUDIT" ingest -q --db k.db --format "$NGINX_FMT" big.log.gz
	db_counts k.db > got.csv
	check_files got.csv big.log.counts.csv "kill at ${at_ms}ms then re-run"
done
echo "killed $killed of 20 runs mid-way (a full run takes ${full_ms}ms;" \
	"the kills fell within ${window}ms at the end)"
[ $killed -ge 10 ] || fail "too few runs were killed mid-way"
