# The store at a fleet's scale: file identity that never confuses two
# files (shared headers, short prefixes, merge), unchanged files not read
# again, the lock shared by every name of a database, prune, forget,
# folding, and readers that never write.
. "$TOP/tests/cli/lib.sh"
CF="$TOP/tests/scripts/cloudfront.py"

requests() { # DB: all requests the summary counts
	"$KEYAUDIT" report summary --db "$1" | tr -d '\r' |
		sed -n 's/^"requests","all",//p'
}
alone() { # FILE: the requests in FILE, read into a database of its own
	rm -f alone.db*
	"$KEYAUDIT" ingest -q --db alone.db --format "$NGINX_FMT" "$1"
	requests alone.db
}

# 1. Files with identical headers: a short file that shares its first
# bytes (the #Version/#Fields lines) with a longer one is another file.
mkdir cf
check_eq "$(python3 "$CF" cf a.log:42 b.log:7 c.log:14)" 63 "generator"
"$KEYAUDIT" ingest -q --db cf.db --format cloudfront cf
check_eq "$(requests cf.db)" 63 "three CloudFront files"
# 300 hourly gzip files of 1 to 5 lines, all with the same header
hours=300
mkdir hourly
want=$(python3 "$CF" hourly hourly:$hours:7)
"$KEYAUDIT" ingest -q --db hourly.db --format cloudfront hourly
check_eq "$(requests hourly.db)" "$want" "$hours hourly CloudFront files"
check_eq "$(sqlite3 hourly.db "SELECT count(*) FROM files")" $hours \
	"$hours files in the ledger"
# merge finds them all new, and merging again adds nothing
"$KEYAUDIT" merge -q --db cfall.db cf.db hourly.db cf.db
check_eq "$(requests cfall.db)" "$((want + 63))" "merged CloudFront shards"

# A copy still being written (a prefix of a known file, past its first
# mark) is the known file, not a new one.
"$LOGGEN" --layout nginx --lines 400 --days 2 --seed 5 --key-file test.key \
	-o whole.log
head -c 3000 whole.log > partial.copy
"$KEYAUDIT" ingest -q --db copy.db --format "$NGINX_FMT" whole.log
"$KEYAUDIT" ingest -q --db copy.db --format "$NGINX_FMT" partial.copy
W=$(alone whole.log)
check_eq "$(requests copy.db)" "$W" "a copy being written counted again"

# 6. merge of two shards that read one short file to different lengths
head -n 1 whole.log > s.log
"$KEYAUDIT" ingest -q --db s1.db --format "$NGINX_FMT" s.log
head -n 10 whole.log > s.log
"$KEYAUDIT" ingest -q --db s10.db --format "$NGINX_FMT" s.log
"$KEYAUDIT" merge -q --db s.db s1.db s10.db
S=$(alone s.log)
check_eq "$(requests s.db)" "$S" "shards of one file read to 1 and 10 lines"
"$KEYAUDIT" merge -q --db s2.db s10.db s1.db
check_eq "$(requests s2.db)" "$S" "the same, merged the other way"

# 8. The lock belongs to the database file, not the name it was given.
"$KEYAUDIT" ingest -q --db t.db --format "$NGINX_FMT" s.log
ln -s t.db l.db
expect_exit 4 flock t.db "$KEYAUDIT" ingest -q --db l.db \
	--format "$NGINX_FMT" whole.log

# Unchanged files are not read again; a file that grew is, even with its
# modification time set back.
mkdir night
cp whole.log night/access.log
gzip -c whole.log > night/access.log.1.gz
"$KEYAUDIT" ingest --db n.db --format "$NGINX_FMT" night 2> n1.txt
"$KEYAUDIT" ingest --db n.db --format "$NGINX_FMT" night 2> n2.txt
grep -q '2 files, 2 unchanged, 0 new lines' n2.txt ||
	fail "unchanged files: $(cat n2.txt)"
stamp=$(stat -c %y night/access.log)
"$LOGGEN" --layout nginx --lines 25 --days 1 --seed 9 --key-file test.key \
	--start 2026-11-01 -o more.log
