# Support reports against the generator's truth: clients that migrate,
# regress and go dormant; per-credential rows with SDK and route; SDK
# versions; migration progress; lookup of a key used under a client id;
# a CRM registry joined without options; no key made by a reader.
. "$TOP/tests/cli/lib.sh"
O="python3 $TOP/tests/scripts/oracle.py"
N=5

"$LOGGEN" --layout nginx --lines 30000 --clients 1500 --days 30 --seed 11 \
	--lifecycle --legacy-truth --migrated-days $N --key-file test.key \
	-o s.log
"$KEYAUDIT" ingest -q --db s.db --format "$NGINX_FMT" s.log
DB=s.db

# migration: the truth's figures, states and routes, byte for byte
"$KEYAUDIT" report migration --db $DB --migrated-days $N -o m.csv
check_files m.csv s.log.migration.csv "migration report with states"
for st in legacy-only mixed migrated regressed dormant; do
	grep -q ",\"$st\",\"20" m.csv || fail "no $st client in the corpus"
done
# the default N is 14: the same corpus's truth with 14
"$LOGGEN" --layout nginx --lines 30000 --clients 1500 --days 30 --seed 11 \
	--lifecycle --key-file test.key -o s14.log
cmp -s s.log s14.log || fail "the corpus depends on --migrated-days"
"$KEYAUDIT" report migration --db $DB -o m14.csv
check_files m14.csv s14.log.migration.csv "migration, default 14 days"
cmp -s m.csv m14.csv && fail "--migrated-days changes nothing"

"$KEYAUDIT" report progress --db $DB --migrated-days $N -o got.csv
$O progress $N s.log.counts.csv > want.csv
check_files got.csv want.csv "progress report"

"$KEYAUDIT" report credentials --db $DB --migrated-days $N -o cred.csv
$O credentials $N s.log.counts.csv s.log.legacy.csv > want.csv
check_files cred.csv want.csv "credentials report"

"$KEYAUDIT" report sdks --db $DB -o got.csv
$O sdks s.log.legacy.csv > want.csv
check_files got.csv want.csv "sdks report"
grep -q '^"python-asana","0.10.3",' got.csv || fail "python-asana 0.10.3"
for k in credentials sdks progress; do
	"$KEYAUDIT" report $k --db $DB -o a.csv
	"$KEYAUDIT" report $k --db $DB --format json -o a.json
	python3 -c "import json; d = json.load(open('a.json')); assert isinstance(d, list) and len(d) == $(($(wc -l < a.csv) - 1)), len(d)" ||
		fail "$k --format json"
done

# lookup: a key used under an X-Client-Id, found from the secret itself
"$KEYAUDIT" fingerprint < s.log.secrets | paste -d, - s.log.secrets > fps
python3 - s.log.legacy.csv fps > pick <<'PY'
import csv, sys
fps = {}
for line in open(sys.argv[2]):
    fp, secret = line.rstrip("\n").split(",", 1)
    fps[fp[3:]] = secret
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if not r["client"].startswith("fp:") and r["fp"] in fps:
        print(r["client"], r["fp"], fps[r["fp"]])
        break
PY
read -r cid cfp secret < pick
[ -n "$secret" ] || fail "no key under a client id in the corpus"
printf '%s\n' "$secret" | "$KEYAUDIT" lookup -q --db $DB > look.csv
grep -q "^\"fp:$cfp\",\"$cid\"," look.csv || { cat look.csv; fail "lookup by secret"; }
grep -q "$secret" look.csv && fail "lookup printed the secret"
want=$(grep "^\"fp:$cfp\",\"$cid\"," cred.csv | cut -d, -f3)
check_eq "$(grep "^\"fp:$cfp\",\"$cid\"," look.csv | cut -d, -f4)" "$want" \
	"lookup requests"
up=$(printf 'fp:%s' "$cfp" | tr a-f A-F)
"$KEYAUDIT" lookup -q --db $DB "$up" > look2.csv
grep -q "^\"fp:$cfp\",\"$cid\"," look2.csv || fail "lookup by fingerprint"
expect_exit 1 "$KEYAUDIT" lookup -q --db $DB fp:0000000000000000 > none.csv
grep -q '"not seen"' none.csv || fail "not seen row"
printf 'not-a-key-anyone-used\n' > other
expect_exit 1 "$KEYAUDIT" lookup -q --db $DB < other > /dev/null
expect_exit 2 "$KEYAUDIT" lookup --db $DB fp:xyz 2> err

# readers never make a key; a key that is not the database's is refused
expect_exit 2 env -u KEYAUDIT_KEY_FILE "$KEYAUDIT" fingerprint \
	--db fresh.db < other 2> err
grep -q 'no fingerprint key' err || fail "fingerprint: no key message"
[ ! -e fresh.db.key ] || fail "fingerprint made a key"
expect_exit 2 env -u KEYAUDIT_KEY_FILE "$KEYAUDIT" lookup --db fresh.db \
	< other 2> err
