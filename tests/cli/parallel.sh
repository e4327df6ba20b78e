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
# night after night with its kept shards: files grow, a backlog weeks
# older is folded by its shard the night it is read, logs rotate and
# are compressed; every night the total equals one database's reading
export KEYAUDIT_NOW
KEYAUDIT_NOW=$(TZ=UTC date -d '2026-12-01' +%s)
mkdir nights gen
g() { # SEED START DAYS LINES OUT
	"$LOGGEN" --layout nginx --lines "$4" --days "$3" --seed "$1" \
		--start "$2" --key-file test.key -o gen/out.log
	cat gen/out.log >> "$5"
}
night() {
	KEYAUDIT_KEY_FILE="$T/test.key" "$P" -j 3 --db nights.db \
		--format "$NGINX_FMT" nights
	"$KEYAUDIT" ingest -q --db one.db --key-file test.key \
		--format "$NGINX_FMT" nights
	db_counts nights.db > got.csv
	db_counts one.db > want.csv
	check_files got.csv want.csv "keyaudit-parallel, night $1"
}
g 51 2026-11-20 1 300 nights/app.log
g 52 2026-11-20 1 200 nights/web.log
night 1
g 53 2026-11-21 1 300 nights/app.log
g 54 2026-10-01 3 400 nights/backlog.log
night 2
mv nights/app.log nights/app.log.1
g 55 2026-11-25 1 300 nights/app.log
g 56 2026-11-25 1 100 nights/web.log
night 3
gzip nights/app.log.1
g 57 2026-11-26 1 100 nights/app.log
night 4
