# Every report against independent expectations from the generator's
# truth; byte-for-byte determinism; JSON output.
. "$TOP/tests/cli/lib.sh"
O="python3 $TOP/tests/scripts/oracle.py"

"$LOGGEN" --layout nginx --lines 16000 --days 10 --seed 5 \
	--key-file test.key -o n.log
"$KEYAUDIT" ingest -q --db r.db --format "$NGINX_FMT" n.log

# daily: exactly the truth's per-day figures
"$KEYAUDIT" report daily --db r.db -o daily.csv
$O daily n.log.counts.csv > want.csv
check_files daily.csv want.csv "daily report"

# amnesty: the numbers of every client that used it
"$KEYAUDIT" report amnesty --db r.db -o amnesty.csv
python3 - amnesty.csv > got.csv <<'PY'
import csv, sys
r = list(csv.reader(open(sys.argv[1], newline="")))
assert r[0] == ["client", "amnesty_requests", "legacy_requests",
                "amnesty_share", "first_amnesty", "last_amnesty",
                "amnesty_days"], r[0]
for row in r[1:]:
    assert row[4] <= row[5] and row[4].endswith("Z"), row
    print(",".join([row[0], row[1], row[2], row[3], row[6]]))
PY
$O amnesty-numbers n.log.counts.csv > want.csv
check_files got.csv want.csv "amnesty report"
[ "$(wc -l < want.csv)" -gt 10 ] || fail "too few amnesty users in the corpus"

# summary: per class, and the input figures
"$KEYAUDIT" report summary --db r.db -o summary.csv
grep '^"class"' summary.csv | tr -d '"\r' | cut -d, -f2,3 > got.csv
$O summary-classes n.log.counts.csv > want.csv
check_files got.csv want.csv "summary classes"
tr -d '\r' < summary.csv |
	grep -qx "\"input\",\"bad_lines\",$(awk '$1 == "bad" {print $2}' n.log.summary)" ||
	fail "summary bad lines"
grep -q '^"input","files",1' summary.csv || fail "summary files"

# a window: --since/--until keep whole UTC days
"$KEYAUDIT" report daily --db r.db --since 2026-10-03 --until 2026-10-04 \
	-o part.csv
check_eq "$(tail -n +2 part.csv | cut -d, -f1 | tr -d '"' | tr -d '\r' | tr '\n' ' ')" \
	"2026-10-03 2026-10-04 " "window days"
check_eq "$(sed -n 2p part.csv)" "$(grep '^"2026-10-03"' daily.csv)" \
	"a window's day equals the same day of the whole"

# determinism: the same data ingested again elsewhere gives the same bytes
"$KEYAUDIT" ingest -q --db r2.db --format "$NGINX_FMT" - < n.log
for k in migration amnesty daily summary credentials sdks progress; do
	"$KEYAUDIT" report $k --db r.db -o a.csv
	"$KEYAUDIT" report $k --db r2.db -o b.csv
	check_files a.csv b.csv "$k is deterministic"
	"$KEYAUDIT" report $k --db r.db --format json -o $k.json
	echo "$k $(($(wc -l < a.csv) - 1))" >> json.rows
done
# each JSON report is a list of as many objects as its CSV has rows
python3 - json.rows <<'PY' || fail "--format json"
import json, sys
for line in open(sys.argv[1]):
    k, rows = line.split()
    d = json.load(open(k + ".json"))
    assert isinstance(d, list) and len(d) == int(rows), (k, len(d), rows)
PY
