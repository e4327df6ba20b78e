# A secret across the limit a stored text field is cut at (client ids
# 256 bytes, addresses 251, user agents 512, routes 256 and their
# template 511), in every format: no 10 bytes of it reach the database
# (its WAL too), a report (CSV and JSON), files, the go/no-go page, the
# metrics, stdout or stderr.  A value is scrubbed whole, then cut.
. "$TOP/tests/cli/lib.sh"
python3 "$TOP/tests/scripts/limits.py"
[ "$(wc -l < limits.txt)" -ge 300 ] || fail "too few secrets planted"
cat > lim.rules <<'R'
class legacy_key legacy
class none
client http_x_client_id
client remote_user
client remote_addr
rule legacy_key status .
phase p refuse legacy
R
# exit 1 (NO-GO) and 6 (CANNOT TELL) are answers
run() {
	"$KEYAUDIT" "$@" >>out 2>>err || {
		rc=$?
		[ $rc -eq 1 ] || [ $rc -eq 6 ]
	}
}
for f in combined vhost_combined jsonl s3 alb elb cloudfront; do
	run ingest --db s.db --rules lim.rules --format $f --metrics m.prom \
		lim-$f.log
done
RE='regex:^(?<remote_addr>\S+) \S+ (?<remote_user>\S+) \[(?<time_local>[^]]+)\] "(?<request>[^"]*)" (?<status>\d{3}) \S+ "[^"]*" "(?<http_user_agent>[^"]*)"$'
run ingest --db s.db --rules lim.rules --format "$RE" --metrics m.prom \
	lim-regex.log
run ingest --db s.db --rules lim.rules --format "$NGINX_FMT" \
	--metrics m.prom lim-nginx.log
# every line counted, and the long values kept up to their limits
check_eq "$(sqlite3 s.db 'SELECT sum(n) FROM counts')" \
	"$(cat lim-*.log | wc -l)" "lines counted"
check_eq "$(sqlite3 s.db 'SELECT max(length(client)) FROM counts')" 256 \
	"longest client"
check_eq "$(sqlite3 s.db 'SELECT max(length(agent)) FROM agents')" 512 \
	"longest agent"
check_eq "$(sqlite3 s.db 'SELECT max(length(route)) FROM routes')" 256 \
	"longest route"
[ ! -f s.db-wal ] || cp s.db-wal s.wal.copy
printf 'client,owner\nx,y\n' > reg.csv
for k in migration amnesty credentials sdks progress daily summary; do
	run report $k --db s.db -o r-$k.csv
	run report $k --db s.db --format json -o r-$k.json
done
run report outreach --db s.db --registry reg.csv -o r-outreach.csv
run files --db s.db
run gonogo --db s.db -o g.csv --html g.html --metrics m.prom
[ -s g.html ] && [ -s m.prom ] || fail "no page or metrics written"
sqlite3 s.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for f in s.db *.copy *.csv *.json g.html m.prom out err; do
	[ -f "$f" ] || continue
	if grep -F -a -f windows.txt "$f" >/dev/null; then
		grep -F -a -o -f windows.txt "$f" | head -3 >&2
		fail "10 bytes of a secret leaked into $f"
	fi
done
