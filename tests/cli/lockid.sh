# The lock and the database are one thing: runs through a symbolic
# link or a hard link to one database exclude each other (the lock is
# the database file's, not its name's), and merging a database into
# itself is refused with a message of its own.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 3000 --days 2 --seed 4 --damage 0 \
	--key-file test.key -o a.log
"$LOGGEN" --layout nginx --lines 3000 --days 2 --seed 5 --damage 0 \
	--key-file test.key -o b.log
"$KEYAUDIT" ingest -q --db t.db --format "$NGINX_FMT" a.log
ln t.db hard.db
ln -s t.db soft.db
# a run holding t.db excludes runs through every other name
for name in t.db hard.db soft.db; do
	expect_exit 4 flock t.db "$KEYAUDIT" ingest -q --db $name \
		--format "$NGINX_FMT" b.log 2> e
	grep -q 'another keyaudit run is using this database' e ||
		fail "$name: $(cat e)"
done
# two runs at once through two names: each waits for the other
"$KEYAUDIT" ingest -q --db hard.db --wait 60 --format "$NGINX_FMT" b.log &
"$KEYAUDIT" ingest -q --db t.db --wait 60 --format "$NGINX_FMT" b.log a.log
wait $!
check_eq "$(sqlite3 t.db "PRAGMA integrity_check")" ok "integrity"
check_eq "$(sqlite3 t.db "SELECT sum(n) FROM counts")" 6000 "counts"
# merge into itself, by any name: refused, nothing changes
for name in t.db hard.db soft.db; do
	expect_exit 3 "$KEYAUDIT" merge -q --db t.db $name 2> e
	grep -q "$name: is this database itself" e || fail "$name: $(cat e)"
done
check_eq "$(sqlite3 t.db "SELECT sum(n) FROM counts")" 6000 "after merges"
