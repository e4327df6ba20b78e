# A changed format is a visible event: `files` shows the format each file
# was read with; ingesting a known file with another format says so once
# per file (even with -q), with the commands that count it again, and
# exits 1; those commands give the counts of a first reading with the
# right format.  A file read before formats were recorded says nothing.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 200 --days 1 --seed 7 --start 2026-11-01 \
	--damage 0 --key-file test.key -o a.log
fmt() { "$KEYAUDIT" files --db f.db | sed 1d | tr -d '\r"' | awk -F, '{print $NF}'; }
"$KEYAUDIT" ingest -q --db f.db --format combined a.log
check_eq "$(fmt)" combined "files shows the format read with"
# the right format now: the unchanged file is not read, but it is said
expect_exit 1 "$KEYAUDIT" ingest -q --db f.db --format "$NGINX_FMT" \
	a.log a.log 2> e1
check_eq "$(grep -c 'counted as format combined, this run reads it as nginx:#' e1)" 1 \
	"said once: $(cat e1)"
cmd=$(sed -n 's/.*, run: //p' e1)
case $cmd in
"keyaudit forget --db 'f.db' 'a.log' && keyaudit ingest --db 'f.db' --format 'nginx:"*"' 'a.log'") ;;
*) fail "the commands: $cmd" ;;
esac
# the commands given count it again, as a first reading would
eval "$(printf '%s' "$cmd" | sed 's/keyaudit \([a-z]*\) /"$KEYAUDIT" \1 -q /g')" > /dev/null
"$KEYAUDIT" ingest -q --db right.db --format "$NGINX_FMT" a.log
db_counts f.db > got.csv
db_counts right.db > want.csv
check_files got.csv want.csv "counted again with the right format"
case $(fmt) in nginx:#????????????) ;; *) fail "nginx format: $(fmt)" ;; esac
"$KEYAUDIT" ingest -q --db f.db --format "$NGINX_FMT" a.log 2> e2
check_eq "$(cat e2)" "" "the same format again: nothing said"
# a file that grew is read with the new format, and it is said once
cp a.log b.log
"$KEYAUDIT" ingest -q --db g.db --format "$NGINX_FMT" b.log
tail -n 3 a.log >> b.log
cp b.log c.log
expect_exit 1 "$KEYAUDIT" ingest -q --db g.db --format combined b.log c.log \
	2> e3
check_eq "$(grep -c 'counted as format nginx:#.*, this run reads it as combined' e3)" 1 \
	"a grown file: said once: $(cat e3)"
# a database from before formats were recorded: nothing to compare
sqlite3 g.db "UPDATE files SET format = NULL"
"$KEYAUDIT" ingest -q --db g.db --format "$NGINX_FMT" b.log 2> e4
check_eq "$(cat e4)" "" "no format recorded: nothing said"
check_eq "$(sqlite3 g.db 'SELECT count(*) FROM files WHERE format IS NULL')" 1 \
	"an unchanged file's format is not made up"
# a schema-5 database (no format column) gains it, NULL for its files
cp a.log d.log
"$KEYAUDIT" ingest -q --db h.db --format combined d.log
sqlite3 h.db "ALTER TABLE files DROP COLUMN format;
	UPDATE meta SET value = '5' WHERE key = 'schema'"
"$KEYAUDIT" files --db h.db > /dev/null || fail "files of a schema-5 database"
"$KEYAUDIT" ingest -q --db h.db --format "$NGINX_FMT" d.log 2> e5
check_eq "$(cat e5)" "" "an upgraded database: nothing said"
check_eq "$(sqlite3 h.db "SELECT value FROM meta WHERE key = 'schema'")" 6 \
	"upgraded to schema 6"
check_eq "$(sqlite3 h.db 'SELECT count(*) FROM files WHERE format IS NULL')" 1 \
	"the format of a file read before is not recorded"
# merged from a shard, a file keeps the format it was read with
"$KEYAUDIT" merge -q --db total.db f.db
check_eq "$("$KEYAUDIT" files --db total.db | sed 1d | tr -d '\r"' |
	awk -F, '{print $NF}')" "$(fmt)" "the format merged"
