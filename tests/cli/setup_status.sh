# A broken setup is told from a partial night, by the exit status and
# the metrics: no input at all (a missing path, an empty directory,
# nothing --include picks) is exit 7 with keyaudit_ingest_missing_inputs;
# an nginx or Apache error log beside the access logs is "not an access
# log, skipped" (summary, metrics) and leaves the status 0; the last
# success moves only when every input was read (not on 1, 7 or 8); the
# database's requests are gauges, with dormant clients and the days
# covered; metrics that cannot be written after the commit are exit 8;
# a usage error makes no database, key or metrics file.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout combined --lines 1500 --seed 4 --key-file test.key -o a.log
M=$T/k.prom
value() {
	awk -v k="$1" '$1 == k { print $2 }' "$M"
}
mkdir logs empty
cp a.log logs/access.log
cat > logs/error.log <<'EOT'
2026/10/01 00:01:02 [error] 1234#1234: *5 open() "/var/www/html/favicon.ico" failed (2: No such file or directory), client: 192.0.2.7, server: _, request: "GET /favicon.ico HTTP/1.1", host: "api.example"
2026/10/01 00:01:05 [warn] 1234#1234: *9 an upstream response is buffered to a temporary file
EOT
cat > logs/apache_error.log <<'EOT'
[Thu Oct 01 00:01:02.123456 2026] [core:error] [pid 4242:tid 140] [client 192.0.2.7:51000] AH00126: Invalid URI in request GET /x HTTP/1.1
[Thu Oct 01 00:01:03.223456 2026] [mpm_event:notice] [pid 4242:tid 140] AH00489: resuming normal operations
EOT
gzip -c logs/error.log > logs/error.log.2.gz
"$KEYAUDIT" ingest --db a.db --metrics "$M" logs 2> err ||
	{ rc=$?; cat err; fail "error logs beside the access log: exit $rc"; }
grep -q 'logs/error.log: not an access log (an nginx error log), skipped' err ||
	{ cat err; fail "nginx error log named"; }
grep -q 'logs/apache_error.log: not an access log (an Apache error log), skipped' err ||
	{ cat err; fail "Apache error log named"; }
grep -q 'logs/error.log.2.gz: not an access log' err || fail "gzipped error log"
grep -q '3 not access logs, skipped' err || { cat err; fail "summary"; }
check_eq "$(value keyaudit_ingest_not_access_logs)" 3 "metric of error logs"
check_eq "$(value keyaudit_ingest_exit_status)" 0 "status"
db_counts a.db > got.csv
check_files got.csv a.log.counts.csv "the access log's counts"
first=$(value keyaudit_ingest_last_success_timestamp_seconds)
[ -n "$first" ] || fail "no last success after a whole run"
grep -q '^# TYPE keyaudit_requests gauge$' "$M" || fail "requests is a gauge"
! grep -q 'keyaudit_requests_total' "$M" || fail "requests still a counter"
check_eq "$(value 'keyaudit_requests{class="api_key",legacy="true"}')" \
	"$(sqlite3 a.db "SELECT sum(n) FROM counts WHERE class = 'api_key'")" \
	"api_key requests"
check_eq "$(value keyaudit_covered_dates)" \
	"$(sqlite3 a.db 'SELECT count(DISTINCT day) FROM counts')" "days covered"
check_eq "$(value keyaudit_last_day_timestamp_seconds)" \
	"$(sqlite3 a.db "SELECT strftime('%s', max(day)) FROM counts")" "last day"
grep -q '^keyaudit_dormant_clients [0-9]' "$M" || fail "dormant clients"

# no input at all: each is exit 7, with its metric, the last success kept
sleep 1
expect_exit 7 "$KEYAUDIT" ingest -q --db a.db --metrics "$M" logz 2> err
grep -q 'logz: no such file or directory' err || { cat err; fail "missing path"; }
check_eq "$(value keyaudit_ingest_missing_inputs)" 1 "missing input metric"
check_eq "$(value keyaudit_ingest_exit_status)" 7 "status of no input"
check_eq "$(value keyaudit_ingest_last_success_timestamp_seconds)" "$first" \
	"last success after no input"
expect_exit 7 "$KEYAUDIT" ingest -q --db a.db empty 2> err
grep -q 'empty: no file to read' err || { cat err; fail "empty directory"; }
expect_exit 7 "$KEYAUDIT" ingest -q --db a.db --include 'api.access*' logs 2> err
grep -q 'logs: no file to read' err || { cat err; fail "nothing included"; }
# one path missing among good ones: still a broken setup, the rest read
expect_exit 7 "$KEYAUDIT" ingest -q --db b.db logs/access.log logz 2>/dev/null
check_eq "$(sqlite3 b.db 'SELECT sum(lines) FROM files')" 1500 "the rest read"

# a partial night (a gzip cut short) is 1 and does not move it either
gzip -c a.log | head -c 20000 > cut.log.gz
expect_exit 1 "$KEYAUDIT" ingest -q --db a.db --metrics "$M" cut.log.gz 2>/dev/null
check_eq "$(value keyaudit_ingest_last_success_timestamp_seconds)" "$first" \
	"last success after a partial run"
check_eq "$(value keyaudit_ingest_exit_status)" 1 "partial"

# metrics that cannot be written after the commit: 8, counts kept
cp a.log c.log
expect_exit 8 "$KEYAUDIT" ingest -q --db c.db --metrics "$T/nodir/k.prom" \
	c.log 2> err
grep -q 'nodir/k.prom: .*the counts were committed' err || { cat err; fail "8's message"; }
check_eq "$(sqlite3 c.db 'SELECT sum(lines) FROM files')" 1500 "committed"

# a usage error touches nothing
cp "$M" before.prom
expect_exit 2 "$KEYAUDIT" ingest --db new.db --format nosuch --metrics "$M" \
	a.log 2>/dev/null
expect_exit 2 "$KEYAUDIT" ingest --db new.db --rules "$T/nosuch.rules" \
	--metrics "$M" a.log 2>/dev/null
expect_exit 2 env KEYAUDIT_KEY_FILE= "$KEYAUDIT" ingest --db new.db \
	--format 'nginx:$remote_addr "$nosuchquote' --metrics "$M" a.log 2>/dev/null
[ ! -e new.db ] && [ ! -e new.db.key ] || fail "a usage error made a database"
check_files "$M" before.prom "a usage error rewrote the metrics"
