# make install and uninstall as packagers use them: a staged install
# (DESTDIR) puts every file where it belongs with the install paths in
# the units and the hook, and uninstall leaves no file behind; the
# project's flags stay with CFLAGS=-O0; a PREFIX of its own is compiled
# into the program (only the objects that know it are rebuilt), which
# then runs from / with no source tree beside it; the logrotate hook
# reads the logs before they are rotated.  Once, in the plain build.
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
	share/man/man5/keyaudit-rules.5 lib/systemd/system/keyaudit.service \
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
strings "$R/bin/keyaudit" | grep -q '^/opt/ka/share/keyaudit$\|/opt/ka/share/keyaudit/rules' ||
	fail "data directory not compiled in"
mk PREFIX=/opt/ka DESTDIR="$T/root" uninstall > make.out 2>&1 ||
	{ tail make.out; fail "make uninstall"; }
left=$(find "$T/root" ! -type d | wc -l)
check_eq "$left" 0 "files left after uninstall"
[ ! -d "$R/share/keyaudit" ] || fail "share/keyaudit left"

# 2. a prefix of its own: only what knows the paths is rebuilt
mk PREFIX="$T/p" install > make.out 2>&1 || { tail make.out; fail "install"; }
compiled=$(grep -o -- '-c -o [^ ]*\.o' make.out | sed 's|.*/||' | sort | tr '\n' ' ')
check_eq "$compiled" "options.o options_usage.o " "rebuilt for a new PREFIX"
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
cat > defaults <<EOT
KEYAUDIT_LOGS=$T/logs
KEYAUDIT_DB=$T/hook.db
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
env -u KEYAUDIT KEYAUDIT_DEFAULTS="$T/defaults" KEYAUDIT_LOG="$T/hook.log" \
	logrotate -f -s "$T/rotate.state" rotate.conf
[ -f logs/access.log.1 ] || fail "logrotate did not rotate"
[ ! -s hook.log ] || { cat hook.log; fail "the hook complained"; }
db_counts hook.db > got.csv
check_files got.csv a.log.counts.csv "the hook read every line"
"$KEYAUDIT" files --db hook.db > files.csv
grep -q "logs/access.log\"" files.csv || fail "read before rotation"
! grep -q 'access.log.1' files.csv || fail "read after rotation"
rm -rf "$T/b"
