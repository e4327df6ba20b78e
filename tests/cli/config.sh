# The settings file (keyaudit.conf(5)): --config, else $KEYAUDIT_CONFIG;
# "name = value" for any long option with the value verbatim (an nginx
# format with quotes, blanks and dollars); "logs" is what ingest reads
# without a path; the command line wins; report ignores ingest's format;
# keyaudit config shows each setting and where it came from; a bad line
# or an unknown name is exit 2 naming the file and line, before any
# database is made.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 2000 --seed 11 --key-file test.key -o a.log
mkdir logs
cp a.log logs/access.log
cat > k.conf <<EOT
# comments and blank lines are ignored

  format   =   $NGINX_FMT
logs = $T/logs
db = $T/k.db
quiet = yes
metrics = $T/k.prom
EOT
# what the settings give, checked before they are used
"$KEYAUDIT" config --config k.conf > shown
grep -Fqx "format = $NGINX_FMT" shown || { cat shown; fail "format shown"; }
grep -F -B1 -x "format = $NGINX_FMT" shown | head -1 | grep -qx "# $T/k.conf:3\|# k.conf:3" ||
	{ cat shown; fail "format's source"; }
grep -qx "logs = $T/logs" shown || fail "logs shown"
KEYAUDIT_DB=env.db "$KEYAUDIT" config report migration --db cli.db > shown.r
grep -A1 -x '# command line' shown.r | grep -qx 'db = cli.db' ||
	{ cat shown.r; fail "the command line's db"; }
KEYAUDIT_CONFIG= KEYAUDIT_DB=env.db "$KEYAUDIT" config > shown.e
grep -A1 -x '# $KEYAUDIT_DB' shown.e | grep -qx 'db = env.db' ||
	{ cat shown.e; fail "the environment's db"; }
# the environment wins over the file, as the command line does
KEYAUDIT_CONFIG=k.conf KEYAUDIT_DB=env.db "$KEYAUDIT" config > shown.f
grep -A1 -x '# $KEYAUDIT_DB' shown.f | grep -qx 'db = env.db' ||
	{ cat shown.f; fail "the environment over the file"; }
grep -qx '# overridden by the environment (k.conf:5)' shown.f ||
	{ cat shown.f; fail "the file's db, overridden"; }

# ingest with no path and no option: everything from the file
KEYAUDIT_CONFIG="$T/k.conf" "$KEYAUDIT" ingest 2> err
[ ! -s err ] || { cat err; fail "quiet = yes"; }
db_counts k.db > got.csv
check_files got.csv a.log.counts.csv "counts with the file's nginx format"
grep -q '^keyaudit_ingest_lines 2000$' k.prom || fail "the file's metrics"
# the same by --config; the command line wins over the file
"$KEYAUDIT" ingest --config k.conf --db cli.db -v a.log 2> err
db_counts cli.db > got.csv
check_files got.csv a.log.counts.csv "command line's db and path"
grep -q 'new lines' err || fail "-v on the command line over quiet = yes"
# report takes the file's db, not its (log) format
KEYAUDIT_CONFIG="$T/k.conf" "$KEYAUDIT" report summary > s.csv ||
	fail "report with an nginx format in the file"
head -1 s.csv | grep -q , || fail "report's CSV"

# errors: named with file and line, exit 2, nothing made
printf 'db = %s/new.db\nmetrics = %s/new.prom\nwiat = 600\n' "$T" "$T" > bad.conf
expect_exit 2 "$KEYAUDIT" ingest --config bad.conf a.log 2> err
grep -q 'bad.conf:3: unknown setting: wiat' err || { cat err; fail "unknown"; }
printf 'wait = soon\n' > bad2.conf
expect_exit 2 "$KEYAUDIT" ingest --config bad2.conf --db new.db a.log 2> err
grep -q 'bad2.conf:1: --wait: expected' err || { cat err; fail "bad value"; }
printf 'just words\n' > bad3.conf
expect_exit 2 "$KEYAUDIT" files --config bad3.conf 2> err
grep -q "bad3.conf:1: expected 'name = value'" err || { cat err; fail "syntax"; }
expect_exit 2 env KEYAUDIT_CONFIG="$T/missing.conf" "$KEYAUDIT" files 2> err
grep -q 'missing.conf: No such file' err || { cat err; fail "missing file"; }
[ ! -e new.db ] && [ ! -e new.prom ] && [ ! -e new.db.key ] ||
	fail "a usage error made files"
