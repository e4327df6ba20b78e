# Go/no-go on a hand-made case whose expected numbers the oracle
# computes from the case's own truth: newly refused apart from refused
# already (434), a migrated and a quiet client, dormant clients with
# their period, brownout replays (hourly counts made by hand), the
# as-of day against a lone future-dated line, CANNOT TELL without
# visible credentials, and -q.
. "$TOP/tests/cli/lib.sh"
O="python3 $TOP/tests/scripts/oracle.py"
. "$TOP/tests/scripts/gonogo_hourly.sh"
P=reject-without-amnesty

$O case c
"$KEYAUDIT" ingest -q --db c.db --format "$NGINX_FMT" c.log
FROM=2026-10-17 TO=2026-10-30 LOOK=2026-06-19

# the verdict line against the oracle
expect_exit 1 "$KEYAUDIT" gonogo --db c.db -o c.csv > verdict
set -- $($O verdict c.counts.csv $P $FROM $TO 7)
line=$(head -1 verdict)
case "$line" in
"NO-GO: phase $P would refuse $1 of $2 requests "*"break $3 active client"*" and 2 dormant (max 0); already refused (434): $4 requests, $5 client"*" in $FROM..$TO") ;;
*) fail "verdict line: $line (want $*)" ;;
esac
grep -q "($3 active, $6 migrated, $7 quiet for 7 days or more, $5 refused already, $8 in state refused)" verdict ||
	{ cat verdict; fail "client states"; }
grep -q '^  mover: .*; mixed$' verdict || fail "the client migrating, not breaking"
grep -q '^  stopped: .*; legacy-only$' verdict || fail "the quiet client, not breaking"
# each class's share on the verdict line
$O classes c.counts.csv $FROM $TO | while IFS=, read -r cls share; do
	case "$line" in *" $cls $share%"*) ;; *) fail "share of $cls" ;; esac
done
# the CSV: newly refused, all, refused already
$O gonogo c.counts.csv $P $FROM $TO | head -n -1 > want
tail -n +2 c.csv | tr -d '"\r' | awk -F, '{print $1","$2","$3","$5}' > got
check_files got want "breaking clients"

# dormant: a monthly job and one with two runs, outside the window
$O dormant c.counts.csv $P $LOOK $FROM $TO > want
check_eq "$(wc -l < want)" 2 "the oracle's dormant clients"
while IFS=, read -r cl last period next; do
	grep -q "^  $cl: last $last, every ~$period days, next expected ~$next$" verdict ||
		{ cat verdict; fail "dormant $cl"; }
done < want
# the dormant threshold alone decides
expect_exit 1 "$KEYAUDIT" gonogo --db c.db --max-share 100 \
	--max-clients 100 > v2
grep -q '^NO-GO: .* and 2 dormant (max 0)' v2 || fail "dormant block GO"
expect_exit 0 "$KEYAUDIT" gonogo --db c.db --max-share 100 \
	--max-clients 100 --max-dormant 2 > v2
grep -q '^GO: ' v2 || fail "GO once dormant clients are allowed"
# a lookback that ends before their runs leaves none
expect_exit 0 "$KEYAUDIT" gonogo --db c.db --max-share 100 \
	--max-clients 100 --lookback 5 > v2
grep -q 'and 0 dormant' v2 || fail "--lookback"

# brownouts: without hourly counts, said so
cp c.db noh.db
hourly_drop noh.db
"$KEYAUDIT" gonogo --db noh.db --brownout '2026-10-16 08:00-20:00' > v3 ||
	[ $? = 1 ] || fail "brownout without hourly counts"
grep -q 'brownout 2026-10-16 08:00-20:00: not replayed, the database has no hourly counts' v3 ||
	fail "no hourly counts: said"
# the store's hourly counts (the view hourly), or made by hand from the truth
hourly_table c.db
expect_exit 1 "$KEYAUDIT" gonogo --db c.db \
	--brownout '2026-10-16 08:00-20:00' \
	--brownout '2026-11-02 10:00-14:00' > v3
