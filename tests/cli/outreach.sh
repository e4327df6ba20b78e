# Outreach: the registry is read with libcsv (quotes, embedded commas and
# newlines, a BOM, CRLF), joined by client id or credential fingerprint,
# one row per contact; missing clients are listed; a malformed registry
# gets FILE:LINE and exit 2.  Formula-like cells are neutralised.
. "$TOP/tests/cli/lib.sh"

# clients: an id (app-1), a bare API key (fingerprint), hostile ids
key=ABCDEFGH.abcdefghijklmnopqrstuvwx
basic=$(printf '%s:' "$key" | base64 -w0)
basic2=$(printf '%s:' ZZZZZZZZ.abcdefghijklmnopqrstuvwx | base64 -w0)
line() { # ID AGENT AUTH DAY
	printf '10.0.0.1 - - [%s/Oct/2026:10:00:00 +0000] "GET /x HTTP/1.1" 200 1 "-" "%s" "%s" "-" "%s" "-"\n' \
		"$4" "$2" "$3" "$1"
}
{
	for d in 01 02 03; do line app-1 "python-asana/3.2.1" "Basic $basic" $d; done
	line - "curl/8" "Basic $basic" 03
	line - "curl/8" "Basic $basic" 04
	for id in '=1+2' '+cmd' '-x' '@y'; do
		line "$id" "=HYPERLINK(\x22http://evil\x22)" "Basic $basic2" 02
	done
	line app-2 "node-asana/1.0" "Bearer 0/0123456789abcdef0123456789abcdef" 03
	# a key pasted into the path: its route keeps only a fingerprint
	printf '10.0.0.2 - - [03/Oct/2026:11:00:00 +0000] "GET /keys/%s/tasks/77?k=%s HTTP/1.1" 200 1 "-" "curl/8" "Basic %s" "-" "app-3" "-"\n' \
		"$key" "$key" "$basic"
} > o.log
cat > any-id.rules <<'R'
class api_key legacy
class pat
client http_x_client_id
client credential
rule pat http_authorization:bearer ^(?<credential>0/[0-9a-f]{32})$
rule api_key http_authorization:basic ^(?<credential>.+)$
R
"$KEYAUDIT" ingest -q --db o.db --rules any-id.rules --format "$NGINX_FMT" o.log
fp=$(printf '%s\n' "$key" | "$KEYAUDIT" fingerprint --db o.db)
case $fp in fp:????????????????) ;; *) fail "fingerprint: $fp" ;; esac
check_eq "$(sqlite3 o.db "SELECT route FROM routes WHERE client = 'app-3'")" \
	"/keys/$fp/tasks/{id}" "a route with a key in it"

# the registry: BOM, CRLF, quoted newline and comma, two contacts for app-1,
# one entry by fingerprint, an extra column carried through
printf '\357\273\277client,fingerprint,application,owner,contact_email,notes\r\n' > reg.csv
printf 'app-1,,"Sync, the app",Ann,ann@example.com,"line one\r\nline two"\r\n' >> reg.csv
printf 'app-1,,"Sync, the app",Bob,bob@example.com,backup\r\n' >> reg.csv
printf ',%s,Scripts,Cy,cy@example.com,"=cmd|x"\r\n' "$fp" >> reg.csv
"$KEYAUDIT" report outreach --db o.db --registry reg.csv -o out.csv
python3 - out.csv "$fp" <<'PY' || fail "outreach content"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
fp = sys.argv[2]
by = {}
for r in rows:
    by.setdefault(r["client"], []).append(r)
# app-1 by its id (two contacts) and by its key's fingerprint (a third)
assert [r["owner"] for r in by["app-1"]] == ["Ann", "Bob", "Cy"], by["app-1"]
assert by["app-1"][0]["registry_client"] == "app-1", "clashing column renamed"
a = by["app-1"][0]
assert a["in_registry"] == "yes" and a["application"] == "Sync, the app"
assert a["notes"] == "line one\r\nline two", repr(a["notes"])
assert a["legacy_requests"] == "3" and a["top_user_agent"] == "python-asana/3.2.1"
assert a["action"].startswith("replace the API key"), a["action"]
assert a["last_seen"] == "2026-10-03T10:00:00Z"
f = by[fp][0]
assert f["in_registry"] == "yes" and f["owner"] == "Cy", f
assert f["notes"] == "'=cmd|x", "a registry cell is neutralised too"
for hostile in ("'=1+2", "'+cmd", "'-x", "'@y"):
    assert by[hostile][0]["in_registry"] == "no", hostile
