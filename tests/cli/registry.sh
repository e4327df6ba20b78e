# Registries as CRMs export them, joined by outreach: an Excel "sep=;"
# line, a BOM, CRLF, semicolons, upper-case ids with spaces around them,
# extra columns, a raw key in the fingerprint column (fingerprinted with
# the database's key, used, never printed), cp1252 converted; refused by
# line: "fp:... (rotated)", a control character (NUL too), bytes that are
# neither UTF-8 nor cp1252, UTF-16, an unclosed quote (where it starts).
. "$TOP/tests/cli/lib.sh"

key=ABCDEFGH.abcdefghijklmnopqrstuvwx
basic=$(printf '%s:' "$key" | base64 -w0)
key2=ZZZZZZZZ.abcdefghijklmnopqrstuvwx
basic2=$(printf '%s:' "$key2" | base64 -w0)
line() { # ID AUTH DAY STATUS
	printf '10.0.0.1 - - [%s/Oct/2026:10:00:00 +0000] "GET /x HTTP/1.1" %s 1 "-" "curl/8" "%s" "-" "%s" "-"\n' \
		"$3" "$4" "$2" "$1"
}
{
	# app-00067: active, being refused
	for d in 01 02 03; do line app-00067 "Basic $basic" $d 434; done
	# a key without a client id: its client is its fingerprint
	for d in 02 03; do line - "Basic $basic2" $d 200; done
} > r.log
"$KEYAUDIT" ingest -q --db r.db --format "$NGINX_FMT" r.log
fp2=$(printf '%s\n' "$key2" | "$KEYAUDIT" fingerprint --db r.db)

# the export: sep=; line, BOM, CRLF, an extra column, upper-case id with
# spaces, the raw key pasted where its fingerprint belongs
{
	printf '\357\273\277sep=;\r\n'
	printf 'Account;Client ID;Phone;API Key Fingerprint;Account Owner Email\r\n'
	printf 'Acme; APP-00067 ;555;;ann@acme.example\r\n'
	printf 'Beta;;556;%s;bob@beta.example\r\n' "$key2"
	printf 'Gone;ghost-app;557;;cy@gone.example\r\n'
} > crm.csv
"$KEYAUDIT" report outreach --db r.db --registry crm.csv -o out.csv 2> err
grep -q "^keyaudit: warning: crm.csv:4: column 'API Key Fingerprint' holds a credential, not its fingerprint: used as $fp2" err ||
	{ cat err; fail "raw credential warning"; }
grep -q "$key2\|$basic2" out.csv err && fail "the raw key was printed"
python3 - out.csv "$fp2" <<'PY' || fail "CRM export joined"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
by = {r["Account"]: r for r in rows}
a = by["Acme"]
assert a["client"] == "app-00067" and a["matched_by"] == "client", a
assert a["state"] != "registered, no traffic" and a["status_434"] == "3", a
assert a["Phone"] == "555" and a["Account Owner Email"] == "ann@acme.example"
b = by["Beta"]
assert b["client"] == sys.argv[2] and b["matched_by"] == "fingerprint", b
assert b["API Key Fingerprint"] == sys.argv[2], b
assert b["legacy_requests"] == "2", b
assert by["Gone"]["state"] == "registered, no traffic"
assert len(rows) == 3, rows
PY

# cp1252: converted, with a warning by line; the output is UTF-8
printf 'client;owner\r\napp-00067;Soci\351t\351 G\351n\351rale \200\r\n' > cp.csv
"$KEYAUDIT" report outreach --db r.db --registry cp.csv -o cp-out.csv 2> err
grep -q "cp.csv:2: not UTF-8 (byte 0xE9): read as Windows-1252" err ||
	{ cat err; fail "cp1252 warning"; }
python3 -c "
import sys
t = open('cp-out.csv', encoding='utf-8').read()
assert 'Société Générale €' in t, t" || fail "cp1252 converted"

# refused by line, exit 2, no report
refused() { # FILE PATTERN WHAT
	expect_exit 2 "$KEYAUDIT" report outreach --db r.db --registry "$1" \
		-o x.csv 2> err
	grep -q "^keyaudit: $2" err || { cat err; fail "$3"; }
	[ ! -e x.csv ] || fail "$3: a report was written"
}
printf 'client;fingerprint\napp-1;\n;fp:0123456789abcdef (rotated)\n' > rot.csv
refused rot.csv "rot.csv:3: column 'fingerprint': not a fingerprint" "fp: (rotated)"
printf 'client,owner\napp-1,Ann\napp-2,B\000b\n' > nul.csv
refused nul.csv "nul.csv:3: a control character (U+0000) in a cell" "NUL"
printf 'client,owner\napp-1,A\033[31mnn\n' > esc.csv
refused esc.csv "esc.csv:2: a control character (U+001B)" "escape"
printf 'client,owner\napp-1,Ann\napp-2,\201x\n' > undef.csv
refused undef.csv "undef.csv:3: not UTF-8, and byte 0x81 is not Windows-1252" "undefined byte"
printf 'client,owner\napp-1,Zo\303\253\napp-2,Zo\353\n' > mixed.csv
refused mixed.csv "mixed.csv:3: not UTF-8 (byte 0xEB), though other lines are" "mixed"
printf '\377\376c\000l\000\n\000' > u16.csv
refused u16.csv "u16.csv:1: UTF-16" "UTF-16"
printf 'client,owner\r\napp-1,"Ann\r\napp-2,Bob\r\napp-3,Cy\r\n' > open.csv
refused open.csv "open.csv:2: malformed CSV" "unclosed quote"
printf 'sep=;\nclient;owner\napp-1;Ann;x\n' > width.csv
refused width.csv "width.csv:3: 3 fields, the header has 2" "width after sep="
printf 'client;owner\napp-1;Ann\n' > ok.csv
expect_exit 2 "$KEYAUDIT" report outreach --db r.db --registry ok.csv \
	--registry-owner Boss 2> err
grep -q "ok.csv:1: no column 'Boss'" err || fail "--registry-owner"
