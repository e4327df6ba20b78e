# Key files are checked as ssh checks its keys: a key file others may
# read or write, owned by another user, or not a regular file is refused
# with what to fix; the key is not made in a directory others may write
# unless it is sticky.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 20 --days 1 --seed 3 --key-file test.key \
	-o a.log
unset KEYAUDIT_KEY_FILE
ing() { "$KEYAUDIT" ingest -q --format "$NGINX_FMT" "$@" a.log; }
printf '%064d\n' 0 > zero.key
chmod 644 zero.key
expect_exit 3 ing --db a.db --key-file zero.key 2> e
grep -q 'zero.key: key file may be read or written by others (mode 0644).*chmod 600' e ||
	fail "a readable key: $(cat e)"
expect_exit 3 env KEYAUDIT_KEY_FILE=zero.key "$KEYAUDIT" ingest -q \
	--format "$NGINX_FMT" --db a.db a.log 2> /dev/null
mkdir dir.key
expect_exit 3 ing --db a.db --key-file dir.key 2> e
grep -q 'not a regular file' e || fail "a directory: $(cat e)"
[ ! -e a.db ] || [ "$(sqlite3 a.db "SELECT count(*) FROM files")" = 0 ] ||
	fail "counted with a refused key"
if [ "$(id -u)" = 0 ]; then
	# another user's key in a shared directory, beside the database
	mkdir shared
	chmod 1777 shared
	cp zero.key shared/k.db.key
	chown 65534 shared/k.db.key
	chmod 600 shared/k.db.key
	expect_exit 3 ing --db shared/k.db 2> e
	grep -q 'k.db.key: key file is owned by uid 65534, not by you' e ||
		fail "another user's key: $(cat e)"
	# in a sticky directory a key of one's own is made, exclusively
	ing --db shared/mine.db
	check_eq "$(stat -c '%a %u' shared/mine.db.key)" "600 0" "made key"
fi
# a directory others may write, not sticky: no key is made there
mkdir open
chmod 777 open
expect_exit 3 ing --db open/o.db 2> e
grep -q 'will not make a key file in open: others may write there' e ||
	fail "an open directory: $(cat e)"
[ ! -e open/o.db.key ] || fail "a key made in an open directory"
# given another way, the database there is fine
printf '%064d\n' 5 > own.key
chmod 600 own.key
ing --db open/o.db --key-file own.key
