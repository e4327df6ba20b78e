# One file that cannot be told, read or parsed never stops the others:
# it is named on stderr (even with -q), counted in the summary, and the
# exit status is 1.  --include/--exclude pick a directory's files; a
# long first line is still told; a file of mostly bad lines is not
# consumed; a format that lacks fields the rules read, or ignores
# fields the log has, is said even with -q.
. "$TOP/tests/cli/lib.sh"

line() { # line N USER: a combined line
	printf '192.0.2.%d - %s [10/Oct/2026:13:55:%02d +0000] "GET /x%d HTTP/1.1" 200 5 "-" "curl/8"\n' \
		"$1" "$2" "$1" "$1"
}
requests() {
	sqlite3 "$1" "SELECT coalesce(sum(n), 0) FROM counts"
}

mkdir d
for i in 1 2 3; do line $i -; done > d/access.log
printf 'started on 2026-10-10, 3 workers\n' > d/error.log
for i in 4 5; do line $i -; done > d/zz.log
expect_exit 1 "$KEYAUDIT" ingest -q --db a.db d 2>err
check_eq "$(wc -l < err | tr -d ' ')" 1 "one line for the skipped file"
grep -q '^keyaudit: d/error.log: skipped: cannot tell the log format' err ||
	fail "error.log named with the reason: $(cat err)"
check_eq "$(requests a.db)" 5 "the files around it are read"
expect_exit 1 "$KEYAUDIT" ingest --db a2.db d 2>err
grep -q '^keyaudit: 3 files, 1 skipped, 5 new lines, 0 bad;' err ||
	fail "the summary counts it: $(cat err)"
# --include and --exclude, on the base name, repeatable
expect_exit 0 "$KEYAUDIT" ingest -q --db b.db --include 'access*' d
check_eq "$(requests b.db)" 3 "--include"
expect_exit 0 "$KEYAUDIT" ingest -q --db c.db --exclude 'error*' \
	--exclude '*.gz' d
check_eq "$(requests c.db)" 5 "--exclude"
expect_exit 0 "$KEYAUDIT" ingest -q --db c2.db --include 'zz*' \
	--include 'acc*' --exclude 'error*' d
check_eq "$(requests c2.db)" 5 "two --include"
# a directory's entries that are not regular files are named, not
# passed over: a subdirectory (a host's logs, say), a dangling link and
# a fifo are each said even with -q, and the exit status is 1
mkdir -p t/h01 && line 6 - > t/h01/access.log
for i in 1 2; do line $i -; done > t/a.log
ln -s gone.log t/dangling.log
mkfifo t/pipe.log
expect_exit 1 "$KEYAUDIT" ingest -q --db s.db t 2>err
grep -q '^keyaudit: t/h01: a directory, not read' err ||
	fail "the subdirectory is named: $(cat err)"
grep -q '^keyaudit: t/dangling.log: cannot stat' err ||
	fail "the dangling link is named: $(cat err)"
grep -q '^keyaudit: t/pipe.log: not a regular file, not read' err ||
	fail "the fifo is named: $(cat err)"
check_eq "$(requests s.db)" 2 "the regular file beside them is read"
expect_exit 1 "$KEYAUDIT" ingest --db s2.db t 2>err
grep -q '^keyaudit: 4 files, 3 skipped, 2 new lines' err ||
	fail "the summary counts them: $(cat err)"
expect_exit 0 "$KEYAUDIT" ingest -q --db s3.db --exclude h01 \
	--exclude dangling.log --exclude pipe.log t t/h01
check_eq "$(requests s3.db)" 3 "excluded, or named as a path, all is well"

# a combined log whose first line has a 5,000-byte URL
long=$(head -c 5000 /dev/zero | tr '\0' a)
{
	printf '192.0.2.9 - - [10/Oct/2026:13:55:36 +0000] "GET /%s HTTP/1.1" 200 5 "-" "curl/8"\n' "$long"
	line 1 -
	line 2 -
} > long.log
expect_exit 0 "$KEYAUDIT" ingest -q --db l.db long.log
check_eq "$(requests l.db)" 3 "a long first line is told"

# a gzip cut inside its 10-byte header
printf '\037\213\010\000\000' > cut.gz
expect_exit 1 "$KEYAUDIT" ingest -q --db g.db cut.gz 2>err
grep -q 'cut.gz' err || fail "the cut gzip is named: $(cat err)"

# the wrong format: nothing is consumed, and the right one reads it all
for i in 1 2 3 4 5 6 7 8 9; do line $i -; done > w.log
expect_exit 1 "$KEYAUDIT" ingest -q --db w.db --format jsonl w.log 2>err
grep -q '^keyaudit: w.log: skipped: 9 of its first 9 new lines are bad' err ||
	fail "a mostly bad file is named: $(cat err)"
check_eq "$(requests w.db)" 0 "nothing of it counted"
expect_exit 0 "$KEYAUDIT" ingest -q --db w.db --format combined w.log
check_eq "$(requests w.db)" 9 "read whole with the right format"
# --max-bad: the threshold
expect_exit 0 "$KEYAUDIT" ingest -q --db w2.db --format jsonl \
	--max-bad 100 w.log
expect_exit 2 "$KEYAUDIT" ingest -q --db w3.db --max-bad 101 w.log 2>err
# a file growing with bad lines after good ones keeps its good ones and
# is not read past them
printf 'junk\njunk\njunk\n' >> w.log
expect_exit 1 "$KEYAUDIT" ingest -q --db w.db --format combined w.log 2>err
grep -q 'w.log: skipped: 3 of its first 3 new lines are bad' err ||
	fail "new bad lines named: $(cat err)"
check_eq "$(sqlite3 w.db 'SELECT lines, bad FROM files')" "9|0" \
	"position kept where the bad lines began"
# one bad line in ten is data
for i in 1 2 3 4 5 6 7 8 9; do line $i -; done > ok.log
echo junk >> ok.log
expect_exit 0 "$KEYAUDIT" ingest -q --db ok.db ok.log

# a rules file naming a field the format lacks: said, even with -q
sed 's/remote_user ^/remote_usr ^/' "$KEYAUDIT_RULES" > typo.rules
expect_exit 0 "$KEYAUDIT" ingest -q --db t.db --rules typo.rules d/zz.log \
	2>err
grep -q "format combined has no field remote_usr: the rules on lines" err ||
	fail "the missing field is said with -q: $(cat err)"
"$KEYAUDIT" rules check typo.rules > out 2>err
grep -q "typo.rules:[0-9]*: field 'remote_usr' is in no format" err ||
	fail "rules check says so without --format: $(cat err)"
"$KEYAUDIT" rules check > out 2>err
check_eq "$(cat err)" "" "the shipped rules name no such field"

# quoted fields after the combined layout: not counted, said with the
# format to give (tests/cli/detect.sh)
for i in 1 2 3; do
	printf '192.0.2.%d - - [10/Oct/2026:13:55:3%d +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8" "Bearer 0/0123456789abcdef0123456789abcdef" "-" "app%d"\n' $i $i $i
done > extra.log
expect_exit 1 "$KEYAUDIT" ingest -q --db e.db extra.log 2>err
grep -q "extra.log: skipped, nothing counted: its lines have 3 fields after the combined layout" err ||
	fail "the unplaced fields are said with -q: $(cat err)"
