# Credential succession by address and user agent (issue 29, case 4):
# without a client id a client is its credential, so a key replaced by a
# PAT looks like a client that went quiet.  A PAT first seen from the key's
# address and user agent within --succession-days (14) of its last legacy
# use makes the key migrated (probably), with the evidence, in every
# output, and gonogo says GO where nothing else blocks; a PAT from another
# address, or first seen too late, leaves the key dormant (NO-GO);
# --strict-succession counts probable successions as dormant.
. "$TOP/tests/cli/lib.sh"

# k1's PAT starts 2 days before its key stops, k2's 5 days after; app
# uses a PAT under its client id all along
python3 "$TOP/tests/scripts/mklog.py" > a.log <<'PLAN'
k1 api_key 0 20 5 200 192.0.2.11 agent-k1 -
k1 pat 18 59 5 200 192.0.2.11 agent-k1 -
k2 api_key 0 25 3 200 192.0.2.12 agent-k2 -
k2 pat 30 59 4 200 192.0.2.12 agent-k2 -
app pat 0 59 50
PLAN
# k3's PAT comes from another address, k4's 20 days after its key
python3 "$TOP/tests/scripts/mklog.py" > c.log <<'PLAN'
k3 api_key 0 20 5 200 192.0.2.13 agent-k3 -
k3 pat 21 59 5 200 198.51.100.3 agent-k3 -
k4 api_key 0 10 5 200 192.0.2.14 agent-k4 -
k4 pat 30 59 5 200 192.0.2.14 agent-k4 -
PLAN
"$KEYAUDIT" ingest -q --db a.db --format "$NGINX_FMT" a.log
"$KEYAUDIT" ingest -q --db b.db --format "$NGINX_FMT" a.log c.log

fp() { printf '%s\n' "$1" | "$KEYAUDIT" fingerprint --db a.db; }
k1=$(fp key-k1-0123456789)
k2=$(fp key-k2-0123456789)
p1=$(fp "1/1234567890123456:$(printf k1 | md5sum | cut -c1-32)")
p2=$(fp "1/1234567890123456:$(printf k2 | md5sum | cut -c1-32)")
# the store keeps fingerprints of where requests came from, never the
# address or the agent
sqlite3 a.db "SELECT * FROM origins" | grep -q '192\.0\.2\|agent-' &&
	fail "an address or agent in the database"
check_eq "$(sqlite3 a.db "SELECT count(DISTINCT origin) FROM origins WHERE origin <> 0")" 2 \
	"origins: one per address and agent"

# shards merged keep the origins as one database does
"$KEYAUDIT" ingest -q --db c.db --format "$NGINX_FMT" c.log
"$KEYAUDIT" merge -q --db m.db a.db c.db
byorigin="SELECT day, client, class, fp, origin, sum(n) FROM origins
	GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
sqlite3 -csv b.db "$byorigin" > want.csv
sqlite3 -csv m.db "$byorigin" > got.csv
[ "$(wc -l < want.csv)" -gt 100 ] || fail "few origins"
check_files got.csv want.csv "the origins of merged shards"

# gonogo: GO, the two keys probably succeeded, with the evidence
expect_exit 0 "$KEYAUDIT" gonogo --db a.db --phase amnesty-ends -v \
	-o g.csv --html g.html > g.txt
grep -q '^GO: .* and 0 dormant (max 0)' g.txt || { cat g.txt; fail "GO"; }
grep -q '^  probably succeeded (a credential of another class first seen from the same address and user agent): 2, migrated, not dormant$' g.txt ||
	{ cat g.txt; fail "probable successions counted"; }
grep -q "^  $k1: probably migrated: last legacy 2026-09-21; $p1 first seen 2026-09-19 from the same address and user agent (origin [0-9a-f]\{16\}), 2 days before$" g.txt ||
	{ cat g.txt; fail "k1's evidence"; }
grep -q "^  $k2: probably migrated: last legacy 2026-09-26; $p2 first seen 2026-10-01 .*, 5 days after$" g.txt ||
	{ cat g.txt; fail "k2's evidence"; }
