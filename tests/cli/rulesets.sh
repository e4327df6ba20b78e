# The shipped rulesets besides Asana's: rules/aws-sigv2.rules on S3
# access logs and rules/generic-api-keys.rules on combined, nginx and
# JSON logs.  Each is checked, then hand-written logs with known answers
# are ingested and the database's counts compared with those answers.
. "$TOP/tests/cli/lib.sh"
SIGV2="$TOP/rules/aws-sigv2.rules"
GENERIC="$TOP/rules/generic-api-keys.rules"

"$KEYAUDIT" rules check "$SIGV2" > out
check_eq "$(cat out)" "$SIGV2: ok: 5 classes (2 legacy), 5 rules, 2 phases" \
	"aws-sigv2 checks"
"$KEYAUDIT" rules check --format s3 "$SIGV2" > out 2> err
check_eq "$(cat err)" "" "every field of aws-sigv2 is in s3"
"$KEYAUDIT" rules check "$GENERIC" > out
check_eq "$(cat out)" "$GENERIC: ok: 5 classes (1 legacy), 7 rules, 1 phases" \
	"generic-api-keys checks"
"$KEYAUDIT" rules check --format jsonl "$GENERIC" > out 2> err
check_eq "$(cat err)" "" "jsonl has every field"

# ---- S3: one line per case.  Fields: owner bucket [time] ip requester
# id operation key "request" status error bytes size total turnaround
# "referer" "agent" version host_id signature cipher auth host tls
s3() { # TIME IP REQUESTER OPERATION SIGNATURE TLS
	printf '%s\n' "79a5 b1 [$1 +0000] $2 $3 3E57 $4 k \"GET /b1/k HTTP/1.1\" 200 - 10 10 7 6 \"-\" \"aws-sdk\" - s9lz= $5 ECDHE-RSA-AES128-SHA AuthHeader b1.s3.amazonaws.com $6"
}
alice=arn:aws:iam::111122223333:user/alice
bob=arn:aws:iam::111122223333:user/bob
{
	s3 05/Jan/2026:10:00:00 192.0.2.1 $alice REST.GET.OBJECT SigV2 TLSv1.2
	s3 05/Jan/2026:10:00:01 192.0.2.1 $alice REST.GET.OBJECT SigV2 TLSv1
	s3 05/Jan/2026:10:00:02 192.0.2.2 $bob REST.PUT.OBJECT SigV4 TLSv1.1
	s3 05/Jan/2026:10:00:03 192.0.2.2 $bob REST.PUT.OBJECT SigV4 TLSv1.2
	s3 05/Jan/2026:23:59:59 192.0.2.2 $bob REST.GET.OBJECT SigV4 TLSv1.3
	s3 06/Jan/2026:00:00:00 198.51.100.7 - REST.GET.OBJECT - TLSv1.2
	s3 06/Jan/2026:00:00:01 198.51.100.7 - REST.GET.OBJECT - TLSV1.1
	s3 06/Jan/2026:03:00:00 - AmazonS3 S3.EXPIRE.OBJECT - -
	echo "79a5 b1 [06/Jan/2026:04:00:00 +0000] 192.0.2.9 $alice 3E57 REST.GET.OBJECT k \"GET /b1/k HTTP/1.1\" 200 - 10 10 7 6 \"-\" \"old\""
	echo "79a5 b1 [06/Jan/2026:04:00:01 +0000] 192.0.2.9 $alice cut short"
} > s3.log
cat > want.csv <<EOF
client,day,class,amnesty,status,requests
AmazonS3,2026-01-06,internal,0,200,1
addr:198.51.100.7,2026-01-06,anonymous,0,200,1
addr:198.51.100.7,2026-01-06,tls_legacy,0,200,1
$alice,2026-01-05,sigv2,0,200,2
$alice,2026-01-06,unknown,0,200,1
$bob,2026-01-05,sigv4,0,200,2
$bob,2026-01-05,tls_legacy,0,200,1
EOF
"$KEYAUDIT" ingest -v --db s3.db --rules "$SIGV2" s3.log 2> err
grep -q ': format s3$' err || fail "auto reads the S3 log as s3"
grep -q "s3.log:10: bad line skipped: too few fields" err ||
	{ cat err >&2; fail "the cut line is bad"; }
