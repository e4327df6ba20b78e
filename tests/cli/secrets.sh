# No raw key, token, password or Basic-auth string reaches the database,
# a report, stdout or stderr: only fingerprints.
. "$TOP/tests/cli/lib.sh"

"$LOGGEN" --layout nginx --lines 20000 --seed 3 --key-file test.key -o n.log
"$LOGGEN" --layout combined --lines 20000 --seed 4 --key-file test.key \
	-o c.log
cat n.log.secrets c.log.secrets | sort -u > secrets
[ "$(wc -l < secrets)" -gt 1000 ] || fail "too few secrets planted"
"$KEYAUDIT" ingest --db s.db --format "$NGINX_FMT" n.log >out 2>err
"$KEYAUDIT" ingest -v --db s.db c.log >>out 2>>err
"$KEYAUDIT" report migration --db s.db -o m.csv 2>>err
"$KEYAUDIT" files --db s.db >>out 2>>err
"$KEYAUDIT" rules explain --db s.db --format "$NGINX_FMT" n.log >>out 2>>err
# the database, its WAL and every output, as bytes
sqlite3 s.db "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
for f in s.db m.csv out err; do
	if grep -F -a -f secrets "$f" >/dev/null; then
		grep -F -a -o -f secrets "$f" | head -3 >&2
		fail "a secret leaked into $f"
	fi
done
# ... while the explain output does name the fingerprints
grep -q 'fp:' out || fail "explain shows no fingerprint"
