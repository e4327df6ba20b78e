# The documentation says what the program does: every default in
# keyaudit(1) is the one --help gives; every report kind is in
# keyaudit(1) and docs/reports.md; each report's header line (and
# gonogo's CSV's) is shown as it is in docs/reports.md (docs/gonogo.md);
# README.md's demo output is what `make demo` prints.
. "$TOP/tests/cli/lib.sh"
# run.sh: once (the pages and the options are the same in every build)
D="python3 $TOP/tests/scripts/docs_match.py"

$D defaults "$KEYAUDIT" "$TOP/doc/keyaudit.1" || fail "defaults differ"
$D kinds "$KEYAUDIT" "$TOP/doc/keyaudit.1" "$TOP/docs/reports.md" ||
	fail "report kinds"

# the demo, as make demo runs it (its database, its reports)
sh "$TOP/tests/scripts/demo.sh" "$KEYAUDIT" "$TOP" > demo.out 2> demo.err ||
	{ cat demo.err; fail "the demo"; }
$D demo "$TOP/README.md" demo.out || fail "README's demo output"

# every report's header line, over the demo's database
printf 'client\nnobody\n' > reg.csv
for k in $("$KEYAUDIT" report --help | sed -n '/^kinds:/,/^$/p' |
	sed 's/^kinds://' | tr ',' ' '); do
	"$KEYAUDIT" report "$k" --registry reg.csv -o "h-$k.csv"
	$D columns "$TOP/docs/reports.md" "$k" "h-$k.csv" ||
		fail "docs/reports.md: $k's columns"
done
rc=0
"$KEYAUDIT" gonogo -o h-gonogo.csv > /dev/null || rc=$?
case $rc in 0 | 1 | 6) ;; *) fail "gonogo: exit $rc" ;; esac
$D columns "$TOP/docs/gonogo.md" Outputs h-gonogo.csv ||
	fail "docs/gonogo.md: the CSV's columns"
