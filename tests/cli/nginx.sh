# End to end with real parts: Debian's nginx on 127.0.0.1 (a high port,
# stopped at the end) with a custom log_format, curl clients sending API
# keys (with and without the amnesty header), PATs, OAuth tokens and
# nothing, a real logrotate (daily, compress, delaycompress, the
# prerotate hook) between days, then keyaudit run from the settings
# file as keyaudit.service runs it: every class counted exactly as
# sent, once.  Skipped, with the reason, only where nginx cannot start.
# Once, in the plain build.
. "$TOP/tests/cli/lib.sh"
if [ "$BUILD" = build-san ]; then
	echo "skipped: the end-to-end run is tested with the plain build"
	exit 77
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$NGINX" ] || { echo "skipped: nginx is missing (make deps installs nginx-light)"; exit 77; }
for t in curl logrotate; do
	command -v $t >/dev/null || fail "$t is missing (make deps installs it)"
done
mkdir logs tmp
FMT='$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_authorization" "$http_asana_amnesty_api_key"'
user=
[ "$(id -u)" = 0 ] && user="user $(id -un) $(id -gn);"
start_nginx() {
	cat > nginx.conf <<EOT
$user
daemon on;
worker_processes 1;
pid $T/nginx.pid;
error_log $T/logs/error.log;
events { worker_connections 64; }
http {
	log_format keyaudit '$FMT';
	access_log $T/logs/access.log keyaudit;
	client_body_temp_path $T/tmp/body;
	proxy_temp_path $T/tmp/proxy;
	fastcgi_temp_path $T/tmp/fastcgi;
	uwsgi_temp_path $T/tmp/uwsgi;
	scgi_temp_path $T/tmp/scgi;
	server {
		listen 127.0.0.1:$1;
		location / { return 200 "ok\n"; }
	}
}
EOT
	"$NGINX" -p "$T" -c "$T/nginx.conf" -e "$T/logs/error.log" 2> nginx.err
}
stop_nginx() {
	[ -s "$T/nginx.pid" ] && kill "$(cat "$T/nginx.pid")" 2>/dev/null
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ -e "$T/nginx.pid" ] || return 0
		sleep 0.2
	done
}
trap stop_nginx EXIT
port=
for try in 1 2 3 4 5; do
	p=$((20000 + ($$ * 7 + try * 1009) % 40000))
	if start_nginx $p; then
		port=$p
		break
	fi
done
if [ -z "$port" ]; then
	echo "skipped: nginx cannot start here: $(tail -1 nginx.err)"
	exit 77
fi
URL="http://127.0.0.1:$port/api/1.0/users/me"
# send N HEADER...: N requests in one curl (URL globbing)
send() {
	n=$1
	shift
	curl -s -o /dev/null -A "python-asana/5.0.0" "$@" "$URL?n=[1-$n]" ||
		fail "curl: $*"
}
# a night: the requests of each kind, then the totals sent so far
day() {
	send "$1" -u "legacykey$2:"
	send "$3" -u "legacykey$2:" -H "Asana-Amnesty-Api-Key: true"
	send "$4" -H "Authorization: Bearer 0/0123456789abcdef0123456789abcde$2"
	send "$5" -H "Authorization: Bearer oauth.token.$2"
	send "$6"
	api=$((api + $1 + $3)) amnesty=$((amnesty + $3)) pat=$((pat + $4))
	oauth=$((oauth + $5)) none=$((none + $6))
}
api=0 amnesty=0 pat=0 oauth=0 none=0

# the settings every way of running keyaudit reads
cat > keyaudit.conf <<EOT
# as nginx.conf has it
format = nginx:$FMT
logs = $T/logs
db = $T/state/keyaudit.db
metrics = $T/keyaudit.prom
EOT
export KEYAUDIT_CONFIG="$T/keyaudit.conf" KEYAUDIT_LOG="$T/hook.log"
export KEYAUDIT
cat > rotate.conf <<EOT
$T/logs/access.log {
	daily
	rotate 5
	compress
	delaycompress
	missingok
	sharedscripts
	prerotate
		sh $TOP/deploy/logrotate/keyaudit
	endscript
	postrotate
		kill -USR1 \$(cat $T/nginx.pid)
	endscript
}
EOT
rotate() {
	logrotate -f -s "$T/rotate.state" rotate.conf 2> rotate.err ||
		{ cat rotate.err; fail "logrotate"; }
	sleep 0.3 # nginx reopens its log
}
day 7 a 3 5 4 2
rotate
[ -f logs/access.log.1 ] || fail "not rotated"
day 6 b 2 4 3 1
rotate
[ -f logs/access.log.2.gz ] || fail "not compressed (delaycompress)"
day 5 c 4 3 2 3
[ ! -s hook.log ] || { cat hook.log; fail "the hook complained"; }

# the night's run, as keyaudit.service runs it: words split on blanks
set -f
# shellcheck disable=SC2046
set -- $(sed -n 's/^ExecStart=//p' "$TOP/deploy/systemd/keyaudit.service")
set +f
shift
(cd state && "$KEYAUDIT" "$@") 2> unit.err || { rc=$?; cat unit.err; fail "the unit's run: exit $rc"; }
stop_nginx
q() {
	sqlite3 state/keyaudit.db "$1"
}
got=$(q "SELECT class, sum(n) FROM counts GROUP BY class ORDER BY class" | tr '\n' ' ')
want="api_key|$api none|$none oauth|$oauth pat|$pat "
check_eq "$got" "$want" "requests by class, as sent"
check_eq "$(q 'SELECT sum(n) FROM counts WHERE amnesty = 1')" "$amnesty" \
	"amnesty requests"
check_eq "$(q 'SELECT count(*) FROM files')" 3 "the three days' files"
grep -q '^keyaudit_ingest_exit_status 0$' keyaudit.prom || fail "exit status metric"
