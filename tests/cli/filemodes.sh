# One file mode for every new output: reports, the page, gonogo's CSV
# and the metrics of ingest and gonogo are made 0644 whatever the umask;
# a file replaced keeps its mode; the code, docs/security.md and
# docs/reports.md say the same mode.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout combined --lines 300 --seed 5 --key-file test.key -o c.log
want=$(sed -n 's/^#define OUTFILE_MODE 0*\([0-7]*\)$/\1/p' \
	"$TOP/analyzer/outfile.h")
check_eq "$want" 644 "the mode in outfile.h"
for u in 022 027 077; do
	mkdir u$u
	(
		umask $u
		"$KEYAUDIT" ingest -q --db u$u/o.db --metrics u$u/i.prom c.log
		"$KEYAUDIT" report summary --db u$u/o.db -o u$u/r.csv
		"$KEYAUDIT" report summary --db u$u/o.db --format json \
			-o u$u/r.json
		"$KEYAUDIT" gonogo --db u$u/o.db -o u$u/g.csv --html u$u/g.html \
			--metrics u$u/g.prom >/dev/null || [ $? -le 1 ] || [ $? -eq 6 ]
	)
	for f in i.prom r.csv r.json g.csv g.html g.prom; do
		check_eq "$(stat -c %a u$u/$f)" "$want" "$f under umask $u"
	done
done
# a replaced file keeps its mode
chmod 600 u022/r.csv u022/g.html
"$KEYAUDIT" report summary --db u022/o.db -o u022/r.csv
"$KEYAUDIT" gonogo --db u022/o.db --html u022/g.html >/dev/null || true
check_eq "$(stat -c %a u022/r.csv)" 600 "a replaced report"
check_eq "$(stat -c %a u022/g.html)" 600 "a replaced page"
# the documents say the same mode
for d in docs/security.md docs/reports.md doc/keyaudit.1; do
	grep -q "0$want" "$TOP/$d" || fail "$d does not say 0$want"
done
tr '\n' ' ' < "$TOP/docs/security.md" | grep -q "reports, pages and metrics with mode 0$want" ||
	fail "docs/security.md: the mode of reports, pages and metrics"
tr '\n' ' ' < "$TOP/docs/reports.md" | grep -q "A new output file has mode 0$want" ||
	fail "docs/reports.md: the mode of a new output file"
! grep -q "0640\|less the umask" "$TOP/docs/security.md" "$TOP/docs/reports.md" ||
	fail "another mode in the documents"
