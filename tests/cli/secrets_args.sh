# A secret typed as an argument where it does not belong (a fingerprint,
# an option's value, a command, a report kind) is refused with exit 2
# and a message that says where and what was wanted, without the value:
# no 10 bytes of it on stdout or stderr.
. "$TOP/tests/cli/lib.sh"
S=sk_live_4eC39HqLyjWDarjtT1zdp7dcQ
"$LOGGEN" --layout combined --lines 50 --key-file test.key -o a.log
"$KEYAUDIT" ingest -q --db a.db a.log
# echoed: is any 10 bytes of $S in out or err?
echoed() {
	for i in $(seq 1 $((${#S} - 9))); do
		w=$(printf %s "$S" | cut -c"$i-$((i + 9))")
		! grep -q -F -- "$w" out err || return 0
	done
	return 1
}
# refused ARGS...: exit 2, nothing of $S in the output, a message that
# gives the value's length instead
refused() {
	expect_exit 2 "$KEYAUDIT" "$@" >out 2>err </dev/null
	! echoed || { cat err; fail "$* echoed"; }
	grep -q "(got [0-9]* bytes, not shown)" err ||
		{ cat err; fail "$*: no length said"; }
}
refused lookup --db a.db "$S"
grep -q "argument 1 is not a fingerprint" err || fail "lookup: where"
refused lookup --db a.db "fp:$S"
refused lookup --db a.db fp:0123456789abcdef "$S"
grep -q "argument 2 is not a fingerprint" err || fail "lookup: which one"
refused fingerprint --db a.db "$S"
grep -q "fingerprint takes no argument" err || fail "fingerprint: what"
refused lookup --db a.db --until "$S" fp:0123456789abcdef
grep -q "^keyaudit: --until: expected a day" err || fail "--until: where"
refused report migration --db a.db --since "$S"
refused gonogo --db a.db --max-share "$S"
refused gonogo --db a.db --window "$S"
refused gonogo --db a.db --brownout "$S"
refused gonogo --db a.db --phase "$S"
grep -q -- "--phase: the rules have no such phase" err || fail "--phase: what"
refused ingest --db f.db --format "$S" /dev/null
grep -q "unknown format" err || fail "--format: what"
refused ingest --db a.db --jobs "$S" a.log
refused report outreach --db a.db --registry r.csv \
	--registry-delimiter "$S"
refused report --db a.db --format "$S" migration
refused report --db a.db "$S"
refused files --db a.db "$S"
refused rules "$S"
refused "$S"
refused ingest --db a.db "--$S" a.log
# an option's name is named, not the value given with it
expect_exit 2 "$KEYAUDIT" ingest --db a.db "--x=$S" a.log >out 2>err
! echoed || { cat err; fail "--x=SECRET echoed"; }
# forget: a fingerprint's place, exit 1 when it names nothing
expect_exit 1 "$KEYAUDIT" forget --db a.db "fp:$S" >out 2>err
! echoed || { cat err; fail "forget echoed"; }
grep -q "argument 1 names no file" err || fail "forget: where"
