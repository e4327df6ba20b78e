# tests/cli/lib.sh: helpers sourced by every CLI test.  The runner sets
# KEYAUDIT (the binary), LOGGEN (the generator), TOP (the source tree),
# T (a fresh temporary directory) and BUILD.
set -eu
cd "$T"
export KEYAUDIT_RULES="$TOP/rules/asana-api-keys.rules"
unset KEYAUDIT_DB KEYAUDIT_KEY KEYAUDIT_KEY_FILE
# no settings file but the ones a case names (an installed
# /etc/keyaudit/keyaudit.conf would set every command's db)
export KEYAUDIT_CONFIG=
# The layout the generator writes for --layout nginx.
NGINX_FMT='nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_authorization" "$http_asana_amnesty_api_key" "$http_x_client_id" "$http_cookie"'
# A fixed key, so generator truth and database agree.
printf '%s\n' 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f > "$T/test.key"
chmod 600 "$T/test.key"
export KEYAUDIT_KEY_FILE="$T/test.key"

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# check_eq GOT WANT WHAT
check_eq() {
	[ "$1" = "$2" ] || fail "$3: got '$1', want '$2'"
}

# check_files GOT WANT WHAT: files byte for byte equal
check_files() {
	cmp -s "$1" "$2" || { diff "$1" "$2" | head -20 >&2; fail "$3"; }
}

# expect_exit CODE CMD...: run CMD, check its exit status
expect_exit() {
	want=$1; shift
	set +e
	"$@"
	got=$?
	set -e
	[ "$got" = "$want" ] || fail "exit $got, want $want: $*"
}

# db_counts DB: the counts table summed over files, as the truth has it
db_counts() {
	echo "client,day,class,amnesty,status,requests"
	sqlite3 -csv "$1" "SELECT client, day, class, amnesty, status, sum(n)
		FROM counts GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5"
}