assert "app-2" not in by, "a migrated client is not on the list"
# what a spreadsheet would read: no cell starts a formula
for r in csv.reader(open(sys.argv[1], newline="", encoding="utf-8")):
    for cell in r:
        assert not cell or cell[0] not in "=+-@\t\r", repr(cell)
print(len(rows), "rows")
PY
# a CRM export: semicolons, "Client ID" and "API Key Fingerprint" in
# upper case with FP:; joined with no option; each credential
# row has that credential's own numbers; entries never seen are apart
FP=$(printf 'FP:%s' "${fp#fp:}" | tr a-f A-F)
printf 'Account;Client ID;Contact;API Key Fingerprint\r\n' > crm.csv
printf 'Acme;;Dee;%s\r\n' "$FP" >> crm.csv
printf 'Gone;ghost-app;Eve;\r\n' >> crm.csv
printf 'Lost;;Fay;FP:00000000000000AA\r\n' >> crm.csv
# app-2 has traffic, none of it legacy: neither listed nor apart
printf 'Now;app-2;Gus;\r\n' >> crm.csv
"$KEYAUDIT" report outreach --db o.db --registry crm.csv -o crm-out.csv
python3 - crm-out.csv "$fp" <<'PY' || fail "CRM registry"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
fp = sys.argv[2]
dee = {r["client"]: r for r in rows if r["Contact"] == "Dee"}
assert set(dee) == {"app-1", "app-3", fp}, dee
assert dee["app-1"]["credential"] == fp and dee["app-1"]["matched_by"] == "fingerprint"
assert dee["app-1"]["legacy_requests"] == "3", dee["app-1"]
assert dee[fp]["legacy_requests"] == "2", dee[fp]
apart = [r for r in rows if r["state"] == "registered, no traffic"]
assert sorted(r["Contact"] for r in apart) == ["Eve", "Fay"], apart
assert not [r for r in rows if r["Contact"] == "Gus"], "app-2 has traffic"
assert all(r["priority"] == "none" for r in apart)
assert rows[-2:] == apart, "listed apart, at the end"
PY
expect_exit 2 "$KEYAUDIT" report outreach --db o.db --registry crm.csv \
	--registry-delimiter , 2>err
grep -q "crm.csv:1: no client id or fingerprint column" err || fail "forced delimiter"

# the migration report neutralises client ids and agents the same way
"$KEYAUDIT" report migration --db o.db -o m.csv
grep -q "^\"'=1+2\"," m.csv || fail "client id neutralised"
grep -q "\"'=HYPERLINK(" m.csv || fail "agent neutralised"

# malformed registries: file and line, exit 2, no output file
printf 'client,owner\r\napp-1,"Ann\r\n' > bad1.csv
expect_exit 2 "$KEYAUDIT" report outreach --db o.db --registry bad1.csv \
	-o x.csv 2>err
grep -q '^keyaudit: bad1.csv:2: malformed CSV' err || { cat err; fail "bad quote"; }
[ ! -e x.csv ] || fail "no report from a bad registry"
printf 'client,owner\napp-1,Ann,extra\n' > bad2.csv
expect_exit 2 "$KEYAUDIT" report outreach --db o.db --registry bad2.csv 2>err
grep -q '^keyaudit: bad2.csv:2: 3 fields, the header has 2' err || { cat err; fail "width"; }
printf 'name,owner\napp-1,Ann\n' > bad3.csv
expect_exit 2 "$KEYAUDIT" report outreach --db o.db --registry bad3.csv 2>err
grep -q "bad3.csv:1: no client id or fingerprint column" err || fail "key column"
expect_exit 2 "$KEYAUDIT" report outreach --db o.db --registry reg.csv \
	--registry-key "Client Number" 2>err
grep -q "reg.csv:1: no column 'Client Number'" err || fail "named key column"
expect_exit 2 "$KEYAUDIT" report outreach --db o.db 2>/dev/null