grep -q "<tr><td>$k1</td><td>2026-09-21</td><td>$p1</td><td>$p1</td><td>2026-09-19</td><td>-2</td>" g.html ||
	fail "the page: the evidence"

# strict: counted as dormant, the evidence still shown
expect_exit 1 "$KEYAUDIT" gonogo --db a.db --phase amnesty-ends \
	--strict-succession > s.txt
grep -q '^NO-GO: .* and 2 dormant (max 0)' s.txt || { cat s.txt; fail "strict"; }
grep -q "^  $k1: probably migrated" s.txt || fail "strict: the evidence"
# the days are an option: 3 keeps k1 (2 days) and not k2 (5); 0: none
expect_exit 1 "$KEYAUDIT" gonogo --db a.db --phase amnesty-ends \
	--succession-days 3 > s.txt
grep -q '^NO-GO: .* and 1 dormant (max 0)' s.txt || { cat s.txt; fail "3 days"; }
expect_exit 1 "$KEYAUDIT" gonogo --db a.db --phase amnesty-ends \
	--succession-days 0 > s.txt
grep -q '^NO-GO: .* and 2 dormant (max 0)' s.txt || { cat s.txt; fail "0 days"; }
# another address, or a PAT too late: dormant still
expect_exit 1 "$KEYAUDIT" gonogo --db b.db --phase amnesty-ends -v > b.txt
grep -q '^NO-GO: .* and 2 dormant (max 0)' b.txt || { cat b.txt; fail "controls"; }
grep -q 'probably succeeded .*: 2, migrated' b.txt || fail "controls: k1, k2"

# every output tells the same state, the successor where it shows one
"$KEYAUDIT" report migration --db b.db -o m.csv
printf 'client_id,owner\nnobody,x\n' > reg.csv
"$KEYAUDIT" report outreach --db b.db --registry reg.csv -o out.csv
"$KEYAUDIT" report credentials --db b.db -o cred.csv
"$KEYAUDIT" report progress --db b.db -o p.csv
"$KEYAUDIT" lookup -q --db b.db "$k1" "$k2" "$(fp key-k3-0123456789)" \
	"$(fp key-k4-0123456789)" > look.csv
"$KEYAUDIT" gonogo --db b.db --phase amnesty-ends -v --html b.html \
	-o b.csv > b.txt || [ $? = 1 ]
python3 - m.csv out.csv cred.csv p.csv look.csv b.txt b.html "$k1" "$k2" \
	"$p1" "$p2" <<'PY' || fail "states differ"
import csv, re, sys
from collections import Counter
rd = lambda p: list(csv.DictReader(open(p, newline="", encoding="utf-8")))
m_, out, cred, prog, look, txt, page, k1, k2, p1, p2 = sys.argv[1:]
m = {r["client"]: r["state"] for r in rd(m_)}
assert Counter(m.values()) == {"migrated": 2, "dormant": 2}, m
assert m[k1] == m[k2] == "migrated", m
heir = {k1: p1, k2: p2}
for r in rd(out):
    if r["client"] in m:
        assert r["state"] == m[r["client"]], r
        if r["client"] in heir:
            assert r["action"].startswith("probably migrated:"), r
            assert "succeeded by " + heir[r["client"]] in r["action"], r
for r in rd(cred):
    assert r["client_state"] == m[r["client"]], r
last = rd(prog)[-1]
assert int(last["migrated"]) == 2 and int(last["dormant"]) == 2, last
rows = rd(look)
assert len(rows) == 4, rows
for r in rows:
    assert r["state"] == m[r["client"]], r
    assert r["successor"] == heir.get(r["client"], ""), r
t = open(txt).read()
said = re.findall(r"^  (fp:\S+): probably migrated", t, re.M)
assert sorted(said) == sorted(heir), said
dormant = [c for c, s in m.items() if s == "dormant"]
listed = re.findall(r"^  (fp:\S+): last \S+, ", t, re.M)
assert sorted(listed) == sorted(dormant), (listed, dormant)
p = open(page).read().split('<table id="probable">')[1].split("</table>")[0]
assert sorted(re.findall(r"<tr><td>(fp:\w+)</td>", p)) == sorted(heir), p
PY