expect_exit 2 env -u KEYAUDIT_KEY_FILE "$KEYAUDIT" rules explain \
	--db fresh.db --format "$NGINX_FMT" s.log > /dev/null 2> err
[ ! -e fresh.db.key ] || fail "rules explain made a key"
printf '%s\n' 1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100 > other.key
chmod 600 other.key
expect_exit 2 "$KEYAUDIT" fingerprint --db s.db --key-file other.key \
	< other 2> err
grep -q "not the database's fingerprint key" err || fail "wrong key message"
expect_exit 2 "$KEYAUDIT" lookup --db s.db --key-file other.key < other 2> /dev/null

# outreach with a CRM export: BOM, CRLF, semicolons, "Client ID" and
# "API Key Fingerprint" in upper case with FP:, a client never seen
python3 - m.csv cred.csv > crm.csv <<'PY'
import csv, sys
out = sys.stdout
out.write("\ufeffAccount;Client ID;Owner;API Key Fingerprint\r\n")
for r in csv.DictReader(open(sys.argv[1], newline="")):
    if not r["client"].startswith(("fp:", "'", "addr:")):
        out.write("Acme;%s;owner-%s;\r\n" % (r["client"], r["client"]))
n = 0
for r in csv.DictReader(open(sys.argv[2], newline="")):
    if n < 40:
        out.write("Beta;;fp-owner;%s\r\n" % r["fingerprint"].upper())
        n += 1
out.write("Gone;ghost-app;nobody;\r\n")
PY
sed 's/^phase amnesty-ends refuse legacy$/& on 2026-12-01/' \
	"$KEYAUDIT_RULES" > dated.rules
"$KEYAUDIT" report outreach --db $DB --migrated-days $N --rules dated.rules \
	--registry crm.csv -o out.csv
python3 - out.csv cred.csv m.csv s.log.legacy.csv <<'PY' || fail "outreach"
import csv, sys
from collections import defaultdict
rd = lambda p: list(csv.DictReader(open(p, newline="", encoding="utf-8-sig")))
out, creds, mig = rd(sys.argv[1]), rd(sys.argv[2]), rd(sys.argv[3])
cred = {(r["client"], r["fingerprint"]): r for r in creds}
state = {r["client"]: r for r in mig}
refused = defaultdict(lambda: "9999")
for r in rd(sys.argv[4]):
    if r["status"] == "434":
        for k in (r["client"], (r["client"], "fp:" + r["fp"])):
            refused[k] = min(refused[k], r["day"])
fps = defaultdict(list)
for (c, fp) in sorted(cred):
    fps[c].append(fp)
seen = defaultdict(int)
for r in out:
    seen[r["matched_by"]] += 1
    if r["state"] == "registered, no traffic":
        assert r["Client ID"] == "ghost-app" and r["priority"] == "none", r
        continue
    c = r["client"]
    if r["matched_by"] == "fingerprint":
        # the credential's own numbers, not the client's
        k = (c, r["credential"])
        want = cred[k]
        assert r["API Key Fingerprint"].lower() == r["credential"], r
        assert r["legacy_requests"] == want["requests"], (r, want)
        assert r["amnesty_requests"] == want["amnesty_requests"], r
        assert r["status_434"] == want["status_434"], r
    else:
        k = c
        want = state[c]
        assert r["legacy_requests"] == want["legacy_requests"], r
    st = state[c]["state"]
    assert r["state"] == st, (r, st)
    a = r["action"]
    if st in ("migrated", "dormant"):
        assert r["priority"] == "low", r
        assert a.startswith(st) or (st == "migrated" and a.startswith(
            "probably migrated: ")), r
    elif int(r["status_434"]) and int(r["amnesty_requests"]):
        assert a.startswith("your requests without the amnesty header are"
                            " being refused since %s, and amnesty ends on"
                            " 2026-12-01: " % refused[k]), (r, refused[k])
    elif int(r["status_434"]):
        assert a.startswith("your requests are being refused since %s:" %
                            refused[k]), (r, refused[k])
    elif int(r["amnesty_requests"]):
        assert a.startswith("amnesty ends on 2026-12-01: "), r
    elif st == "mixed":
        assert a == "finish moving these credentials: " + \
            ", ".join(fps[c][:5]) + \
            (" and %d more" % (len(fps[c]) - 5) if len(fps[c]) > 5 else ""), r
    if r["priority"] == "high":
        assert int(r["legacy_requests"]) >= 100, r
    seen[r["priority"]] += 1
    seen[a.split(" ")[0].rstrip(":")] += 1
for want in ("client", "fingerprint", "high", "medium", "low", "your",
             "amnesty", "finish", "migrated", "dormant"):
    assert seen[want], (want, dict(seen))
print(len(out), "outreach rows", dict(seen))
PY
