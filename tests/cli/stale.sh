# Readers never silently stale: a database copied with its write-ahead
# log but without its -shm file, where a reader may not make one, is not
# read without the log's data (fewer requests, exit 0): the reader
# exits 3 and says why and what to do.  Without the log it still reads.
. "$TOP/tests/cli/lib.sh"
if ! command -v setpriv > /dev/null || [ "$(id -u)" != 0 ]; then
	echo "needs root and setpriv to read as another user"
	exit 77
fi
"$LOGGEN" --layout nginx --lines 500 --days 2 --seed 6 --key-file test.key \
	-o a.log
"$KEYAUDIT" ingest -q --db w.db --format "$NGINX_FMT" a.log
all=$(sqlite3 w.db "SELECT sum(n) FROM rollup_counts")
mkdir ro
# a writer that has committed into the log, not yet into the database:
# copied (a backup) as it is, without the -shm
python3 - <<'PY'
import shutil, sqlite3
con = sqlite3.connect("w.db")
con.execute("PRAGMA wal_autocheckpoint = 0")
con.execute("UPDATE rollup_counts SET n = n * 2")
con.commit()
shutil.copy("w.db", "ro/r.db")
shutil.copy("w.db-wal", "ro/r.db-wal")
con.close()
PY
chmod 755 ro "$T"
chmod 644 ro/r.db ro/r.db-wal
as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}
set +e
as_nobody "$KEYAUDIT" report summary --db "$T/ro/r.db" > out.csv 2> e
rc=$?
set -e
check_eq "$rc" 3 "a reader that cannot see the log: $(cat out.csv)"
grep -q 'r.db-wal holds committed data' e || fail "message: $(cat e)"
# where the -shm can be made, the same copy reads whole
cp ro/r.db ro/r.db-wal .
"$KEYAUDIT" report summary --db r.db | tr -d '\r' > whole.csv
grep -q "^\"requests\",\"all\",$((2 * all))\$" whole.csv ||
	fail "the copy read where it may be: $(cat whole.csv)"
# with no log, a read-only copy reads as it is
rm ro/r.db-wal
cp w.db ro/r.db
as_nobody "$KEYAUDIT" report summary --db "$T/ro/r.db" | tr -d '\r' > ro.csv
grep -q "^\"requests\",\"all\",$((2 * all))\$" ro.csv ||
	fail "read-only copy without a log: $(cat ro.csv)"
