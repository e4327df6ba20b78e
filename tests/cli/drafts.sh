# Outreach that can be sent: every row names its credentials by
# fingerprint; a phase dated once (--plan) gives "by when"; rows with no
# contact say what would give them one; --messages writes one RFC 5322
# draft per contact, which Python's mail parser reads, naming exactly
# that contact's credentials and never a secret.
. "$TOP/tests/cli/lib.sh"

n=0
line() { # ID KEY AMNESTY DAY STATUS AGENT
	b=$(printf '%s:' "$2" | base64 -w0)
	printf '10.0.0.%s - - [%s/Oct/2026:10:00:00 +0000] "GET /api/1.0/tasks/%s HTTP/1.1" %s 1 "-" "%s" "Basic %s" "%s" "%s" "-"\n' \
		"${7:-1}" "$4" "$((n += 1))" "$5" "$6" "$b" "$3" "$1"
}
K1=AAAAAAAA.key-one-abcdefghijklmnopq
K2=BBBBBBBB.key-two-abcdefghijklmnopq
K3=CCCCCCCC.key-three-abcdefghijklmno
K4=DDDDDDDD.key-four-abcdefghijklmnop
K5=EEEEEEEE.key-five-abcdefghijklmnop
K6=FFFFFFFF.key-six-abcdefghijklmnopq
{
	# app-1: three keys, one with the amnesty header
	line app-1 $K1 true 20 200 "python-asana/3.2.1"
	line app-1 $K2 - 21 200 "python-asana/3.2.1"
	line app-1 $K3 - 22 200 "curl/8.5.0"
	# a key without a client id, registered by its fingerprint
	line - $K4 - 22 200 "node-asana/1.0.5"
	# a key nobody registered, and a client id without a contact
	line - $K5 - 22 200 "curl/8.5.0"
	line app-3 $K6 - 22 200 "curl/8.5.0"
} > d.log
"$KEYAUDIT" ingest -q --db d.db --format "$NGINX_FMT" d.log
for k in K1 K2 K3 K4 K5 K6; do
	eval "fp_$k=\$(printf '%s\n' \"\$$k\" | \"\$KEYAUDIT\" fingerprint --db d.db)"
done
{
	printf 'Account;Client ID;API Key Fingerprint;Owner Email\r\n'
	printf 'Acme;app-1;;ann@acme.example\r\n'
	printf 'Beta;;%s;Bob <bob@beta.example>\r\n' "$fp_K4"
	printf 'Gamma;app-3;;\r\n'
} > crm.csv
"$KEYAUDIT" report outreach --db d.db --registry crm.csv \
	--plan amnesty-ends=2026-12-01 --messages drafts -o out.csv
python3 - out.csv "$fp_K1" "$fp_K2" "$fp_K3" "$fp_K4" "$fp_K5" <<'PY' || fail "outreach rows"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
k1, k2, k3, k4, k5 = sys.argv[2:]
by = {r["client"]: r for r in rows}
a = by["app-1"]
assert a["matched_by"] == "client", a
assert sorted(a["credential"].split(", ")) == sorted([k1, k2, k3]), a
assert a["by_when"] == "2026-12-01" and a["phase"] == "amnesty-ends", a
assert a["owner_contact"] == "ann@acme.example" and not a["to_reach"], a
b = by[k4]
assert b["credential"] == k4 and b["owner_contact"] == "Bob <bob@beta.example>"
c = by["app-3"]
assert c["owner_contact"] == "" and "line 4" in c["to_reach"] and \
    "Owner Email" in c["to_reach"], c
d = by[k5]
assert d["in_registry"] == "no" and "fingerprint" in d["to_reach"], d
for r in rows:
    assert r["credential"], ("a row without its credentials", r)
PY
ls drafts > names
check_eq "$(cat names | tr '\n' ' ')" "ann@acme.example.eml bob@beta.example.eml " \
	"one draft per contact"
python3 - drafts "$fp_K1,$fp_K2,$fp_K3" "$fp_K4" "$fp_K5,$fp_K6" <<'PY' || fail "drafts"
import email, email.policy, os, re, sys
d = sys.argv[1]
want = {"ann@acme.example.eml": ("ann@acme.example", set(sys.argv[2].split(","))),
        "bob@beta.example.eml": ("bob@beta.example", {sys.argv[3]})}
others = set(sys.argv[4].split(","))
for name, (to, fps) in want.items():
    raw = open(os.path.join(d, name), "rb").read()
    m = email.message_from_bytes(raw, policy=email.policy.default)
    assert not m.defects, (name, m.defects)
    assert [a.addr_spec for a in m["To"].addresses] == [to], m["To"]
    assert m["From"] and m["Date"], name
    assert "2026-12-01" in m["Subject"] and "amnesty-ends" in m["Subject"], m["Subject"]
    assert ("%d credential" % len(fps)) in m["Subject"], m["Subject"]
    body = m.get_content()
    named = set(re.findall(r"fp:[0-9a-f]{16}", body))
    assert named == fps, (name, named, fps)
    assert not named & others, name
    assert "By when: 2026-12-01" in body and "SDK: " in body, body
    assert "First use: 2026-10-2" in body, body
PY
# no secret in any draft, nor in the report
for k in $K1 $K2 $K3 $K4 $K5 $K6; do
	b=$(printf '%s:' "$k" | base64 -w0)
	grep -rq -e "$k" -e "$b" drafts out.csv && fail "a secret in a draft"
done
# a phase the rules do not have; --messages only with outreach
expect_exit 2 "$KEYAUDIT" report outreach --db d.db --registry crm.csv \
	--plan amnesty-ending=2026-12-01 2> err
grep -q "no phase 'amnesty-ending'" err || { cat err; fail "--plan phase"; }
expect_exit 2 "$KEYAUDIT" report migration --db d.db --messages x 2> /dev/null
expect_exit 2 "$KEYAUDIT" report outreach --db d.db --registry crm.csv \
	--plan amnesty-ends=2026-13-01 2> /dev/null
