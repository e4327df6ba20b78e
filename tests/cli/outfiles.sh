# Output files are written safely: an unpredictable temporary name made
# exclusively beside the target, never through a symbolic link; a FIFO
# or a device is written in place, never replaced; every command checks
# its output at the end and says why it failed.
. "$TOP/tests/cli/lib.sh"

"$LOGGEN" --layout combined --lines 300 --seed 5 --key-file test.key -o c.log
"$KEYAUDIT" ingest -q --db o.db c.log

# the old attack: a link at the old predictable name FILE.tmp.PID for
# each process id the report may get: in a PID namespace of its own,
# where one may be made, it is the first (1), else one of the next few
# thousand
echo precious > victim.txt
if unshare --pid --fork true 2>/dev/null; then
	first=1 count=20 ns="unshare --pid --fork"
else
	first=$(cut -d' ' -f5 /proc/loadavg | cut -d/ -f2) count=5000 ns=""
fi
python3 -c '
import os, sys
first, count = int(sys.argv[1]), int(sys.argv[2])
for pid in range(first, first + count):
    os.symlink("victim.txt", "out.csv.tmp.%d" % pid)
' $first $count
$ns "$KEYAUDIT" report summary --db o.db -o out.csv
check_eq "$(cat victim.txt)" precious "the victim of a planted link"
[ -f out.csv ] && [ ! -L out.csv ] || fail "out.csv is a new regular file"
grep -q . out.csv || fail "out.csv has the report"
ls out.csv.*.tmp 2>/dev/null && fail "a temporary file is left"
rm -f out.csv.tmp.*

# a symbolic link as the target: refused, the file it points to intact
ln -s victim.txt link.csv
expect_exit 3 "$KEYAUDIT" report summary --db o.db -o link.csv 2>err
grep -q 'link.csv: is a symbolic link' err || { cat err; fail "link refused"; }
[ -L link.csv ] || fail "the link is still a link"
check_eq "$(cat victim.txt)" precious "written through a link"

# the mode of the file replaced is kept; a new file gets 0644 whatever
# the umask
chmod 600 out.csv
"$KEYAUDIT" report summary --db o.db -o out.csv
check_eq "$(stat -c %a out.csv)" 600 "mode of the replaced file"
(umask 027; "$KEYAUDIT" report summary --db o.db -o new.csv)
check_eq "$(stat -c %a new.csv)" 644 "mode of a new file"

# a FIFO is written in place and stays a FIFO
mkfifo out.fifo
cat out.fifo > fifo.txt &
"$KEYAUDIT" report summary --db o.db -o out.fifo
wait
[ -p out.fifo ] || fail "the FIFO was replaced"
cmp -s fifo.txt out.csv || fail "the report went through the FIFO"
"$KEYAUDIT" gonogo --db o.db -o out.fifo >/dev/null &
cat out.fifo > gonogo.txt
wait || true
[ -p out.fifo ] || fail "gonogo replaced the FIFO"
grep -q '^client,' gonogo.txt || fail "gonogo's CSV through the FIFO"

# a character device stays a device: a null device of our own where we
# may make one (as root, the code before this wrote over /dev/null),
# else /dev/null itself
dev=/dev/null
mknod nulldev c 1 3 2>/dev/null && chmod 666 nulldev && dev=$T/nulldev
"$KEYAUDIT" report summary --db o.db -o "$dev"
[ -c "$dev" ] || fail "$dev replaced"
"$KEYAUDIT" gonogo --db o.db -o "$dev" --html "$dev" >/dev/null ||
	[ $? -eq 1 ]
[ -c "$dev" ] || fail "$dev replaced by gonogo"

# a full disk: every command fails with the reason
full() { # WHAT CMD...
	what=$1
	shift
	set +e
	"$@" >/dev/full 2>err
	rc=$?
	set -e
	[ "$rc" -ne 0 ] || fail "$what to /dev/full exits 0"
	grep -q 'No space left on device' err || { cat err; fail "$what: reason"; }
}
full "report migration" "$KEYAUDIT" report migration --db o.db
full "report amnesty" "$KEYAUDIT" report amnesty --db o.db
full "report -o /dev/full" "$KEYAUDIT" report summary --db o.db -o /dev/full
full "gonogo" "$KEYAUDIT" gonogo --db o.db
full "gonogo -o" "$KEYAUDIT" gonogo --db o.db -o /dev/full
full "files" "$KEYAUDIT" files --db o.db
full "rules check" "$KEYAUDIT" rules check
full "rules explain" "$KEYAUDIT" rules explain c.log
full "--help" "$KEYAUDIT" --help
full "--version" "$KEYAUDIT" --version
echo x > x.txt
full "fingerprint" sh -c "exec \"$KEYAUDIT\" fingerprint < x.txt"

# a closed standard output: the same, with its own reason
set +e
"$KEYAUDIT" report migration --db o.db >&- 2>err
rc=$?
set -e
[ "$rc" -ne 0 ] || fail "a closed stdout exits 0"
grep -q '^keyaudit: standard output: write failed: Bad file descriptor' err ||
	{ cat err; fail "closed stdout: reason"; }
