# Quiet nights are quiet: the rules on fields the format lacks are said
# by the first ingest of a database (and by rules check), their lines in
# order, "the rule on line N" for one, then only with -v; a file whose
# one new line is bad says so in words that read.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout combined --lines 400 --seed 3 --key-file test.key -o a.log
head -n 200 a.log > d1.log
tail -n 200 a.log > d2.log
"$KEYAUDIT" ingest --db a.db d1.log 2> err1
grep 'never match' err1 > said || { cat err1; fail "not said on the first ingest"; }
lines=$(sed -n 's/.*the rules on lines \([0-9, ]*\) of .*/\1/p' said)
[ -n "$lines" ] || { cat said; fail "the lines"; }
sorted=$(echo "$lines" | tr -d ' ' | tr , '\n' | sort -n | paste -sd, - | sed 's/,/, /g')
check_eq "$lines" "$sorted" "the rule lines in order"
"$KEYAUDIT" ingest --db a.db d2.log 2> err2
! grep -q 'never match' err2 || { cat err2; fail "said again the next night"; }
"$KEYAUDIT" ingest -v --db a.db a.log 2> err3
grep -q 'never match' err3 || fail "-v says it every run"
# a typo in the rules (a field of no format): said even with -q, on the
# first ingest; later nights -q is silent
sed '0,/remote_user ^/s//remote_usr ^/' "$KEYAUDIT_RULES" > typo.rules
"$KEYAUDIT" ingest -q --db t.db --rules typo.rules d1.log 2> err4
grep -q 'has no field remote_usr: the rule on line [0-9]* of .*typo.rules never match' err4 ||
	{ cat err4; fail "one rule, said on the first ingest"; }
"$KEYAUDIT" ingest -q --db t.db --rules typo.rules d2.log 2> err5
check_eq "$(cat err5)" "" "the second night with -q"
"$KEYAUDIT" rules check typo.rules > out 2> err6 || true
grep -q "field 'remote_usr' is in no format" err6 || { cat err6; fail "rules check"; }
# one new line, bad: no "1 of its first 1 new lines"
printf 'garbage that is no log line\n' > one.log
expect_exit 1 "$KEYAUDIT" ingest -q --db o.db --format combined one.log 2> err7
grep -q 'one.log: skipped: its one new line is bad as format combined' err7 ||
	{ cat err7; fail "one line's wording"; }