cat more.log >> night/access.log
touch -d "$stamp" night/access.log
"$KEYAUDIT" ingest --db n.db --format "$NGINX_FMT" night 2> n3.txt
grep -q '2 files, 1 unchanged, 25 new lines' n3.txt ||
	fail "a file grown with its mtime set back: $(cat n3.txt)"
# the gzip of a file already read is that file
M=$(alone more.log)
check_eq "$(requests n.db)" "$((W + M))" "counts after the nights"
# logrotate compresses the file read: the gzip is known by its trailer
# (the CRC-32 and length of what was read), not inflated, and then
# unchanged; a gzip with one more line than was read is inflated
gzip -c night/access.log > night/access.log.2.gz
"$KEYAUDIT" ingest -v --db n.db --format "$NGINX_FMT" night 2> n4.txt
grep -q 'access.log.2.gz: its gzip trailer shows .* not inflated' n4.txt ||
	fail "the gzip of a file read was inflated: $(cat n4.txt)"
grep -q '3 files, 2 unchanged, 0 new lines' n4.txt ||
	fail "the gzip of a file read: $(cat n4.txt)"
"$KEYAUDIT" ingest --db n.db --format "$NGINX_FMT" night 2> n5.txt
grep -q '3 files, 3 unchanged, 0 new lines' n5.txt ||
	fail "a gzip known by its trailer, the next night: $(cat n5.txt)"
head -1 more.log >> night/access.log
gzip -c night/access.log > night/access.log.3.gz
rm night/access.log
"$KEYAUDIT" ingest -v --db n.db --format "$NGINX_FMT" night 2> n6.txt
grep -q 'not inflated' n6.txt && fail "a gzip with more taken as read"
grep -q '3 files, 2 unchanged, 1 new lines' n6.txt ||
	fail "a gzip with one more line: $(cat n6.txt)"
head -1 more.log > one.log
O=$(alone one.log)
check_eq "$(requests n.db)" "$((W + M + O))" "counts after the gzips"

# Prune: counts before DAY go, the ledger stays, the space comes back.
"$LOGGEN" --layout nginx --lines 8000 --days 10 --seed 3 \
	--key-file test.key -o big.log
"$KEYAUDIT" ingest -q --db p.db --format "$NGINX_FMT" big.log
# a new database gives freed space back a little at a time, without
# rewriting itself
check_eq "$(sqlite3 p.db "PRAGMA auto_vacuum")" 2 "incremental vacuum"
# a run that folds most of what it wrote (a first import of a long
# history) gives that space back
head -n 7000 big.log > b1.log
tail -n +7001 big.log > b2.log
"$KEYAUDIT" ingest -q --db fold0.db --detail-days 0 --format "$NGINX_FMT" \
	b1.log b2.log
check_eq "$(sqlite3 fold0.db "SELECT group_concat(detail) FROM files")" \
	"0,1" "the first file folded"
[ "$(sqlite3 fold0.db "SELECT 10 * freelist_count <= page_count FROM
	pragma_freelist_count, pragma_page_count")" = 1 ] ||
	fail "the fold kept its free pages: $(sqlite3 fold0.db \
		"PRAGMA freelist_count; PRAGMA page_count")"
before=$(stat -c %s p.db)
first=$(sqlite3 p.db "SELECT min(day) FROM counts")
cut=$(sqlite3 p.db "SELECT date(min(day), '+5 days') FROM counts")
want=$(sqlite3 p.db "SELECT sum(n) FROM counts WHERE day >= '$cut'")
"$KEYAUDIT" prune -q --db p.db --before "$cut"
check_eq "$(sqlite3 p.db "SELECT min(day) FROM counts")" "$cut" "pruned"
check_eq "$(requests p.db)" "$want" "requests kept by prune"
check_eq "$(sqlite3 p.db "SELECT value FROM meta WHERE key = 'first_day'")" \
	"$cut" "the first day kept is recorded"
[ "$(stat -c %s p.db)" -lt "$before" ] || fail "prune gave no space back"
"$KEYAUDIT" report summary --db p.db -o /dev/null 2> cover.txt
grep -q "the counts cover $cut on" cover.txt ||
	fail "a report does not say the first day it covers: $(cat cover.txt)"
