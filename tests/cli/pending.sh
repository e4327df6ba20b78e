# The views read the rollups and, beside them, the detail not yet added
# into them (a run killed before its end, or one still running).  A
# database in that state gives every report and gonogo of the database
# whose run ended, byte for byte.  And no query those commands prepare,
# through the views or through the rollups alone, has a full scan inside
# a join (tests/cli/plans.awk over what KEYAUDIT_EXPLAIN writes).
. "$TOP/tests/cli/lib.sh"

for s in 61 62; do
	"$LOGGEN" --layout nginx --lines 4000 --seed $s --days 6 \
		--start 2026-03-01 --clients 300 --key-file test.key -o $s.log
done
ing() {
	"$KEYAUDIT" ingest -q --db "$1" --detail-days 60 --format "$NGINX_FMT" "$2"
	sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE)" > /dev/null
}
ing one.db 61.log
cp one.db two.db
ing two.db 62.log
TABLES="counts agents creds cred_agents routes hours"
# half: the second file's detail not yet in the rollups, which hold the
# first file's counts only, as they did before the second run's end
cp two.db half.db
sql="ATTACH 'one.db' AS o;"
for t in $TABLES; do
	sql="$sql DELETE FROM rollup_$t;"
	sql="$sql INSERT INTO rollup_$t SELECT * FROM o.rollup_$t;"
done
sqlite3 half.db "$sql UPDATE files SET rolled = -1
	WHERE id NOT IN (SELECT id FROM o.files);"
# none: no detail in the rollups at all
cp two.db none.db
sql=""
for t in $TABLES; do sql="$sql DELETE FROM rollup_$t;"; done
sqlite3 none.db "$sql UPDATE files SET rolled = -1"
check_eq "$(sqlite3 half.db "SELECT count(*) FROM files WHERE rolled < lines")" \
	1 "one file's detail pending"
# the two files share clients and days, so that a client's day has rows
# in the rollup and in the detail
check_eq "$(sqlite3 half.db "SELECT count(*) > 0 FROM rollup_counts r
	JOIN file_counts d USING (day, client) WHERE d.file_id = 2")" 1 \
	"clients' days in both"

export KEYAUDIT_EXPLAIN="$T/plans.txt"
printf 'client,contact\n' > reg.csv
sqlite3 two.db "SELECT DISTINCT client FROM counts LIMIT 50" |
	sed 's/$/,ops@example.com/' >> reg.csv
for kind in migration amnesty outreach credentials sdks progress daily \
	summary; do
	for w in "" "--since 2026-03-02 --until 2026-03-04"; do
		for db in two half none; do
			# shellcheck disable=SC2086
			"$KEYAUDIT" report "$kind" --db $db.db $w \
				--registry reg.csv -o $db.csv
		done
		[ "$(wc -l < two.csv)" -gt 1 ] || fail "$kind: no rows"
		check_files half.csv two.csv "$kind $w: one file pending"
		check_files none.csv two.csv "$kind $w: all pending"
	done
done
"$KEYAUDIT" gonogo --db two.db --phase amnesty-ends -o two.csv > two.txt || true
"$KEYAUDIT" gonogo --db half.db --phase amnesty-ends -o half.csv > half.txt || true
check_files half.txt two.txt "gonogo: one file pending"
check_files half.csv two.csv "gonogo's list: one file pending"
"$KEYAUDIT" gonogo -q --db half.db --phase amnesty-ends \
	--brownout '2026-03-02 10:00-11:00' > /dev/null || true
"$KEYAUDIT" files --db half.db > /dev/null
fp=$(sqlite3 two.db "SELECT fp FROM creds LIMIT 1")
"$KEYAUDIT" lookup -q --db two.db "fp:$fp" > /dev/null
unset KEYAUDIT_EXPLAIN

# the plans: the views' and the rollups' each seen, and none with a
# full scan inside a join; the check itself finds the old window query
grep -q 'SEARCH main.rollup_counts' plans.txt ||
	fail "the rollups read alone: no plan of theirs"
grep -q 'SEARCH d USING PRIMARY KEY (file_id=?)' plans.txt ||
	fail "the views read with detail pending: no plan of theirs"
[ "$(grep -c '^SQL ' plans.txt)" -gt 100 ] || fail "too few plans seen"
awk -f "$TOP/tests/cli/plans.awk" plans.txt > bad.txt
[ ! -s bad.txt ] || fail "$(cat bad.txt)"
printf '%s\n' 'SQL SELECT c.client, t.agent FROM counts c LEFT JOIN t' \
	'PLAN 2 0 MATERIALIZE (subquery-3)' 'PLAN 5 2 SCAN agents' \
	'PLAN 20 0 SCAN counts' 'PLAN 25 0 SCAN (subquery-3) LEFT-JOIN' \
	> old.txt
awk -f "$TOP/tests/cli/plans.awk" old.txt | grep -q 'inner full scan' ||
	fail "plans.awk misses a full scan inside a join"
