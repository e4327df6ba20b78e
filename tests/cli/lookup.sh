# lookup finds what a customer pastes: a key with white space around it,
# a Basic or Bearer header value (with or without "Authorization:"),
# "fp:" in any case; a PAT seen only as modern is found with its class
# and client (exit 0), also when sent with a client id (from the
# origins the store keeps); dates after each other are refused as report
# refuses them; no secret is ever printed.
. "$TOP/tests/cli/lib.sh"

key=ABCDEFGH.abcdefghijklmnopqrstuvwx
pat=1/1234567890123456:0123456789abcdef0123456789abcdef
pat2=1/1234567890123456:fedcba9876543210fedcba9876543210
basic=$(printf '%s:' "$key" | base64 -w0)
line() { # ID AUTH DAY
	printf '10.0.0.1 - - [%s/Oct/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 1 "-" "curl/8" "%s" "-" "%s" "-"\n' \
		"$3" "$2" "$1"
}
{
	for d in 01 02 03; do line app-1 "Basic $basic" $d; done
	# the PAT without a client id: its client is its fingerprint
	for d in 02 03 04 05; do line - "Bearer $pat" $d; done
	# a client id that moved from a key to a PAT: the PAT is counted
	# under the client id
	line app-2 "Basic $(printf 'other-key-0123456789:' | base64 -w0)" 01
	for d in 04 05; do line app-2 "Bearer $pat2" $d; done
} > l.log
"$KEYAUDIT" ingest -q --db l.db --format "$NGINX_FMT" l.log
kfp=$(printf '%s\n' "$key" | "$KEYAUDIT" fingerprint --db l.db)
pfp=$(printf '%s\n' "$pat" | "$KEYAUDIT" fingerprint --db l.db)

# look PASTED WANT_ROWS: the rows lookup gives for PASTED on stdin
look() {
	printf '%b' "$1" | "$KEYAUDIT" lookup -q --db l.db > got.csv ||
		{ cat got.csv; fail "lookup of pasted form $2: exit $?"; }
	grep -q "$key\|$pat\|$basic\|$pat2" got.csv && fail "lookup printed a secret"
	tr -d '\r' < got.csv | sed 1d > rows
	check_eq "$(cat rows)" "$3" "lookup of pasted form $2"
}
k="\"$kfp\",\"app-1\",\"api_key\",3,0,0,\"2026-10-01T10:00:00Z\",\"2026-10-03T10:00:00Z\",3,\"legacy-only\",\"2026-10-01\",\"\""
p="\"$pfp\",\"$pfp\",\"pat\",4,0,0,\"2026-10-02T10:00:00Z\",\"2026-10-05T10:00:00Z\",4,\"\",\"\",\"\""
look "$key\n" "key" "$k"
look "  $key \r\n" "key with spaces" "$k"
look "$key" "key without a newline" "$k"
look "Basic $basic\n" "Basic header value" "$k"
look "Authorization: Basic $basic\r\n" "Authorization header" "$k"
look "authorization:basic  $basic \n" "header in lower case" "$k"
look "$(printf %s "$kfp" | tr a-z A-Z)\n" "FP: upper case" "$k"
look " $pat\n" "PAT seen only as modern" "$p"
look "Authorization: Bearer $pat\n" "Bearer header" "$p"
look "Bearer $pat\n" "Bearer value" "$p"
# a PAT sent with a client id: found under it, with its class and the
# client's state (by day: the origins keep days)
p2fp=$(printf '%s\n' "$pat2" | "$KEYAUDIT" fingerprint --db l.db)
look "Bearer $pat2\n" "PAT under a client id" "\"$p2fp\",\"app-2\",\"pat\",2,0,0,\"2026-10-04\",\"2026-10-05\",2,\"mixed\",\"2026-10-04\",\"\""
"$KEYAUDIT" lookup -q --db l.db " $(printf %s "$pfp" | tr a-z A-Z) " > got.csv
grep -q "^\"$pfp\",\"$pfp\",\"pat\",4," got.csv || fail "PAT by fingerprint"

# Basic that is not base64: named by line, never quoted, skipped
printf 'Basic %s\n%s\n' '!!notbase64!!' "$key" |
	"$KEYAUDIT" lookup -q --db l.db > got.csv 2> err
grep -q '^keyaudit: standard input:1: Basic credentials that are not valid base64' err ||
	{ cat err; fail "bad Basic message"; }
grep -q notbase64 err && fail "the bad line was quoted"
grep -q "^\"$kfp\"," got.csv || fail "the next line was not read"

# dates: --since after --until refused, exit 2, as report refuses them
printf '%s\n' "$key" > k.txt
expect_exit 2 "$KEYAUDIT" lookup --db l.db --since 2026-10-05 \
	--until 2026-10-01 < k.txt 2> err
grep -q -- '--since is after --until' err || fail "date range message"
expect_exit 2 "$KEYAUDIT" report migration --db l.db --since 2026-10-05 \
	--until 2026-10-01 2> err
"$KEYAUDIT" lookup -q --db l.db --since 2026-10-03 --until 2026-10-03 \
	< k.txt > got.csv
grep -q "^\"$kfp\",\"app-1\",\"api_key\",1," got.csv || fail "window"
