# make install and uninstall as packagers use them: a staged install
# (DESTDIR) puts every file where it belongs with the install paths in
# the units and the hook, and uninstall leaves no file behind; the
# project's flags stay with CFLAGS=-O0; a PREFIX of its own is compiled
# into the program (only the objects that know it are rebuilt), which
# then runs from / with no source tree beside it; a settings file with
# a custom nginx format (quotes, blanks, dollars) is all the installed
# logrotate hook and the installed unit's ExecStart line need: both
# count exactly what the generator wrote.  Once, in the plain build.
. "$TOP/tests/cli/lib.sh"
if [ "$BUILD" = build-san ]; then
	echo "skipped: make install is tested with the plain build"
	exit 77
fi
command -v logrotate >/dev/null ||
	fail "logrotate is missing (make deps installs it)"
unset MAKEFLAGS MFLAGS MAKELEVEL KEYAUDIT_RULES
mk() { make -C "$TOP" --no-print-directory BUILD="$T/b" CFLAGS=-O0 "$@"; }

# 1. staged: every file, paths for the prefix, then none left
mk PREFIX=/opt/ka DESTDIR="$T/root" install > make.out 2>&1 ||
	{ tail make.out; fail "make install"; }
grep -q -- '-std=c11 .*-Wall .*-O0 .*-c -o .*/options.o' make.out ||
	{ grep options.o make.out; fail "CFLAGS=-O0 dropped the project's flags"; }
R=$T/root/opt/ka
for f in bin/keyaudit bin/keyaudit-parallel share/man/man1/keyaudit.1 \
	share/man/man1/keyaudit-parallel.1 \
	share/man/man5/keyaudit-rules.5 share/man/man5/keyaudit.conf.5 \
	share/keyaudit/examples/keyaudit.conf \
	share/keyaudit/examples/keyaudit.cron etc/keyaudit/keyaudit.conf \
	lib/systemd/system/keyaudit.service \
	lib/systemd/system/keyaudit.timer etc/logrotate.d/keyaudit \
	etc/logrotate.d/httpd-prerotate/keyaudit; do
	[ -f "$R/$f" ] || fail "not installed: $f"
done
for r in "$TOP"/rules/*.rules; do
	cmp -s "$r" "$R/share/keyaudit/rules/$(basename "$r")" ||
		fail "not installed: $r"
done
[ -x "$R/etc/logrotate.d/httpd-prerotate/keyaudit" ] || fail "hook mode"
grep -q '^ExecStart=/opt/ka/bin/keyaudit ingest ' \
	"$R/lib/systemd/system/keyaudit.service" || fail "unit's ExecStart"
grep -q 'KEYAUDIT:-/opt/ka/bin/keyaudit}' \
	"$R/etc/logrotate.d/httpd-prerotate/keyaudit" || fail "hook's path"
grep -q '/opt/ka/bin/keyaudit ingest' \
	"$R/share/keyaudit/examples/keyaudit.cron" || fail "cron's path"
strings "$R/bin/keyaudit" | grep -q '^/opt/ka/share/keyaudit$\|/opt/ka/share/keyaudit/rules' ||
	fail "data directory not compiled in"
strings "$R/bin/keyaudit" | grep -q '^/opt/ka/etc$\|^/opt/ka/etc/keyaudit/keyaudit.conf$' ||
	fail "settings file's directory not compiled in"
# none of the three sets anything the settings file does not
for f in lib/systemd/system/keyaudit.service \
	etc/logrotate.d/httpd-prerotate/keyaudit \
	share/keyaudit/examples/keyaudit.cron; do
	! grep -q 'KEYAUDIT_OPTS\|KEYAUDIT_LOGS\|KEYAUDIT_DB\|/etc/default\|--format\|--db' \
		"$R/$f" || fail "$f has settings of its own"
done
# 1b. the hook and the unit, staged, with a custom nginx format: the
# settings file is all they read
"$LOGGEN" --layout nginx --lines 3000 --seed 5 --key-file test.key -o n.log
mkdir nlogs
cp n.log nlogs/access.log
cat > staged.conf <<EOT
# the generator's nginx layout, as nginx.conf has it
format = $NGINX_FMT
logs = $T/nlogs
db = $T/state/staged.db
metrics = $T/staged.prom
# (the staged program's own rules are not where it looks)
rules = $TOP/rules/asana-api-keys.rules
EOT
KEYAUDIT="$R/bin/keyaudit" KEYAUDIT_CONFIG="$T/staged.conf" \
	KEYAUDIT_LOG="$T/staged.log" sh "$R/etc/logrotate.d/httpd-prerotate/keyaudit"
[ ! -s staged.log ] || { cat staged.log; fail "the staged hook complained"; }
db_counts state/staged.db > got.csv
check_files got.csv n.log.counts.csv "the hook's counts, custom nginx format"
grep -q '^keyaudit_ingest_exit_status 0$' staged.prom || fail "hook's metrics"
mv state/staged.db hook-staged.db
# the unit's ExecStart line, its program in the staging directory; run
# as systemd runs it: words split on blanks, no shell
set -f
# shellcheck disable=SC2046
set -- $(sed -n 's/^ExecStart=//p' "$R/lib/systemd/system/keyaudit.service")
set +f
prog=$1
shift
(cd state && KEYAUDIT_CONFIG="$T/staged.conf" "$T/root$prog" "$@") ||
	fail "the unit's ExecStart: exit $?"
db_counts state/staged.db > got.csv
check_files got.csv n.log.counts.csv "the unit's counts, custom nginx format"
mk PREFIX=/opt/ka DESTDIR="$T/root" uninstall > make.out 2>&1 ||
	{ tail make.out; fail "make uninstall"; }
left=$(find "$T/root" ! -type d | wc -l)
check_eq "$left" 0 "files left after uninstall"
[ ! -d "$R/share/keyaudit" ] || fail "share/keyaudit left"

# 2. a prefix of its own: only what knows the paths is rebuilt
mk PREFIX="$T/p" install > make.out 2>&1 || { tail make.out; fail "install"; }
compiled=$(grep -o -- '-c -o [^ ]*\.o' make.out | sed 's|.*/||' | sort | tr '\n' ' ')
check_eq "$compiled" "config.o options.o options_usage.o " "rebuilt for a new PREFIX"
"$LOGGEN" --layout combined --lines 2000 --key-file test.key -o a.log
cd /
"$T/p/bin/keyaudit" rules check > "$T/out" || fail "installed rules check"
grep -q "^$T/p/share/keyaudit/rules/asana-api-keys.rules: ok" "$T/out" ||
	{ cat "$T/out"; fail "the installed rules are used"; }
