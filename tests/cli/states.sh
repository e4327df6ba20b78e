# One client model: every client's state is the same in report
# migration, report outreach, report credentials, report progress,
# lookup, gonogo's CSV, its
# terminal lines and its page, on the support corpus (clients that
# migrate, regress, go dormant and are refused).
. "$TOP/tests/cli/lib.sh"

"$LOGGEN" --layout nginx --lines 20000 --clients 1000 --days 30 --seed 11 \
	--lifecycle --key-file test.key -o s.log
"$KEYAUDIT" ingest -q --db s.db --format "$NGINX_FMT" s.log

"$KEYAUDIT" report migration --db s.db -o m.csv
printf 'client_id,owner\nnobody-here,x\n' > reg.csv
"$KEYAUDIT" report outreach --db s.db --registry reg.csv -o out.csv
"$KEYAUDIT" report progress --db s.db -o p.csv
"$KEYAUDIT" report credentials --db s.db -o cred.csv
tail -n +2 cred.csv | cut -d, -f1 | tr -d '"' | sort -u | head -400 > fps
# shellcheck disable=SC2046
"$KEYAUDIT" lookup -q --db s.db $(cat fps) > look.csv || [ $? = 1 ]
for phase in reject-without-amnesty amnesty-ends; do
	"$KEYAUDIT" gonogo --db s.db --phase $phase -v -o g-$phase.csv \
		--html g-$phase.html > g-$phase.txt || [ $? = 1 ]
done

python3 - m.csv out.csv p.csv look.csv cred.csv g-*.csv g-*.html g-*.txt <<'PY' ||
import csv, re, sys
from collections import Counter
rd = lambda p: list(csv.DictReader(open(p, newline="", encoding="utf-8-sig")))
args = sys.argv[1:]
m = {r["client"]: r["state"] for r in rd(args[0])}
names = {"legacy-only", "mixed", "migrated", "regressed", "dormant",
         "refused"}
assert set(m.values()) == names, Counter(m.values())

def same(where, client, state):
    assert client in m, (where, client)
    assert state == m[client], (where, client, state, m[client])

n = Counter()
for r in rd(args[1]):
    if r["client"] in m:
        same("outreach", r["client"], r["state"])
        n["outreach"] += 1
prog = rd(args[2])[-1]
assert all(int(prog[s]) == Counter(m.values())[s] for s in names), prog
for r in rd(args[3]):
    if r["client"] in m:
        same("lookup", r["client"], r["state"])
        n["lookup"] += 1
for r in rd(args[4]):
    same("credentials", r["client"], r["client_state"])
    n["credentials"] += 1
for p in args[5:]:
    if p.endswith(".csv"):
        for r in rd(p):
            if r["client"] in m:
                same(p, r["client"], r["state"])
                n["gonogo"] += 1
            if r["state"] == "refused":
                assert r["active"] == "no", r
    elif p.endswith(".html"):
        t = open(p).read().split('<table id="clients">')[1]
        t = t.split("</table>")[0]
        for row in re.findall(r"<tr><td>(.*?)</tr>", t):
            cells = re.findall(r"<td[^>]*>(.*?)</td>", "<td>" + row)
            same(p, cells[0], cells[6])
            n["page"] += 1
    else:
        for l in open(p):
            g = re.match(r"^  (\S+): \d+ refused, \d+ already; .*?"
                         r"([a-z-]+)(, breaking)?$", l)
            if g:
                same(p, g.group(1), g.group(2))
                n["terminal"] += 1
assert min(n.values()) >= 5 and len(n) == 6, n
PY
	fail "states differ"
