# zstd, xz and bzip2 logs are read like gzip ones: known by their magic
# bytes (not their names), concatenated frames and streams read
# through, each line counted once whatever the compression of a rotated
# copy, a file cut short named as such (exit 1) with its complete lines
# kept; another compression (lz4) is named, never read as bad lines.
. "$TOP/tests/cli/lib.sh"
for t in zstd xz bzip2; do
	command -v $t >/dev/null || fail "$t is missing (make deps installs it)"
done
"$LOGGEN" --layout combined --lines 3000 --seed 6 --key-file test.key -o a.log
n=0
for c in "zstd -q -c" "xz -c" "bzip2 -c"; do
	n=$((n + 1))
	$c a.log > "c$n.log.1"
	"$KEYAUDIT" ingest -q --db "c$n.db" "c$n.log.1" 2> err ||
		{ rc=$?; cat err; fail "$c: exit $rc"; }
	db_counts "c$n.db" > got.csv
	check_files got.csv a.log.counts.csv "$c: counts"
	# the plain file read first, then its compressed copy: nothing twice
	"$KEYAUDIT" ingest -q --db "p$n.db" a.log
	"$KEYAUDIT" ingest -q --db "p$n.db" "c$n.log.1"
	db_counts "p$n.db" > got.csv
	check_files got.csv a.log.counts.csv "$c: plain, then compressed"
	# two halves compressed apart and concatenated
	head -n 1500 a.log | $c > cat.log
	tail -n +1501 a.log | $c >> cat.log
	"$KEYAUDIT" ingest -q --db "cat$n.db" cat.log
	db_counts "cat$n.db" > got.csv
	check_files got.csv a.log.counts.csv "$c: concatenated"
	# cut short: named, the complete lines before the cut kept
	size=$(wc -c < "c$n.log.1")
	head -c $((size * 3 / 4)) "c$n.log.1" > cut.log
	expect_exit 1 "$KEYAUDIT" ingest -q --db "cut$n.db" cut.log 2> err
	grep -q "cut.log: .*premature end of $(echo "$c" | cut -d' ' -f1) data" err ||
		{ cat err; fail "$c: truncation"; }
	! grep -q 'bad' err || { cat err; fail "$c: bad lines"; }
done
printf '\004\042\115\030abcdefgh' > x.log.lz4
expect_exit 1 "$KEYAUDIT" ingest -q --db l.db x.log.lz4 2> err
grep -q 'x.log.lz4: lz4-compressed, which keyaudit does not read' err ||
	{ cat err; fail "lz4 named"; }