"$T/p/bin/keyaudit" ingest -q --db "$T/i.db" "$T/a.log"
"$T/p/bin/keyaudit" report migration --db "$T/i.db" -o "$T/m.csv"
cd "$T"
check_files m.csv a.log.migration.csv "installed program's report"
"$T/p/bin/keyaudit-parallel" --help | grep -q 'usage: keyaudit-parallel' ||
	fail "keyaudit-parallel installed"
mandoc -T lint -W warning "$T/p/share/man/man1/keyaudit.1" ||
	fail "installed manual"
# the units as systemd reads them (where systemd-analyze is installed)
if command -v systemd-analyze >/dev/null; then
	systemd-analyze verify --man=no "$T/p/lib/systemd/system/keyaudit.service" \
		"$T/p/lib/systemd/system/keyaudit.timer" > sa.out 2>&1 ||
		{ cat sa.out; fail "systemd-analyze verify"; }
fi

# 3. the logrotate hook, run as Debian's nginx logrotate file runs it
mkdir logs
cp a.log logs/access.log
cat > settings <<EOT
logs = $T/logs
db = $T/hook.db
EOT
cat > rotate.conf <<EOT
$T/logs/*.log {
	daily
	rotate 3
	compress
	delaycompress
	sharedscripts
	prerotate
		if [ -d $T/p/etc/logrotate.d/httpd-prerotate ]; then \\
			run-parts $T/p/etc/logrotate.d/httpd-prerotate; \\
		fi
	endscript
}
EOT
env -u KEYAUDIT KEYAUDIT_CONFIG="$T/settings" KEYAUDIT_LOG="$T/hook.log" \
	logrotate -f -s "$T/rotate.state" rotate.conf
[ -f logs/access.log.1 ] || fail "logrotate did not rotate"
[ ! -s hook.log ] || { cat hook.log; fail "the hook complained"; }
db_counts hook.db > got.csv
check_files got.csv a.log.counts.csv "the hook read every line"
"$KEYAUDIT" files --db hook.db > files.csv
grep -q "logs/access.log\"" files.csv || fail "read before rotation"
! grep -q 'access.log.1' files.csv || fail "read after rotation"
rm -rf "$T/b"
