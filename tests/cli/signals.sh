# The platform's own signals: where the log records the responses'
# Deprecation, Sunset or Asana-Change headers, report outreach and
# report migration say per legacy client whether, and since when, its
# responses carried the warning, and the draft says so; the SDK is still
# read as before, and no report shows the warning inside the agent.
. "$TOP/tests/cli/lib.sh"

FMT="$NGINX_FMT \"\$sent_http_deprecation\" \"\$sent_http_sunset\" \"\$sent_http_asana_change\""
line() { # ID KEY DAY DEPRECATION SUNSET CHANGE
	b=$(printf '%s:' "$2" | base64 -w0)
	printf '10.0.0.1 - - [%s/Oct/2026:10:00:00 +0000] "GET /api/1.0/tasks HTTP/1.1" 200 1 "-" "python-asana/3.2.1" "Basic %s" "-" "%s" "-" "%s" "%s" "%s"\n' \
		"$3" "$b" "$1" "$4" "$5" "$6"
}
{
	line app-1 KEYONE.abcdefghijklmnopqrstu 01 - - -
	line app-1 KEYONE.abcdefghijklmnopqrstu 02 - - -
	line app-1 KEYONE.abcdefghijklmnopqrstu 03 "@1796083200" - -
	line app-1 KEYONE.abcdefghijklmnopqrstu 04 "@1796083200" "Tue, 01 Dec 2026 00:00:00 GMT" -
	line app-2 KEYTWO.abcdefghijklmnopqrstu 04 - - -
	line app-3 KEYTHREE.abcdefghijklmnopqr 02 - - "name=api_keys;affected=true"
} > w.log
"$KEYAUDIT" ingest -q --db w.db --format "$FMT" w.log
printf 'client,email\napp-1,ann@one.example\napp-2,bob@two.example\napp-3,cy@three.example\n' > reg.csv
"$KEYAUDIT" report outreach --db w.db --registry reg.csv --messages m -o out.csv
python3 - out.csv <<'PY' || fail "warned_since"
import csv, sys
rows = {r["client"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
assert rows["app-1"]["warned_since"] == "2026-10-03", rows["app-1"]
assert rows["app-2"]["warned_since"] == "", rows["app-2"]
assert rows["app-3"]["warned_since"] == "2026-10-02", rows["app-3"]
for c in rows.values():
    assert c["top_user_agent"] == "python-asana/3.2.1", c
PY
"$KEYAUDIT" report migration --db w.db -o mig.csv
"$KEYAUDIT" report credentials --db w.db -o cred.csv
"$KEYAUDIT" gonogo --db w.db -o gonogo.csv > /dev/null || true
python3 - mig.csv cred.csv gonogo.csv <<'PY' || fail "migration's warned_since"
import csv, sys
rows = {r["client"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
assert rows["app-1"]["warned_since"] == "2026-10-03", rows["app-1"]
assert rows["app-2"]["warned_since"] == "", rows["app-2"]
assert rows["app-3"]["warned_since"] == "2026-10-02", rows["app-3"]
# app-1's 4 requests are one agent's, warned or not
assert rows["app-1"]["legacy_requests"] == "4", rows["app-1"]
creds = list(csv.DictReader(open(sys.argv[2], newline="")))
for r in list(rows.values()) + creds:
    assert r["top_user_agent"] == "python-asana/3.2.1", r
assert "[warned]" not in open(sys.argv[3]).read()
PY
grep -q "deprecation warning since 2026-10-03" m/ann@one.example.eml ||
	fail "the draft says since when"
grep -q "deprecation warning" m/bob@two.example.eml && fail "app-2 was not warned"
"$KEYAUDIT" report sdks --db w.db -o sdks.csv
grep -q '^"python-asana","3.2.1",6,3,3' sdks.csv || { cat sdks.csv; fail "sdks"; }
