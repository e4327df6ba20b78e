# The manuals: keyaudit(1), keyaudit-parallel(1), keyaudit-rules(5) are
# clean for "mandoc -T lint"; every option of the code's table is in keyaudit(1),
# each command takes exactly the options its section lists (and its
# --help lists them), refusing the others; the example rules file of
# keyaudit-rules(5) passes "rules check"; every shipped ruleset, its
# classes and phases are in keyaudit-rules(5).
# run.sh: once (the pages and the options table are the same in every build)
. "$TOP/tests/cli/lib.sh"
command -v mandoc >/dev/null || fail "mandoc is missing (make deps installs it)"
for m in "$TOP"/doc/*.[1-9]; do
	mandoc -T lint -W warning "$m" > lint 2>&1 || { cat lint; fail "lint: $m"; }
	mandoc -T utf8 "$m" > /dev/null || fail "render $m"
done
python3 "$TOP/tests/scripts/manual_options.py" "$KEYAUDIT" \
	"$TOP/doc/keyaudit.1" "$TOP/analyzer/options.c" ||
	fail "keyaudit(1) and the options differ"

# keyaudit-rules(5): its example compiles, the shipped rulesets are in it
sed -n '/^\.Sh EXAMPLES/,/^\.Ed/p' "$TOP/doc/keyaudit-rules.5" |
	sed '1,2d;$d' > example.rules
"$KEYAUDIT" rules check example.rules > out || fail "the manual's example"
grep -q ': ok: 3 classes (1 legacy), 3 rules, 2 phases' out || fail "example"
for r in "$TOP"/rules/*.rules; do
	name=$(basename "$r")
	grep -q "^\.It Pa $name\$" "$TOP/doc/keyaudit-rules.5" ||
		fail "$name is not in keyaudit-rules(5)"
	for w in $(awk '$1 == "class" || $1 == "phase" { print $2 }' "$r"); do
		grep -q "Cm.* $w\( \|$\)" "$TOP/doc/keyaudit-rules.5" ||
			fail "$name: $w is not in keyaudit-rules(5)"
	done
done
for d in class rule amnesty client phase; do
	grep -q "^\.It Ic $d " "$TOP/doc/keyaudit-rules.5" ||
		fail "directive $d is not in keyaudit-rules(5)"
done
