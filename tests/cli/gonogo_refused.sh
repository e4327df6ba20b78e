# A client refused (434) since a day before the as-of day is in state
# refused: not a client the phase breaks, its earlier successes not
# newly refused, its last_refused not the time of a 434.
. "$TOP/tests/cli/lib.sh"

python3 "$TOP/tests/scripts/mklog.py" > r.log <<'PLAN'
shutoff api_key 0 21 10
shutoff api_key 22 29 10 434
app pat 0 29 50
PLAN
"$KEYAUDIT" ingest -q --db r.db --format "$NGINX_FMT" r.log

expect_exit 0 "$KEYAUDIT" gonogo --db r.db --phase amnesty-ends -v \
	-o r.csv --html r.html > verdict
grep -q '^GO: phase amnesty-ends would refuse 0 of 840 requests .* break 0 active clients' verdict ||
	{ cat verdict; fail "a refused client breaks nothing"; }
grep -q '^  clients with refused requests: 1 (0 active, .* 1 in state refused)$' verdict ||
	{ cat verdict; fail "counted in state refused"; }
python3 - r.csv <<'PY' || fail "the CSV row"
import csv, sys
(r,) = list(csv.DictReader(open(sys.argv[1], newline="")))
assert r["client"] == "shutoff" and r["state"] == "refused", r
assert r["active"] == "no", r
# its last request that succeeds today: 2026-09-22, not a 434
assert r["last_refused"].startswith("2026-09-22T"), r
PY
grep -q '<td>shutoff</td>.*<td>refused</td><td>no</td>' r.html ||
	fail "the page's row"
"$KEYAUDIT" report migration --db r.db -o m.csv
grep -q '^"shutoff",.*,"refused","2026-09-23",' m.csv ||
	{ cat m.csv; fail "migration: refused since the first day of 434s"; }