db_counts s3.db > got.csv
check_files got.csv want.csv "aws-sigv2 counts"
check_eq "$(sqlite3 s3.db 'SELECT sum(bad) FROM files')" 1 "one bad line"

# the AWS documentation's example: four SigV2 requests and one SigV4
# over TLS 1.1, all by the bucket owner
"$KEYAUDIT" ingest -q --db doc.db --rules "$SIGV2" --format s3 \
	"$TOP/tests/data/real/awsdocs/s3-userguide_LogFormat-example-records.log"
sqlite3 -csv doc.db "SELECT class, sum(n) FROM counts GROUP BY 1
	ORDER BY 1" > got.csv
printf 'sigv2,4\ntls_legacy,1\n' > want.csv
check_files got.csv want.csv "aws-sigv2 on the AWS example"
"$KEYAUDIT" report migration --db doc.db -o m.csv
# the canonical user id has a credential's shape: it is fingerprinted
canonical=$(echo 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be | "$KEYAUDIT" fingerprint)
python3 - m.csv "$canonical" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 1, rows
r = rows[0]
assert r["client"] == sys.argv[2], r
assert r["legacy_requests"] == "5" and r["all_requests"] == "5", r
assert r["top_user_agent"] == "S3Console/0.4", r
PY

# ---- generic API keys.  fp NAME: the client name of a credential.
fp() {
	printf '%s\n' "$1" | "$KEYAUDIT" fingerprint
}
# combined: only the query string shows a key
cat > c.log <<'EOF'
192.0.2.1 - - [05/Jan/2026:10:00:00 +0000] "GET /v1/items?api_key=K1 HTTP/1.1" 200 5 "-" "sdk/1"
192.0.2.1 - - [05/Jan/2026:10:00:01 +0000] "GET /v1/items?page=2&apikey=K2 HTTP/1.1" 200 5 "-" "sdk/1"
192.0.2.1 - - [05/Jan/2026:10:00:02 +0000] "GET /v1/items?api%5Fkey=K1&x=1 HTTP/1.1" 200 5 "-" "sdk/1"
192.0.2.2 - - [05/Jan/2026:10:00:03 +0000] "GET /v1/items?notapi_key=K9 HTTP/1.1" 200 5 "-" "curl"
EOF
cat > want.csv <<EOF
client,day,class,amnesty,status,requests
$(fp K1),2026-01-05,api_key,0,200,2
$(fp K2),2026-01-05,api_key,0,200,1
addr:192.0.2.2,2026-01-05,unknown,0,200,1
EOF
sort -o want.body -t, -k1,1 want.csv
"$KEYAUDIT" ingest -q --db c.db --rules "$GENERIC" c.log
db_counts c.db > got.csv
sort -o got.body -t, -k1,1 got.csv
check_files got.body want.body "generic keys in combined"

