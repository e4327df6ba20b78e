# The amnesty report selects clients by their amnesty requests summed
# over legacy classes, not by one row's amnesty flag: a PAT client that
# sends the header (no legacy request) is not listed, and a key client
# whose last rows carry no header is.
. "$TOP/tests/cli/lib.sh"

key=$(printf 'KEY1:' | base64 -w0)
line() { # ID AUTH AMNESTY DAY STATUS
	printf '10.0.0.1 - - [%s/Oct/2026:10:00:00 +0000] "GET /x HTTP/1.1" %s 1 "-" "curl/8" "%s" "%s" "%s" "-"\n' \
		"$4" "$5" "$2" "$3" "$1"
}
{
	# a PAT client: the header on every request, never a legacy one
	for d in 01 02 03; do
		line pat-app "Bearer 0/0123456789abcdef0123456789abcdef" true $d 200
	done
	# a key client: the header early on, then without it (refused)
	line key-app "Basic $key" true 01 200
	line key-app "Basic $key" - 02 434
	line key-app "Basic $key" - 03 434
	line key-app "Basic $key" - 03 200
	# the same the other way round: the header on the last day only
	line late-app "Basic $key" - 01 434
	line late-app "Basic $key" - 02 200
	line late-app "Basic $key" true 03 200
	# a key client that never sends it
	line plain-app "Basic $key" - 02 200
} > a.log
"$KEYAUDIT" ingest -q --db a.db --format "$NGINX_FMT" a.log
"$KEYAUDIT" report amnesty --db a.db -o a.csv
tr -d '\r' < a.csv > got.csv
cat > want.csv <<'W'
client,amnesty_requests,legacy_requests,amnesty_share,first_amnesty,last_amnesty,amnesty_days
"key-app",1,4,0.2500,"2026-10-01T10:00:00Z","2026-10-01T10:00:00Z",1
"late-app",1,3,0.3333,"2026-10-03T10:00:00Z","2026-10-03T10:00:00Z",1
W
check_files got.csv want.csv "amnesty report: clients by their amnesty sum"
