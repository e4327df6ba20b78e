# Go/no-go against the truth: NO-GO with the exact breaking clients for
# both phases, GO when no legacy traffic is left, thresholds, quiet days.
. "$TOP/tests/cli/lib.sh"
O="python3 $TOP/tests/scripts/oracle.py"

"$LOGGEN" --layout nginx --lines 30000 --days 14 --seed 8 \
	--key-file test.key -o n.log
"$KEYAUDIT" ingest -q --db g.db --format "$NGINX_FMT" n.log

for phase in reject-without-amnesty amnesty-ends; do
	expect_exit 1 "$KEYAUDIT" gonogo --db g.db --phase $phase \
		-o clients.csv > verdict
	$O gonogo n.log.counts.csv $phase 2026-10-01 2026-10-14 > want
	tail -n +2 clients.csv | tr -d '"\r' |
		awk -F, '{print $1","$2","$3","$5}' > got
	head -n -1 want > want.clients
	check_files got want.clients "$phase: breaking clients"
	total=$(tail -1 want | cut -d, -f1)
	refused=$(tail -1 want | cut -d, -f2)
	already=$(tail -1 want | cut -d, -f3)
	head -1 verdict | grep -q "^NO-GO: phase $phase would refuse $refused of $total requests .*; already refused (434): $already requests, .* in 2026-10-01..2026-10-14$" ||
		{ cat verdict; fail "$phase verdict line"; }
done

# the states of the clients, as the oracle has them from the truth
set -- $($O verdict n.log.counts.csv amnesty-ends 2026-10-01 2026-10-14 7)
grep -q "^  clients with refused requests: .* ($3 active, $6 migrated, $7 quiet for 7 days or more, $5 refused already, $8 in state refused)$" verdict ||
	{ sed -n 2p verdict; fail "client states (want $*)"; }

# the lists shown (the first 5 printed, the page's first 20) are the
# first clients of the whole list, which the CSV has in its order
expect_exit 1 "$KEYAUDIT" gonogo --db g.db --phase amnesty-ends -v \
	-o all.csv --html top.html > verdict
python3 - all.csv verdict top.html <<'PY' || fail "the lists shown"
import csv, re, sys
rows = [r["client"] for r in csv.DictReader(open(sys.argv[1], newline=""))]
assert len(rows) > 20, len(rows)
printed = [m.group(1) for m in (re.match(r"^  (\S+): \d+ refused, ", l)
                                 for l in open(sys.argv[2])) if m]
assert printed == rows[:5], (printed, rows[:5])
page = open(sys.argv[3]).read()
table = page.split('<table id="clients">')[1].split("</table>")[0]
shown = re.findall(r"<tr><td>([^<]*)</td>", table)
assert shown == rows[:20], (shown, rows[:20])
assert f"and {len(rows) - 20} more" in page
PY

# the thresholds decide
expect_exit 0 "$KEYAUDIT" gonogo --db g.db --max-share 100 \
	--max-clients 100000 > verdict
grep -q '^GO: ' verdict || fail "GO under loose thresholds"
# a window after the data: every client quiet, but no data is no GO
expect_exit 3 "$KEYAUDIT" gonogo --db g.db --as-of 2026-12-01 2>err
grep -q "no requests in 2026-11-18..2026-12-01" err || fail "empty window"
# quiet days: as of the last day, with a 14-day window, clients whose
# last refused request is 7+ days old are not active
expect_exit 1 "$KEYAUDIT" gonogo --db g.db --window 14 --min-quiet-days 1 \
	-o q.csv > verdict
python3 - q.csv verdict <<'PY' || fail "quiet days"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
active = [r for r in rows if r["active"] == "yes"]
for r in rows:
    if r["refused_requests"] == "0":
        # refused already, nothing more: no newly refused request
        assert r["quiet_days"] == r["last_refused"] == "", r
        assert r["active"] == "no", r
        continue
    quiet = int(r["quiet_days"])
    live = r["state"] in ("legacy-only", "mixed", "regressed")
    assert (r["active"] == "yes") == (quiet < 1 and live), r
    assert r["last_refused"].startswith("2026-10-"), r
line = open(sys.argv[2]).readline()
assert f"break {len(active)} active client" in line, (line, len(active))
assert len(active) < len(rows), "some clients must be quiet"
PY

# GO: the same traffic without any Basic auth (no API keys left)
grep -a -v '"Basic ' n.log > clean.log
"$KEYAUDIT" ingest -q --db clean.db --format "$NGINX_FMT" clean.log
expect_exit 0 "$KEYAUDIT" gonogo --db clean.db --phase amnesty-ends \
	-o none.csv > verdict
grep -q '^GO: phase amnesty-ends would refuse 0 of ' verdict ||
	{ cat verdict; fail "GO verdict"; }
check_eq "$(wc -l < none.csv)" 1 "no breaking clients, header only"

# usage errors
expect_exit 2 "$KEYAUDIT" gonogo --db g.db --phase nosuch 2>/dev/null
expect_exit 2 "$KEYAUDIT" gonogo --db g.db --max-share 150 2>/dev/null
expect_exit 2 "$KEYAUDIT" gonogo --db g.db --window 0 2>/dev/null
