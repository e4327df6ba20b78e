# Every output is checked and every open is bounded: lookup to a full
# device exits 3 like every other command; a FIFO that nobody reads, as
# a report, a page or metrics (ingest's and gonogo's), is refused with
# a message and exit 3 within seconds instead of blocking for ever; a
# FIFO whose reader comes a little later is written.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout combined --lines 300 --seed 5 --key-file test.key -o c.log
"$KEYAUDIT" ingest -q --db o.db c.log
if [ -w /dev/full ]; then
	set +e
	head -1 c.log.secrets | "$KEYAUDIT" lookup --db o.db >/dev/full 2>err
	rc=$?
	"$KEYAUDIT" lookup --db o.db fp:0123456789abcdef >/dev/full 2>/dev/null
	rc2=$?
	set -e
	check_eq $rc 3 "lookup of a secret to a full device"
	check_eq $rc2 3 "lookup of a fingerprint to a full device"
	grep -q 'standard output: write failed' err || { cat err; fail "lookup"; }
fi
mkfifo f1 f2 f3 f4
# each in the background, bounded by timeout: 124 would be a hang
nobody() {
	n=$1; shift
	set +e
	timeout 8 "$KEYAUDIT" "$@" >/dev/null 2>err.$n
	echo $? > rc.$n
}
nobody 1 report summary --db o.db -o f1 &
nobody 2 gonogo --db o.db --html f2 &
nobody 3 ingest -q --db m.db --metrics f3 c.log &
nobody 4 gonogo --db o.db -o g.csv --metrics f4 &
wait
# ingest has committed its counts when it writes the metrics: 8 says
# that the metrics alone were not written
for n in 1 2 3 4; do
	want=3
	[ $n = 3 ] && want=8
	check_eq "$(cat rc.$n)" $want "exit status with f$n unread"
	grep -q "f$n: a FIFO that nobody reads" err.$n ||
		{ cat err.$n; fail "no message for f$n"; }
	[ -p f$n ] || fail "f$n replaced"
done
ls f?.*.tmp 2>/dev/null && fail "a temporary file is left"
# a reader that comes a second later is waited for
"$KEYAUDIT" report summary --db o.db -o f1 &
sleep 1
cat f1 > got.csv
wait $! || fail "report to a FIFO read a second later"
"$KEYAUDIT" report summary --db o.db -o want.csv
check_files got.csv want.csv "the report through the FIFO"
