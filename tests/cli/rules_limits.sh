# Rules files: a UTF-8 BOM is accepted; a catastrophic pattern costs
# little (PCRE2's match limit), each hit of the limit is counted per
# rule, named at the end of ingest and explain, and makes the run exit
# 1; rules check warns about the nested repeats it can see.
. "$TOP/tests/cli/lib.sh"

printf '\357\273\277class a legacy\nclass b\nrule a http_user_agent ^(a|aa)+$\nrule b http_user_agent .\nphase p refuse legacy\n' > c.rules
"$KEYAUDIT" rules check --rules c.rules >out 2>err ||
	{ cat err; fail "a BOM starts a rules file"; }
grep -q "c.rules:3: this pattern repeats a group that holds a repeat or alternatives" err ||
	{ cat err; fail "nested repeat warned"; }
printf 'class a\nrule a f ^(?:x+y*)+z$\nrule a f ^(?:/[0-9]{16})*$\nrule a f ^[(a+)+]$\n' > n.rules
"$KEYAUDIT" rules check --rules n.rules >/dev/null 2>err
check_eq "$(grep -c 'repeats a group' err)" 1 "only the nested repeat is warned"
grep -q 'n.rules:2:' err || fail "the warning names its line"

python3 -c "
for i in range(300):
    print('10.0.0.%d - - [05/Jan/2026:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"%s\"' % (i % 250, 'a' * (40 + i) + 'b'))" > l.log
expect_exit 1 "$KEYAUDIT" ingest --db l.db --rules c.rules l.log 2>err
grep -q "c.rules:3: 300 matches stopped at PCRE2's match limit" err ||
	{ cat err; fail "limit hits counted at the end of ingest"; }
# with two workers, their counts are added up
sed 's/^10\.0\.0\./10.0.1./' l.log > l2.log
expect_exit 1 "$KEYAUDIT" ingest --db j.db --jobs 2 --rules c.rules l.log \
	l2.log 2>err
grep -q "c.rules:3: 600 matches stopped" err ||
	{ cat err; fail "limit hits of both workers"; }
expect_exit 1 "$KEYAUDIT" rules explain --rules c.rules l.log >out 2>err
grep -q "c.rules:3: 300 matches stopped" err || fail "explain counts them"
# a line the limit did not cut still matches
echo '10.0.0.1 - - [05/Jan/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "aaaa"' > ok.log
"$KEYAUDIT" ingest --db o.db --rules c.rules ok.log 2>err ||
	{ cat err; fail "no limit hit, exit 0"; }
check_eq "$(sqlite3 o.db "SELECT class FROM counts")" a "the rule matched"
