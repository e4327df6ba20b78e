# ingest --metrics and gonogo --metrics: the Prometheus text format for
# node_exporter's textfile collector, checked by promtool; figures equal
# the database's; the last success survives a failed run; both commands
# and several phases share one file; no client is named; the file is
# replaced whole (mode 0644, nothing left beside it), never through a
# symlink or over a directory, and a FIFO is written in place.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 3000 --key-file test.key -o a.log
mkdir prom
M=prom/keyaudit.prom
# value NAME[{LABELS}]: the sample's value in $M
value() {
	awk -v k="$1" '$1 == k { print $2 }' "$M"
}
"$KEYAUDIT" ingest -q --db a.db --format "$NGINX_FMT" --metrics "$M" a.log
check_eq "$(value keyaudit_ingest_exit_status)" 0 "exit status"
check_eq "$(value keyaudit_ingest_lines)" 3000 "lines"
check_eq "$(value keyaudit_lines_total)" 3000 "lines total"
check_eq "$(value keyaudit_ingest_bad_lines)" \
	"$(sqlite3 a.db 'SELECT sum(bad) FROM files')" "bad lines"
for c in $(sqlite3 a.db 'SELECT DISTINCT class FROM counts'); do
	legacy=$(sqlite3 a.db "SELECT CASE legacy WHEN 1 THEN 'true' ELSE 'false' END FROM classes WHERE name = '$c'")
	check_eq "$(value "keyaudit_requests{class=\"$c\",legacy=\"${legacy:-false}\"}")" \
		"$(sqlite3 a.db "SELECT sum(n) FROM counts WHERE class = '$c'")" \
		"requests of class $c"
done
check_eq "$(value keyaudit_legacy_clients)" \
	"$(sqlite3 a.db "SELECT count(DISTINCT client) FROM counts WHERE class = 'api_key'")" \
	"legacy clients (all within 7 days)"
check_eq "$(stat -c %a "$M")" 644 "readable by node_exporter"
# also under keyaudit.service's UMask=0027
(umask 027; "$KEYAUDIT" ingest -q --db a.db --format "$NGINX_FMT" \
	--metrics prom/umask.prom a.log)
check_eq "$(stat -c %a prom/umask.prom)" 644 "readable under umask 027"
rm prom/umask.prom
first=$(value keyaudit_ingest_last_success_timestamp_seconds)
now=$(date +%s)
[ "${first%.*}" -le "$now" ] && [ "${first%.*}" -ge $((now - 60)) ] ||
	fail "last success $first is not now ($now)"

# a failed run: its status and time, the last success kept
sleep 1
expect_exit 7 "$KEYAUDIT" ingest -q --db a.db --format "$NGINX_FMT" \
	--metrics "$M" nosuch.log 2>/dev/null
check_eq "$(value keyaudit_ingest_exit_status)" 7 "failed run's status"
check_eq "$(value keyaudit_ingest_last_success_timestamp_seconds)" "$first" \
	"last success kept"
[ "$(value keyaudit_ingest_last_run_timestamp_seconds | cut -d. -f1)" -gt \
	"${first%.*}" ] || fail "last run time"
check_eq "$(value keyaudit_lines_total)" 3000 "database figures kept"

# the verdicts of two phases beside the ingest's figures
expect_exit 1 "$KEYAUDIT" gonogo --db a.db --phase amnesty-ends \
	--metrics "$M" > /dev/null
expect_exit 1 "$KEYAUDIT" gonogo --db a.db --metrics "$M" > /dev/null
check_eq "$(value 'keyaudit_gonogo_go{phase="amnesty-ends"}')" 0 "NO-GO"
check_eq "$(value 'keyaudit_gonogo_go{phase="reject-without-amnesty"}')" 0 \
	"NO-GO of the default phase"
grep -a -v '"Basic ' a.log > clean.log
"$KEYAUDIT" ingest -q --db clean.db --format "$NGINX_FMT" clean.log
"$KEYAUDIT" gonogo --db clean.db --phase amnesty-ends --metrics "$M" \
	> /dev/null
check_eq "$(value 'keyaudit_gonogo_go{phase="amnesty-ends"}')" 1 "GO"
check_eq "$(value 'keyaudit_gonogo_refused_ratio{phase="amnesty-ends"}')" 0 \
	"nothing refused"
check_eq "$(value keyaudit_lines_total)" 3000 "ingest figures kept"
check_eq "$(ls -A prom)" keyaudit.prom "nothing left beside the file"
! grep -q 'client=\|fp:' "$M" || fail "a client is named"
grep -v '^#' "$M" | grep -v '^keyaudit_[a-z_]*\({[a-z]*="[^"]*"\(,[a-z]*="[^"]*"\)*}\)\? [0-9.e+-]*$' &&
	fail "a line that is not a keyaudit_ sample"

# as every output file: a symbolic link is refused (gonogo: exit 3, as
# -o; ingest: exit 8, its counts committed), the file it points to
# neither read nor written; a directory is not replaced; a FIFO is
# written in place and stays a FIFO
printf '%s\n' '# HELP keyaudit_planted x' '# TYPE keyaudit_planted gauge' \
	'keyaudit_planted 1' > target
cp target target.before
ln -s "$T/target" prom/link.prom
expect_exit 8 "$KEYAUDIT" ingest -q --db a.db --format "$NGINX_FMT" \
	--metrics prom/link.prom a.log 2>err
grep -q 'link.prom: is a symbolic link' err || { cat err; fail "symlink"; }
[ -L prom/link.prom ] || fail "the symlink was replaced"
check_files target target.before "the symlink's target"
expect_exit 3 "$KEYAUDIT" gonogo --db a.db --metrics prom/link.prom \
	> /dev/null 2>err
grep -q 'link.prom: is a symbolic link' err || { cat err; fail "gonogo link"; }
check_files target target.before "the symlink's target after gonogo"
mkdir prom/dir.prom
expect_exit 3 "$KEYAUDIT" gonogo --db a.db --metrics prom/dir.prom \
	> /dev/null 2>err
grep -q 'dir.prom: ' err || { cat err; fail "directory"; }
[ -d prom/dir.prom ] || fail "the directory was replaced"
mkfifo prom/fifo.prom
cat prom/fifo.prom > fifo.txt &
reader=$!
# (the code before this opened the FIFO to read it first, and hung)
if ! timeout 60 "$KEYAUDIT" ingest -q --db a.db --format "$NGINX_FMT" \
	--metrics prom/fifo.prom a.log 2>err; then
	: > prom/fifo.prom # let the reader go
	wait $reader
	cat err
	fail "metrics into a FIFO"
fi
wait $reader
[ -p prom/fifo.prom ] || fail "the FIFO was replaced"
grep -q '^keyaudit_lines_total 3000$' fifo.txt ||
	{ cat fifo.txt; fail "the metrics through the FIFO"; }

if ! command -v promtool >/dev/null; then
	echo "skipped: promtool is missing (make deps installs prometheus)"
	exit 77
fi
promtool check metrics < "$M" > lint 2>&1 || { cat lint "$M"; fail "promtool"; }