# nginx with the headers: X-API-Key, Token, ApiKey, Bearer, Basic, none,
# and a key beside a bearer token (the key wins: first rule)
NG='nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_user_agent" "$http_x_api_key" "$http_authorization" "$http_x_client_id"'
cat > n.log <<'EOF'
192.0.2.1 - - [05/Jan/2026:10:00:00 +0000] "GET /a HTTP/1.1" 200 5 "sdk" "HK1" "-" "-"
192.0.2.1 - - [05/Jan/2026:10:00:01 +0000] "GET /a HTTP/1.1" 200 5 "sdk" "-" "Token TK1" "-"
192.0.2.1 - - [05/Jan/2026:10:00:02 +0000] "GET /a HTTP/1.1" 200 5 "sdk" "-" "ApiKey TK1" "-"
192.0.2.3 - - [05/Jan/2026:10:00:03 +0000] "GET /a HTTP/1.1" 200 5 "sdk" "-" "Bearer eyJhbGciOi.x.y" "billing"
192.0.2.3 - - [05/Jan/2026:10:00:04 +0000] "GET /a HTTP/1.1" 200 5 "sdk" "-" "Bearer eyJhbGciOi.x.y" "billing"
192.0.2.4 - - [05/Jan/2026:10:00:05 +0000] "GET /a HTTP/1.1" 401 5 "sdk" "-" "Basic dXNlcjpwYXNz" "-"
192.0.2.5 - - [05/Jan/2026:10:00:06 +0000] "GET /health HTTP/1.1" 200 5 "probe" "-" "-" "-"
192.0.2.6 - - [05/Jan/2026:10:00:07 +0000] "GET /a?api_key=QK HTTP/1.1" 200 5 "sdk" "-" "Bearer tok" "-"
EOF
cat > want.csv <<EOF
client,day,class,amnesty,status,requests
$(fp HK1),2026-01-05,api_key,0,200,1
$(fp TK1),2026-01-05,api_key,0,200,2
$(fp QK),2026-01-05,api_key,0,200,1
$(fp user),2026-01-05,basic,0,401,1
addr:192.0.2.5,2026-01-05,none,0,200,1
billing,2026-01-05,bearer,0,200,2
EOF
sort -o want.body -t, -k1,1 want.csv
"$KEYAUDIT" ingest -q --db n.db --rules "$GENERIC" --format "$NG" n.log
db_counts n.db > got.csv
sort -o got.body -t, -k1,1 got.csv
check_files got.body want.body "generic keys in nginx"

# jsonl: Caddy's header arrays, Traefik's request_ headers, Envoy's
# lower-case keys; the rules' nginx names find them all
cat > j.log <<'EOF'
{"ts":1767607200.5,"request":{"remote_ip":"192.0.2.1","method":"GET","uri":"/a","headers":{"X-Api-Key":["JK1"],"User-Agent":["sdk"]}},"status":200}
{"ts":1767607201,"request":{"remote_ip":"192.0.2.1","method":"GET","uri":"/a?apikey=JK2","headers":{}},"status":200}
{"StartUTC":"2026-01-05T10:00:02Z","ClientHost":"192.0.2.2","RequestPath":"/a","DownstreamStatus":200,"request_Authorization":"Bearer jt","request_X-Client-Id":"mobile"}
2026-01-05T10:00:03Z stdout F {"start_time":"2026-01-05T10:00:03Z","downstream_remote_address":"192.0.2.3:5555","x-envoy-origin-path":"/a","response_code":403,"authorization":"Token JK1"}
{"ts":1767607204,"request":{"remote_ip":"192.0.2.4","uri":"/b"},"status":200}
{"ts": "not json
EOF
cat > want.csv <<EOF
client,day,class,amnesty,status,requests
$(fp JK1),2026-01-05,api_key,0,200,1
$(fp JK1),2026-01-05,api_key,0,403,1
$(fp JK2),2026-01-05,api_key,0,200,1
addr:192.0.2.4,2026-01-05,none,0,200,1
mobile,2026-01-05,bearer,0,200,1
EOF
sort -o want.body -t, -k1,1 want.csv
"$KEYAUDIT" ingest -v --db j.db --rules "$GENERIC" j.log 2> err
grep -q ': format jsonl$' err || fail "auto reads the JSON log as jsonl"
db_counts j.db > got.csv
sort -o got.body -t, -k1,1 got.csv
check_files got.body want.body "generic keys in jsonl"
check_eq "$(sqlite3 j.db 'SELECT sum(bad) FROM files')" 1 "bad JSON line"

# explain shows a credential field only as a fingerprint
"$KEYAUDIT" rules explain --rules "$GENERIC" --format jsonl j.log > ex.out
grep -q '^  field http_x_api_key = <secret, 3 bytes, fp:' ex.out ||
	fail "the key is a secret in explain"
if grep -q 'JK1' ex.out; then fail "a key leaked into explain"; fi
grep -q '^  class api_key (legacy)' ex.out || fail "explain's class"
