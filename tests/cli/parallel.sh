# keyaudit-parallel from a fresh setup, with the key given each way it
# is documented (--key-file, $KEYAUDIT_KEY, $KEYAUDIT_KEY_FILE, TOTAL.db.key
# made once before the shards start): every way gives the truth.
. "$TOP/tests/cli/lib.sh"
command -v parallel >/dev/null || fail "GNU parallel is missing (make deps)"
"$LOGGEN" --layout nginx --lines 3000 --days 3 --seed 41 \
	--key-file test.key -o whole.log
mkdir logs
split -n l/4 -d --additional-suffix=.log whole.log logs/part
P="$TOP/scripts/keyaudit-parallel"
run() { # NAME ARGS...: a fresh total NAME.db
	name=$1
	shift
	"$P" -j 2 --db $name.db --format "$NGINX_FMT" "$@" logs
	db_counts $name.db > $name.csv
	check_files $name.csv whole.log.counts.csv "keyaudit-parallel: $name"
}
unset KEYAUDIT_KEY_FILE
run flag --key-file "$T/test.key"
KEYAUDIT_KEY=$(cat test.key) run env
KEYAUDIT_KEY_FILE="$T/test.key" run envfile
# no key anywhere: TOTAL.db.key is made, private, and every shard uses it
"$P" -j 2 --db made.db --format "$NGINX_FMT" logs
check_eq "$(stat -c %a made.db.key)" 600 "the key made"
check_eq "$(sqlite3 made.db "SELECT value FROM meta WHERE key = 'key_id'")" \
	"$(sqlite3 made.db.shards/shard-1.db "SELECT value FROM meta WHERE
		key = 'key_id'")" "the shards' key"
check_eq "$(sqlite3 made.db "SELECT sum(n) FROM counts")" \
	"$(sqlite3 flag.db "SELECT sum(n) FROM counts")" "made key: requests"
# TOTAL.db.key given beside it: used
cp test.key beside.db.key
run beside
