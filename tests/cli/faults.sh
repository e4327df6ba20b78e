# Faults of the machine: allocation failures, a full disk, a read-only or
# locked database, input that disappears.  keyaudit exits cleanly with a
# message and its exit code, and the database stays whole: a later run
# still counts every request exactly once.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout combined --lines 8000 --seed 13 --key-file test.key \
	-o a.log
exact() { # DB WHAT: counts equal the truth after a clean re-run
	"$KEYAUDIT" ingest -q --db "$1" a.log
	db_counts "$1" > got.csv
	check_files got.csv a.log.counts.csv "$2"
}

# 1. allocation failures at 24 points of a run, spread over the
# allocations a clean run makes (counted first): each point must refuse
# an allocation; the run then stops with "out of memory" and exit 3, or,
# if the refusal came after its work was done, exits 0 with every
# request committed (not with sanitizers: they bring their own
# allocator)
fm() { # N: ingest into m.db with the N-th allocation on failing
	rm -f m.db m.db-wal m.db-shm fm.report
	set +e
	FAILMALLOC_AFTER=$1 FAILMALLOC_REPORT=fm.report \
		LD_PRELOAD="$TOP/$BUILD/failmalloc.so" \
		"$KEYAUDIT" ingest -q --commit-every 800 --db m.db \
		a.log >out 2>err
	rc=$?
	set -e
}
if [ "$BUILD" != build-san ]; then
	fm 0
	[ $rc = 0 ] || { cat err; fail "counting run: exit $rc"; }
	read -r _ total _ refused < fm.report
	check_eq "$refused" 0 "no allocation refused when counting"
	[ "$total" -gt 1000 ] || fail "only $total allocations counted"
	points="1 2 5 10 30 60 100 200 300 500 700 1000"
	for k in 1 2 3 4 5 6 7 8 9 10 11; do
		points="$points $((total * k / 12))"
	done
	points="$points $((total - 1000)) $((total - 10))"
	for n in $points; do
		fm "$n"
		[ -s fm.report ] || fail "after $n: no allocator report"
		read -r _ _ _ refused < fm.report
		[ "$refused" -gt 0 ] || fail "after $n: no allocation refused"
		case $rc in
		0)	db_counts m.db > got.csv
			check_files got.csv a.log.counts.csv \
				"exit 0 after a refusal at $n: all committed" ;;
		3)	grep -q 'out of memory' err || { cat err;
				fail "after $n: no out of memory message"; } ;;
		*)	cat err; fail "allocation failure at $n: exit $rc" ;;
		esac
		exact m.db "after an allocation failure at $n"
	done
fi

# 2. the disk fills during ingest (a file size limit): a clear message,
# exit 3, and what was committed before stays
expect_exit 3 sh -c "trap '' XFSZ; ulimit -f 200; exec \"$KEYAUDIT\" ingest -q --commit-every 400 --db f.db a.log" 2>err
grep -q 'f.db' err || { cat err; fail "disk full message"; }
exact f.db "after the disk filled"

# 3. a database we may not write (as an unprivileged user)
if command -v setpriv >/dev/null && [ "$(id -u)" = 0 ]; then
	"$KEYAUDIT" ingest -q --db ro.db a.log
	chmod 755 "$T"
	chmod 644 ro.db
	# the user's own key (a key file others may read is refused)
	cp test.key nobody.key
	chown 65534 nobody.key
	expect_exit 3 setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$KEYAUDIT" ingest -q --db ro.db --key-file nobody.key a.log 2>err
	grep -q 'ro.db' err || { cat err; fail "read-only message"; }
fi

# 4. a database locked by another program: keyaudit gives up with a
# message after --wait, and does not count anything twice later
"$KEYAUDIT" ingest -q --db l.db a.log
python3 -c '
import os, sqlite3, time
c = sqlite3.connect("l.db", isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
open("locked", "w").close()
for _ in range(600):  # until the test is done with it, at most 60s
    if os.path.exists("release"):
        break
    time.sleep(0.1)
c.execute("COMMIT")' &
locker=$!
while [ ! -e locked ]; do sleep 0.1; done
"$LOGGEN" --layout combined --lines 500 --seed 14 --key-file test.key -o b.log
expect_exit 3 "$KEYAUDIT" ingest -q --db l.db b.log 2>err
grep -q 'locked' err || { cat err; fail "locked database message"; }
: > release
wait $locker
exact l.db "after a locked database"

# 5. input that disappears: the missing file is named, the rest counted
# (no input from a path named: exit 7)
expect_exit 7 "$KEYAUDIT" ingest -q --db d.db a.log gone.log 2>err
grep -q 'gone.log: no such file or directory' err || fail "missing input"
db_counts d.db > got.csv
check_files got.csv a.log.counts.csv "the other files are counted"
