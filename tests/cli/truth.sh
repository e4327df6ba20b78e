# Generated corpora of 200,000 lines in each layout: the database's
# counts and the migration report equal the generator's truth exactly.
# The counts are written in several batches (of 6 MiB, the default); the
# sanitizer build, slower, checks the same on 50,000 lines in batches of
# 20,000 lines.
. "$TOP/tests/cli/lib.sh"

lines=200000 every=""
[ "$BUILD" = build-san ] && lines=50000 every="--commit-every 20000"
for layout in combined nginx; do
	args="--layout $layout --lines $lines --clients 3000 --days 7 --seed 7"
	[ $layout = combined ] && args="$args --tz -0700 --gzip"
	out=$layout.log
	[ $layout = combined ] && out=$layout.log.gz
	"$LOGGEN" $args --key-file test.key -o "$out"
	if [ $layout = nginx ]; then fmt=$NGINX_FMT; else fmt=combined; fi
	"$KEYAUDIT" ingest -q $every --db $layout.db --format "$fmt" "$out"
	db_counts $layout.db > got.counts.csv
	check_files got.counts.csv $layout.log.counts.csv "$layout counts"
	"$KEYAUDIT" report migration --db $layout.db -o got.migration.csv
	check_files got.migration.csv $layout.log.migration.csv \
		"$layout migration report"
	# bad lines and classes, as the summary line and the files list say
	bad=$(sqlite3 $layout.db "SELECT sum(bad) FROM files")
	check_eq "$bad" "$(awk '$1 == "bad" {print $2}' $layout.log.summary)" \
		"$layout bad lines"
	lines=$(sqlite3 $layout.db "SELECT sum(lines) FROM files")
	check_eq "$lines" "$(awk '$1 == "lines" {print $2}' $layout.log.summary)" \
		"$layout lines"
	parts=$(sqlite3 $layout.db "SELECT count(DISTINCT part) FROM file_counts")
	[ "$parts" -ge 2 ] || fail "$layout: $parts batch, not several"
	echo "$layout: $(wc -l < got.migration.csv) migration rows match"
done
