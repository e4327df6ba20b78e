# Merge adds only what the total lacks: a shard's pruned days never
# lower the total, a pruned total gets no part of a pruned day back, a
# kept shard that folded a file the total never read merges exactly
# night after night, and what cannot be exact is refused whole.
. "$TOP/tests/cli/lib.sh"
KEYAUDIT_NOW=$(TZ=UTC date -d '2026-12-01' +%s)
export KEYAUDIT_NOW
mkdir gen
gen() { # SEED START DAYS LINES OUT
	"$LOGGEN" --layout nginx --lines "$4" --days "$3" --seed "$1" \
		--start "$2" --damage 0 --key-file test.key -o gen/out.log
	cp gen/out.log "$5"
}
ing() { db=$1; shift; "$KEYAUDIT" ingest -q --db "$db" --format "$NGINX_FMT" "$@"; }
day() { sqlite3 "$1" "SELECT coalesce(sum(n), 0) FROM counts WHERE day = '$2'"; }
gen 1 2026-11-01 1 500 d1.log
gen 2 2026-11-02 1 500 d2.log
cat d1.log d2.log > full.log
# 2. the total read 700 lines (500 of day 1, 200 of day 2); the shard
# read all 1,000 and pruned day 1: the total holds 1,000
head -n 700 full.log > x.log
ing t.db x.log
cp full.log x.log
ing s.db x.log
"$KEYAUDIT" prune -q --db s.db --before 2026-11-02
"$KEYAUDIT" merge -q --db t.db s.db
check_eq "$(day t.db 2026-11-01) $(day t.db 2026-11-02)" "500 500" \
	"a shard that pruned day 1 merged"
"$KEYAUDIT" merge -q --db t.db s.db
check_eq "$(day t.db 2026-11-01) $(day t.db 2026-11-02)" "500 500" \
	"merged again"
# a pruned total gets no part of its pruned day back
head -n 700 full.log > x.log
ing p.db x.log
"$KEYAUDIT" prune -q --db p.db --before 2026-11-02
cp full.log x.log
ing u.db x.log
"$KEYAUDIT" merge -q --db p.db u.db
check_eq "$(day p.db 2026-11-01) $(day p.db 2026-11-02)" "0 500" \
	"a pruned total merged"
# nor from a shard all of whose files are new to it
gen 9 2026-11-01 2 200 y.log
ing n.db y.log
"$KEYAUDIT" merge -q --db p.db n.db
check_eq "$(day p.db 2026-11-01)" 0 "a pruned day from a new shard"
check_eq "$(day p.db 2026-11-02)" "$((500 + $(day n.db 2026-11-02)))" \
	"the days kept from a new shard"
# 3. a shard kept night after night reads a late backlog file weeks
# older than the rest, which it folds at the end of its run: each
# night's merge is exact
mkdir logs
gen 3 2026-11-20 1 300 logs/app.log
ing k.db logs
"$KEYAUDIT" merge -q --db total.db k.db
gen 4 2026-10-01 2 400 logs/backlog.log
gen 5 2026-11-21 1 300 gen/more.log
cat gen/more.log >> logs/app.log
ing k.db logs
check_eq "$(sqlite3 k.db "SELECT detail FROM files WHERE first_day = '2026-10-01'")" \
	0 "the shard folded the backlog"
"$KEYAUDIT" merge -q --db total.db k.db
ing one.db logs
db_counts total.db > got.csv
db_counts one.db > want.csv
check_files got.csv want.csv "night 2: the merged total"
gen 6 2026-11-22 1 300 logs/new.log
gen 7 2026-11-26 1 200 gen/more.log
cat gen/more.log >> logs/app.log
ing k.db logs
"$KEYAUDIT" merge -q --db total.db k.db
"$KEYAUDIT" merge -q --db total.db k.db
ing one.db logs
db_counts total.db > got.csv
db_counts one.db > want.csv
check_files got.csv want.csv "night 3: the merged total, merged twice"
# both read a file and the shard folded it having read further: refused,
# nothing changes, the way out said
gen 8 2026-09-01 1 300 late.log
head -n 100 late.log > b.log
ing total.db b.log
cp late.log b.log
ing k.db b.log
sqlite3 total.db "SELECT sum(n) FROM counts" > before
expect_exit 3 "$KEYAUDIT" merge -q --db total.db k.db 2> e
grep -q "b.log: the shard folded the counts of this file.*nothing was merged.*forget" e ||
	fail "refusal: $(cat e)"
check_eq "$(sqlite3 total.db "SELECT sum(n) FROM counts")" "$(cat before)" \
	"a refused merge changed nothing"
