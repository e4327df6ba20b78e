# Bad usage gets one line that says what is wrong, and exit 2: a missing
# or unknown subcommand, a missing value, numbers out of range or not
# written in plain decimal, days in the wrong order, options given to a
# command that does not take them.
. "$TOP/tests/cli/lib.sh"

# usage_is WANT ARGS...: exit 2 and WANT as the first line on stderr
usage_is() {
	msg=$1; shift
	expect_exit 2 "$KEYAUDIT" "$@" 2>err
	check_eq "$(head -1 err)" "keyaudit: $msg" "keyaudit $*"
	grep -q "^try 'keyaudit.* --help'$" err || fail "no hint: $*"
}

usage_is "rules: missing subcommand (check, explain)" rules
usage_is "rules: unknown subcommand, not check or explain (got 3 bytes, not shown)" \
	rules foo
usage_is "--db: missing value" ingest --db
usage_is "--db: missing value" ingest --db --wait 3 x.log
usage_is "-o: missing value" report migration -o
usage_is "--window: must be at least 1" gonogo --window 0
usage_is "--jobs: must be at least 1" ingest --jobs 0 x.log
usage_is "--since is after --until" report migration \
	--since 2026-02-01 --until 2026-01-31
usage_is "--since: expected a day, YYYY-MM-DD (got 10 bytes, not shown)" \
	report migration --since 2026-13-01
for n in nan inf 0x10 1e3 -1 +1 " 1" 1,5 .5 1.2.3 ""; do
	got="${#n} bytes, not shown"
	[ -n "$n" ] || got="an empty value"
	usage_is "--max-share: expected a percentage in decimal digits, e.g. 0.5 (got $got)" \
		gonogo --max-share "$n"
done
usage_is "--max-share: must be at most 100" gonogo --max-share 100.5
for o in --wait --commit-every --jobs; do
	expect_exit 2 "$KEYAUDIT" ingest "$o" 1e3 x.log 2>err
	grep -q "^keyaudit: $o: expected .* (got 3 bytes, not shown)$" err ||
		{ cat err; fail "$o 1e3"; }
	expect_exit 2 "$KEYAUDIT" ingest "$o" 0x10 x.log 2>/dev/null
done
for o in --window --max-clients --min-quiet-days; do
	expect_exit 2 "$KEYAUDIT" gonogo "$o" 7.5 2>err
	grep -q "^keyaudit: $o: expected .* (got 3 bytes, not shown)$" err ||
		{ cat err; fail "$o 7.5"; }
done

# options of other commands, named with the command
usage_is "files does not take --phase" files --phase x --registry y \
	--jobs 3 --html z
usage_is "files does not take -j" files -j 3
usage_is "ingest does not take -o" ingest -o x.csv x.log
usage_is "rules check does not take --db" rules check --db x.db
usage_is "ingest: unknown option --bogus" ingest --bogus x.log
usage_is "only reports, files and gonogo take several --db" \
	merge --db a.db --db b.db c.db

# and what is right still runs
"$LOGGEN" --layout combined --lines 200 --key-file test.key -o a.log
"$KEYAUDIT" ingest -q --db a.db --wait 0 --commit-every 50 -j 2 a.log
expect_exit 1 "$KEYAUDIT" gonogo --db a.db --max-share 0.5 --window 30 \
	--max-clients 0 --min-quiet-days 3 >/dev/null
"$KEYAUDIT" report migration --db a.db --since 2026-01-01 \
	--until 2026-01-01 -o m.csv
check_eq "$(wc -l < m.csv)" 1 "one day without data: the header"

# the usage text lists the formats and reports the code knows
"$KEYAUDIT" --help > help
for f in combined common vhost_combined vhost_common 'nginx:<log_format>' \
	'jsonl\[:<time key>\]' s3 alb elb cloudfront 'regex:<pattern>'; do
	grep -q "$f" help || fail "format $f not in --help"
done
"$KEYAUDIT" ingest --format nosuch x.log 2>err && fail "format nosuch"
grep -q "; known: combined, common, vhost_combined, vhost_common, nginx:<log_format>, jsonl\[:<time key>\], s3, alb, elb, cloudfront, regex:<pattern>$" err ||
	{ cat err; fail "the formats in the message"; }
# every report kind of report.c's table, in its order
kinds=$(sed -n '/^kinds:/,/^formats:/p' help | sed '$d' | tr -d '\n' |
	sed 's/^kinds: //; s/  */ /g')
table=$(sed -n '/reports\[\] = {/,/^};/p' "$TOP/analyzer/report.c" |
	grep -o '{"[a-z_]*", 1' | sed 's/{"//; s/", 1//' | tr '\n' ',' |
	sed 's/,$//; s/,/, /g')
[ -n "$table" ] || fail "no listed report found in report.c's table"
check_eq "$kinds" "$table" "report kinds in --help"
