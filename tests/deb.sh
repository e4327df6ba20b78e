#!/bin/sh
# tests/deb.sh [keyaudit_VERSION_ARCH.deb]: install the package made by
# make deb with dpkg -i (as root), run what it installed from / (the
# program with its shipped rules, the manual, the units, the logrotate
# hook), then purge it and check nothing is left.  Run by .ci/run after
# make check and make deb; it changes the machine's /usr, so not by
# make check.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
deb=${1:-$(ls "$top"/keyaudit_*_*.deb | head -1)}
fail() { echo "FAIL: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "skipped: dpkg -i needs root"; exit 77; }
! dpkg -s keyaudit >/dev/null 2>&1 ||
	fail "a keyaudit package is installed already; not replacing it"
T=$(mktemp -d)
trap 'dpkg --purge keyaudit >/dev/null 2>&1; rm -rf "$T"' EXIT
dpkg -i "$deb" > "$T/dpkg.out" 2>&1 || { cat "$T/dpkg.out"; fail "dpkg -i"; }
cd /
env -u KEYAUDIT_RULES keyaudit --version | grep -q "^keyaudit $(dpkg-query -W -f='${Version}' keyaudit)\$" ||
	fail "version differs from the package's"
env -u KEYAUDIT_RULES keyaudit rules check > "$T/rules.out"
grep -q '^/usr/share/keyaudit/rules/asana-api-keys.rules: ok' "$T/rules.out" ||
	fail "the packaged rules"
# a key file nobody else may read (keyaudit refuses others)
key=$T/sample.key
install -m 600 "$top/tests/data/sample/sample.key" "$key"
env -u KEYAUDIT_RULES KEYAUDIT_KEY_FILE="$key" keyaudit ingest -q \
	--db "$T/s.db" --metrics "$T/k.prom" "$top/sample-logs/combined"
env -u KEYAUDIT_RULES KEYAUDIT_KEY_FILE="$key" keyaudit report migration \
	--db "$T/s.db" -o "$T/m.csv"
cmp -s "$T/m.csv" "$top/tests/data/sample/combined.migration.csv" ||
	fail "the packaged program's report differs from the sample's truth"
grep -q '^keyaudit_lines_total ' "$T/k.prom" || fail "metrics"
man -w keyaudit >/dev/null 2>&1 || [ -f /usr/share/man/man1/keyaudit.1.gz ] ||
	fail "manual"
for f in /lib/systemd/system/keyaudit.service /lib/systemd/system/keyaudit.timer \
	/etc/logrotate.d/keyaudit /etc/logrotate.d/httpd-prerotate/keyaudit \
	/usr/bin/keyaudit-parallel /usr/share/man/man5/keyaudit-rules.5.gz; do
	[ -f "$f" ] || fail "not installed: $f"
done
grep -q '^ExecStart=/usr/bin/keyaudit ingest' /lib/systemd/system/keyaudit.service ||
	fail "unit's ExecStart"
# the settings file is the administrator's: a conffile, never replaced
dpkg-query -W -f='${Conffiles}\n' keyaudit | grep -q '^ */etc/keyaudit/keyaudit.conf ' ||
	fail "/etc/keyaudit/keyaudit.conf is not a conffile"
env -u KEYAUDIT_RULES keyaudit config | grep -q '^# settings file: /etc/keyaudit/keyaudit.conf$' ||
	fail "the packaged program does not read /etc/keyaudit/keyaudit.conf"
dpkg --purge keyaudit > "$T/dpkg.out" 2>&1 || { cat "$T/dpkg.out"; fail "purge"; }
for f in /usr/bin/keyaudit /lib/systemd/system/keyaudit.timer \
	/etc/logrotate.d/httpd-prerotate/keyaudit /usr/share/keyaudit \
	/etc/keyaudit/keyaudit.conf; do
	[ ! -e "$f" ] || fail "left after purge: $f"
done
echo "deb: installed, ran and purged $(basename "$deb")"
