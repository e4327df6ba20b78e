# Retention that cannot destroy the future: prune refuses a day after
# the newest day counted or after today, --dry-run says what would go,
# and a line dated before the first day kept is a bad line with its
# reason, not a request silently lost.
. "$TOP/tests/cli/lib.sh"
KEYAUDIT_NOW=$(TZ=UTC date -d '2026-11-10 12:00:00' +%s)
export KEYAUDIT_NOW
"$LOGGEN" --layout nginx --lines 2000 --days 4 --seed 7 --start 2026-11-01 \
	--key-file test.key -o a.log
"$KEYAUDIT" ingest -q --db r.db --format "$NGINX_FMT" a.log
sum() { sqlite3 r.db "SELECT coalesce(sum(n), 0) FROM counts $1"; }
all=$(sum "")
check_eq "$(sqlite3 r.db "SELECT max(day) FROM counts")" 2026-11-04 "newest"
# a typo's year, and a day after the newest counted: refused, unchanged
expect_exit 2 "$KEYAUDIT" prune --db r.db --before 2062-10-02 2> e1
grep -q 'after today' e1 || fail "a day after today: $(cat e1)"
expect_exit 2 "$KEYAUDIT" prune --db r.db --before 2026-11-06 2> e2
grep -q 'after the newest day counted (2026-11-04)' e2 ||
	fail "a day after the newest: $(cat e2)"
check_eq "$(sum "")" "$all" "refused prunes removed nothing"
check_eq "$(sqlite3 r.db "SELECT count(*) FROM meta WHERE key = 'first_day'")" \
	0 "no first day recorded"
# --dry-run: what would go, and nothing goes
gone=$(sum "WHERE day < '2026-11-03'")
lost=$(sqlite3 r.db "SELECT count(*) FROM (SELECT client FROM counts
	GROUP BY client HAVING max(day) < '2026-11-03')")
"$KEYAUDIT" prune --dry-run --db r.db --before 2026-11-03 > dry
check_eq "$(cat dry)" "would remove 2 days (2026-11-01 to 2026-11-02), $gone requests; $lost clients seen on no later day" \
	"prune --dry-run"
check_eq "$(sum "")" "$all" "a dry run removes nothing"
"$KEYAUDIT" prune -q --db r.db --before 2026-11-03
check_eq "$(sum "")" "$((all - gone))" "pruned"
# a later file with lines of a pruned day: each is a bad line, said
"$LOGGEN" --layout nginx --lines 300 --days 2 --seed 8 --start 2026-11-02 \
	--key-file test.key -o b.log
old=$(grep -c '02/Nov/2026:' b.log)
[ "$old" -gt 0 ] || fail "no line of the pruned day"
"$KEYAUDIT" ingest --db r.db --format "$NGINX_FMT" b.log 2> e3
grep -q 'bad line skipped: dated before the first day kept' e3 ||
	fail "no reason given: $(cat e3)"
check_eq "$(sqlite3 r.db "SELECT bad FROM files WHERE id = 2")" "$old" \
	"the pruned day's lines are bad lines"
grep -q ", $old bad;" e3 || fail "the summary's bad lines: $(cat e3)"
