# -j reads a file and a prefix copy of it once; SIGTERM ends a run at a
# committed batch with its summary and exit 5; progress on a terminal
# is for the whole run, with -j too, and never with -q.
. "$TOP/tests/cli/lib.sh"

line() { # line N: a combined line
	printf '192.0.2.%d - - [10/Oct/2026:13:55:%02d +0000] "GET /x%d HTTP/1.1" 200 5 "-" "curl/8"\n' \
		"$(($1 % 250))" "$(($1 % 60))" "$1"
}
requests() {
	sqlite3 "$1" "SELECT coalesce(sum(n), 0) FROM counts"
}

# 7: a.copy is a 1-line prefix of the 2-line a.log
{ line 1; line 2; } > a.log
head -1 a.log > a.copy
for try in 1 2 3 4 5 6; do
	"$KEYAUDIT" ingest -q -j 2 --db j$try.db a.copy a.log
	check_eq "$(requests j$try.db)" 2 "-j 2, a prefix copy (try $try)"
	"$KEYAUDIT" ingest -q -j 2 --db k$try.db a.log a.copy
	check_eq "$(requests k$try.db)" 2 "-j 2, the other order (try $try)"
done

# 12: SIGTERM while reading a pipe: the lines read are committed, the
# summary is printed, exit 5; the next run goes on from there
for i in $(seq 1 200); do line $i; done > part1
for i in $(seq 201 300); do line $i; done > part2
mkfifo pipe
"$KEYAUDIT" ingest --db s.db - < pipe 2>err &
pid=$!
{ cat part1; sleep 3; cat part2; } > pipe &
writer=$!
# wait until keyaudit catches SIGTERM (bit 15 of SigCgt), then a little
# for the first part to be read
for i in $(seq 1 100); do
	cgt=$(sed -n 's/^SigCgt:[[:space:]]*//p' /proc/$pid/status 2>/dev/null)
	[ -n "$cgt" ] && [ $((0x$cgt >> 14 & 1)) = 1 ] && break
	sleep 0.1
done
sleep 0.5
kill -TERM $pid
set +e
wait $pid
rc=$?
set -e
kill $writer 2>/dev/null || true
wait $writer 2>/dev/null || true
check_eq "$rc" 5 "exit status after SIGTERM"
grep -q '^keyaudit: 1 file, 200 new lines, 0 bad;.*(interrupted)$' err ||
	fail "the summary after SIGTERM: $(cat err)"
check_eq "$(requests s.db)" 200 "the batch in flight committed"
cat part1 part2 | "$KEYAUDIT" ingest -q --db s.db -
check_eq "$(requests s.db)" 300 "the next run goes on from there"

# 18: progress for the whole run on a terminal, with -j
for f in p1 p2 p3; do
	for i in $(seq 1 300); do line $i; done | sed "s|/x|/$f|" > $f.log
done
script -qec "'$KEYAUDIT' ingest -j 2 --db p.db p1.log p2.log p3.log" \
	/dev/null > tty.out
grep -q 'keyaudit: [0-9]*% of 0.1 MB' tty.out ||
	fail "progress with a percentage: $(cat -v tty.out)"
script -qec "'$KEYAUDIT' ingest -q -j 2 --db q.db p1.log p2.log p3.log" \
	/dev/null > tty.out
check_eq "$(cat tty.out)" "" "-q: no progress"
"$KEYAUDIT" ingest -j 2 --db r.db p1.log p2.log p3.log 2> err
grep -q '%' err && fail "progress when stderr is not a terminal"
true
