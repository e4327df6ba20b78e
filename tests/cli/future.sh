# Lines from the future wait: with this host's clock hours behind the
# server's, a line dated more than an hour after now stops the file
# there, said once; a later run, once the clock has passed them, reads
# the rest, and every line is counted once.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 1200 --days 1 --seed 11 --start 2026-11-01 --damage 0 \
	--key-file test.key -o a.log
at() { TZ=UTC date -d "$1" +%s; }
# the clean count, read when every line is in the past
KEYAUDIT_NOW=$(at '2026-11-03 00:00') "$KEYAUDIT" ingest -q --db all.db \
	--format "$NGINX_FMT" a.log
all=$(sqlite3 all.db "SELECT sum(n) FROM counts")
# at 12:00 the lines after 13:00 wait, with one message naming the file
set +e
KEYAUDIT_NOW=$(at '2026-11-01 12:00') "$KEYAUDIT" ingest --db r.db \
	--format "$NGINX_FMT" a.log 2> e1
rc=$?
set -e
check_eq "$rc" 1 "a file left waiting is partial input"
check_eq "$(grep -c 'a.log:[0-9]*: dated more than 3600 s after' e1)" 1 \
	"one message: $(cat e1)"
grep -q ' 0 bad;' e1 || fail "future lines counted as bad: $(cat e1)"
early=$(sqlite3 r.db "SELECT sum(n) FROM counts")
[ "$early" -lt "$all" ] || fail "nothing waited ($early of $all)"
check_eq "$(sqlite3 r.db "SELECT max(last) < $(at '2026-11-01 13:00:01')
	FROM counts")" 1 "no line after 13:00 counted"
# the same clock again: nothing new, the file still waits
KEYAUDIT_NOW=$(at '2026-11-01 12:00') "$KEYAUDIT" ingest -q --db r.db \
	--format "$NGINX_FMT" a.log 2> /dev/null || [ $? = 1 ]
check_eq "$(sqlite3 r.db "SELECT sum(n) FROM counts")" "$early" "no double"
# the clock has passed them: the rest is read, each line once
KEYAUDIT_NOW=$(at '2026-11-02 01:00') "$KEYAUDIT" ingest -q --db r.db \
	--format "$NGINX_FMT" a.log
check_eq "$(sqlite3 r.db "SELECT sum(n) FROM counts")" "$all" \
	"every line counted once the clock caught up"
db_counts r.db > got.csv
db_counts all.db > want.csv
check_files got.csv want.csv "the same counts as a clean read"
check_eq "$(sqlite3 r.db "SELECT lines, bad FROM files")" \
	"$(sqlite3 all.db "SELECT lines, bad FROM files")" "the ledger"
# a line dated years ahead is a broken line, not a clock's error: a bad
# line, which holds nothing back
head -n 10 a.log > b.log
echo '192.0.2.9 - - [01/Jan/2100:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x" "-" "-" "-" "-"' >> b.log
sed -n 11,20p a.log >> b.log
KEYAUDIT_NOW=$(at '2026-11-03 00:00') "$KEYAUDIT" ingest --db b.db \
	--format "$NGINX_FMT" b.log 2> e2
grep -q 'b.log:11: bad line skipped: dated more than 7 days in the future' e2 ||
	fail "a line from 2100: $(cat e2)"
check_eq "$(sqlite3 b.db "SELECT lines, bad FROM files")" "21|1" \
	"the lines after it read"
