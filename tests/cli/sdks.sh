# SDKs are read where SDKs say who they are: the shipped rules' sdk lines
# name the user agent and X-Asana-Client-Lib, so node-asana (which sends
# no user agent) and python-asana (requests' user agent) are named with
# their versions in report sdks and report credentials; a log without
# the header reads the user agent alone.
. "$TOP/tests/cli/lib.sh"

FMT="$NGINX_FMT \"\$http_x_asana_client_lib\""
n=0
line() { # AGENT CLIENTLIB DAY
	n=$((n + 1))
	b=$(printf 'KEY%04d:' $n | base64 -w0)
	printf '10.0.0.1 - - [%s/Oct/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 1 "-" "%s" "Basic %s" "-" "-" "-" "%s"\n' \
		"$3" "$1" "$b" "$2"
}
{
	line - "version=0.15.0&language=NodeJS&language_version=v20.20.2&os=Linux" 01
	line - "version=0.18.14&language=NodeJS&language_version=v18.19.0&os=darwin" 01
	line - "version=1.0.5&language=NodeJS&language_version=v20.20.2&os=linux" 02
	line "python-requests/2.31.0" "version=3.2.1&language=Python&language_version=3.11.4&os=Linux&os_version=6.1.0-18-amd64" 02
	line "Google-HTTP-Java-Client/1.23.0 (gzip)" "os_version=6.1.0-18-amd64&language_version=17.0.8&os=Linux&language=Java&version=0.10.10" 02
	line "ruby-asana v2.0.1" "os=linux&language=ruby&language_version=3.2.2&version=2.0.1&openssl_version=OpenSSL 3.0.2 15 Mar 2022" 03
	line "curl/8.5.0" - 03
} > s.log
"$KEYAUDIT" ingest -q --db s.db --format "$FMT" s.log
"$KEYAUDIT" report sdks --db s.db -o got.csv
tr -d '\r' < got.csv | cut -d, -f1,2 | sort > sdks
cat > want <<'W'
"asana-java","0.10.10"
"curl","8.5.0"
"node-asana","0.15.0"
"node-asana","0.18.14"
"node-asana","1.0.5"
"python-asana","3.2.1"
"ruby-asana","2.0.1"
sdk,version
W
check_files sdks want "report sdks from X-Asana-Client-Lib"
"$KEYAUDIT" report credentials --db s.db -o cred.csv
python3 - cred.csv <<'PY' || fail "report credentials names the SDK"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
got = sorted((r["sdk"], r["sdk_version"]) for r in rows)
assert ("node-asana", "0.15.0") in got and ("python-asana", "3.2.1") in got, got
assert not [r for r in rows if r["sdk"] == "unknown"], got
node = [r for r in rows if r["sdk_version"] == "0.15.0"][0]
assert node["top_user_agent"].startswith("version=0.15.0&language=NodeJS"), node
PY

# the same log read without the header: the user agent alone
sed 's/ "[^"]*"$//' s.log > u.log
"$KEYAUDIT" ingest -q --db u.db --format "$NGINX_FMT" u.log
"$KEYAUDIT" report sdks --db u.db -o u.csv
grep -q '^"unknown","",4,' u.csv || { cat u.csv; fail "no header: unknown"; }

# a bad sdk line is a rules error
printf 'class k legacy\nrule k http_authorization ^.+$\nsdk\n' > bad.rules
expect_exit 2 "$KEYAUDIT" rules check bad.rules 2> err
grep -q "bad.rules:3: expected 'sdk FIELD'" err || { cat err; fail "sdk syntax"; }
