# keyaudit's databases are marked as keyaudit's (SQLite's
# application_id): ingest refuses another program's database and leaves
# it untouched; its own older databases, unmarked, are still its own.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 50 --days 1 --seed 3 --key-file test.key \
	-o a.log
sqlite3 other.db "CREATE TABLE notes(id INTEGER PRIMARY KEY, text TEXT);
	INSERT INTO notes(text) VALUES('an address book, say')"
cp other.db before.db
expect_exit 3 "$KEYAUDIT" ingest -q --db other.db --format "$NGINX_FMT" \
	a.log 2> e
grep -q "other.db: not a keyaudit database" e || fail "message: $(cat e)"
check_files other.db before.db "another program's database changed"
[ ! -e other.db-wal ] || fail "another program's database switched to WAL"
check_eq "$(sqlite3 other.db "PRAGMA journal_mode")" delete "its journal"
expect_exit 3 "$KEYAUDIT" merge -q --db other.db other.db 2> /dev/null
expect_exit 3 "$KEYAUDIT" prune -q --db other.db --before 2026-01-01 2> /dev/null
check_files other.db before.db "changed by merge or prune"
# a new database is marked; an older, unmarked one of keyaudit's is
# still read and written, and marked then
"$KEYAUDIT" ingest -q --db k.db --format "$NGINX_FMT" a.log
check_eq "$(sqlite3 k.db "PRAGMA application_id")" 1262572868 "marked"
sqlite3 k.db "PRAGMA application_id = 0"
"$KEYAUDIT" report summary --db k.db > /dev/null
"$KEYAUDIT" ingest -q --db k.db --format "$NGINX_FMT" a.log
check_eq "$(sqlite3 k.db "PRAGMA application_id")" 1262572868 \
	"an unmarked database of keyaudit's marked"
# a database marked as another program's is refused even by a reader
sqlite3 k.db "PRAGMA application_id = 7"
expect_exit 3 "$KEYAUDIT" report summary --db k.db 2> e2 > /dev/null
grep -q "not a keyaudit database" e2 || fail "reader: $(cat e2)"
