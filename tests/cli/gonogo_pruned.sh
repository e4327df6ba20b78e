# gonogo knows which days it has: a lookback or window that reaches into
# pruned days or days without data gives CANNOT TELL (exit 6), never a
# silent GO, unless --accept-gaps.
. "$TOP/tests/cli/lib.sh"

python3 "$TOP/tests/scripts/mklog.py" > p.log <<'PLAN'
sleeper api_key 0 5 5
app pat 0 59 50
PLAN
"$KEYAUDIT" ingest -q --db p.db --format "$NGINX_FMT" p.log
cp p.db p0.db

# a dormant client: NO-GO
expect_exit 1 "$KEYAUDIT" gonogo --db p.db --phase amnesty-ends > v
grep -q '^NO-GO: .* and 1 dormant (max 0)' v || { cat v; fail "dormant"; }

# the prune takes the dormant client's days away: not a GO
"$KEYAUDIT" prune -q --db p.db --before 2026-10-01
expect_exit 6 "$KEYAUDIT" gonogo --db p.db --phase amnesty-ends > v
grep -q '^CANNOT TELL: .* and 0 dormant (max 0)' v || { cat v; fail "pruned"; }
grep -q "^  dormant (legacy use in 2026-10-01..the window, none in it): 0$" v ||
	fail "the days searched for dormant clients"
grep -q '^  104 days of 2026-06-19..2026-10-30 pruned (the first day kept is 2026-10-01)' v ||
	{ cat v; fail "the pruned days said"; }
expect_exit 0 "$KEYAUDIT" gonogo -q --db p.db --phase amnesty-ends \
	--accept-gaps > v
# a lookback within the days kept: GO
expect_exit 0 "$KEYAUDIT" gonogo -q --db p.db --phase amnesty-ends \
	--lookback 16 > v

# days without data in the window, or an as-of day after the data
grep -v -e '/Oct/2026:' p.log > gap.log
grep -e '/Oct/2026:' p.log | grep -v -e '^[^[]*\[1[0-4]/Oct' >> gap.log
"$KEYAUDIT" ingest -q --db gap.db --format "$NGINX_FMT" gap.log
expect_exit 1 "$KEYAUDIT" gonogo --db gap.db --phase amnesty-ends > v
grep -q '^  5 days of 2026-06-19..2026-10-30 without data, the first 2026-10-10' v ||
	{ cat v; fail "a gap said"; }
expect_exit 6 "$KEYAUDIT" gonogo --db gap.db --phase amnesty-ends \
	--max-dormant 1 > v
expect_exit 6 "$KEYAUDIT" gonogo --db p0.db --phase amnesty-ends \
	--max-dormant 1 --as-of 2026-11-04 > v
grep -q '^  5 days of .*2026-11-04 without data, the first 2026-10-31' v ||
	{ cat v; fail "days after the data"; }

# ingest --keep-days prunes every night: the same
"$KEYAUDIT" ingest -q --db k.db --keep-days 30 --format "$NGINX_FMT" p.log
expect_exit 6 "$KEYAUDIT" gonogo --db k.db --phase amnesty-ends > v
grep -q '^  [0-9]* days of 2026-06-19..2026-10-30 pruned (the first day kept is 2026-10-01)' v ||
	{ cat v; fail "--keep-days: the pruned days said"; }
# the page says so too
expect_exit 6 "$KEYAUDIT" gonogo --db k.db --phase amnesty-ends --html k.html > v
grep -q '<b>CANNOT TELL</b>: .* pruned (the first day kept is 2026-10-01)' k.html ||
	fail "the page: the pruned days"