# the real one (434s in it), and one planned after the data, replayed
# on the same weekday
for spec in "2026-10-16 8 20 2026-10-16 08:00-20:00" \
	"2026-10-26 10 14 2026-11-02 10:00-14:00"; do
	set -- $spec
	$O brownout c.hourly.csv $P $1 $2 $3 > want
	would=$(awk -F, '{s += $2} END {print s + 0}' want)
	hard=$(awk -F, '{s += $3} END {print s + 0}' want)
	grep -q "^  brownout $4 $5 (replayed on $1, $(($3 - $2)) hours): $would requests of $(wc -l < want) clients would be refused; 434s in it: $hard$" v3 ||
		{ cat v3; fail "brownout $4"; }
	while IFS=, read -r cl w h; do
		grep -q "^    $cl: $w in [0-9]* of $(($3 - $2)) hours; 434: $h" v3 ||
			fail "brownout $4: $cl"
	done < want
done
grep -q '^    mover: 0 in 0 of 12 hours; 434: 4; now mixed$' v3 ||
	fail "moving off the key since the brownout"
grep -q '^    steady: .*434: 10; now legacy-only$' v3 ||
	fail "not migrated since the brownout"

# a lone line from 2100 moves neither the as-of day nor the verdict
cp c.log f.log
printf '%s\n' '192.0.2.9 - - [01/Jan/2100:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x" "-" "-" "future" "-"' >> f.log
# (counted, or a bad line once ingest refuses lines from the future)
"$KEYAUDIT" ingest -q --db f.db --format "$NGINX_FMT" f.log || [ $? = 1 ]
expect_exit 1 "$KEYAUDIT" gonogo --db f.db > vf
check_eq "$(head -1 vf)" "$line" "the verdict with a line from 2100"

# -q: nothing on GO; the verdict line alone otherwise
expect_exit 0 "$KEYAUDIT" gonogo -q --db c.db --max-share 100 \
	--max-clients 100 --max-dormant 10 > vq
check_eq "$(wc -c < vq)" 0 "-q on GO"
expect_exit 1 "$KEYAUDIT" gonogo -q --db c.db > vq
check_eq "$(cat vq)" "$line" "-q on NO-GO"

# quiet days must be shorter than the window
expect_exit 2 "$KEYAUDIT" gonogo --db c.db --window 7 2>err
grep -q 'min-quiet-days must be shorter than --window' err || fail "quiet >= window"

# CANNOT TELL: requests with no credential field at all (every one
# "none"), a format without the Authorization header (all unknown),
# and redacted headers
grep -v 'Basic \|Bearer ' c.log | awk '$4 >= "[17/Oct/2026"' > none.log
"$KEYAUDIT" ingest -q --db none.db --format "$NGINX_FMT" none.log
expect_exit 6 "$KEYAUDIT" gonogo --db none.db -o none.csv > vn
grep -q '^CANNOT TELL: .* blind 100.00% (max 5.00%):.* none 100.00%' vn ||
	{ cat vn; fail "all none"; }
"$KEYAUDIT" ingest -q --db comb.db --format combined c.log
expect_exit 6 "$KEYAUDIT" gonogo --db comb.db > vn
grep -q '^CANNOT TELL: .* blind 100.00% .* unknown 100.00%;' vn ||
	{ cat vn; fail "no Authorization field"; }
sed -e 's/"Basic [^"]*"/"REDACTED"/' c.log > red.log
"$KEYAUDIT" ingest -q --db red.db --format "$NGINX_FMT" red.log
expect_exit 6 "$KEYAUDIT" gonogo --db red.db > vn
share=$($O classes c.counts.csv $FROM $TO | awk -F, '$1 == "api_key" {print $2}')
grep -q "^CANNOT TELL: .* blind $share% .* hidden $share%, unknown 0.00%;" vn ||
	{ cat vn; fail "redacted headers are hidden credentials"; }
# --max-blind decides
expect_exit 0 "$KEYAUDIT" gonogo --db red.db --max-blind 100 > vn
# Caddy's redaction: an empty list
printf '%s\n' '{"level":"info","ts":1791000000,"request":{"remote_ip":"192.0.2.1","method":"GET","uri":"/","headers":{"Authorization":[]}},"status":401}' > caddy.log
"$KEYAUDIT" rules explain --format jsonl caddy.log > ex
grep -q '^  class hidden, amnesty no$' ex ||
	{ cat ex; fail "Caddy's [] is a hidden credential"; }