"$KEYAUDIT" ingest --db p.db --format "$NGINX_FMT" big.log 2> p.txt
grep -q ', 0 new lines' p.txt || fail "a pruned file read again: $(cat p.txt)"
[ "$first" \< "$cut" ] || fail "nothing to prune"
# ingest --keep-days: only the newest N days stay
"$KEYAUDIT" ingest -q --db k.db --keep-days 3 --format "$NGINX_FMT" big.log
check_eq "$(sqlite3 k.db "SELECT count(DISTINCT day) FROM counts")" 3 \
	"--keep-days 3"

# Forget: a file's counts and position go in one transaction; the next
# ingest reads it again.
"$KEYAUDIT" ingest -q --db f.db --detail-days 60 --format "$NGINX_FMT" \
	whole.log more.log
# at the end of the run its counts are in the rollups, and the detail
# is kept beside them, marked as added there
check_eq "$(sqlite3 f.db "SELECT sum(n) FROM rollup_counts")" "$((W + M))" \
	"the run's counts in the rollups"
check_eq "$(sqlite3 f.db "SELECT sum(n) FROM file_counts")" "$((W + M))" \
	"the run's detail kept"
check_eq "$(sqlite3 f.db "SELECT count(*) FROM files WHERE rolled <> lines")" \
	0 "the detail marked as in the rollups"
"$KEYAUDIT" forget --dry-run --db f.db whole.log > dry.txt
grep -q "^would forget whole.log: fp:[0-9a-f]\{16\}, 400 lines, $W requests" \
	dry.txt || fail "forget --dry-run: $(cat dry.txt)"
check_eq "$(requests f.db)" "$((W + M))" "a dry run forgets nothing"
"$KEYAUDIT" forget --db f.db whole.log > /dev/null
check_eq "$(requests f.db)" "$M" "forgotten"
check_eq "$(sqlite3 f.db "SELECT count(*) FROM counts WHERE n <= 0")" 0 \
	"no empty rows left"
"$KEYAUDIT" ingest -q --db f.db --detail-days 60 --format "$NGINX_FMT" \
	whole.log
check_eq "$(requests f.db)" "$((W + M))" "read again after forget"
db_counts f.db > got.csv
"$KEYAUDIT" ingest -q --db f2.db --format "$NGINX_FMT" whole.log more.log
db_counts f2.db > want.csv
check_files got.csv want.csv "forget and read again gives the same counts"
expect_exit 1 "$KEYAUDIT" forget --db f.db no-such.log
# a file whose detail is folded cannot be forgotten, and says so
"$KEYAUDIT" ingest -q --db fold.db --detail-days 0 --format "$NGINX_FMT" \
	big.log more.log
check_eq "$(sqlite3 fold.db "SELECT count(*) FROM files WHERE detail = 0")" \
	1 "the older file folded"
check_eq "$(sqlite3 fold.db "SELECT count(*) FROM file_counts f JOIN files
	ON files.id = f.file_id WHERE files.detail = 0")" 0 "folded detail gone"
expect_exit 3 "$KEYAUDIT" forget --db fold.db big.log 2> fold.txt
grep -q 'folded' fold.txt || fail "forget of a folded file: $(cat fold.txt)"

# Readers never write: a database nobody may write beside still reads,
# and one that holds nothing yet says so.
if command -v setpriv > /dev/null && [ "$(id -u)" = 0 ]; then
	mkdir ro
	cp f2.db ro/r.db
	sqlite3 ro/r.db "PRAGMA journal_mode" > /dev/null
	chmod 755 ro
	chmod 644 ro/r.db
	chmod 755 "$T"
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$KEYAUDIT" report summary --db "$T/ro/r.db" > ro.csv 2> ro.txt ||
		fail "read-only report: $(cat ro.txt)"
	grep -q "\"requests\",\"all\",$((W + M))" ro.csv ||
		fail "read-only: $(cat ro.csv)"
fi
: > empty.db
expect_exit 3 "$KEYAUDIT" report summary --db empty.db 2> empty.txt
grep -q 'holds no data yet' empty.txt || fail "empty: $(cat empty.txt)"

# a day that does not exist is refused before anything is pruned
expect_exit 2 "$KEYAUDIT" prune --db p.db --before 2026-02-30
