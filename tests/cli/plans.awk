# tests/cli/plans.awk: read what KEYAUDIT_EXPLAIN wrote ("SQL text",
# then "PLAN id parent detail" lines) and print each join whose inner
# loop is a full scan: a SCAN, not of constant rows, among the loops of
# one query after its first.  Such a join costs rows x rows (the window
# query of old: "SCAN (subquery-3) LEFT-JOIN").
function is_loop(d) { return d ~ /^(SCAN|SEARCH) / }
function is_small(d) { return d ~ /^SCAN ([0-9]+ )?CONSTANT ROWS?$/ }
/^SQL / { sql = substr($0, 5); split("", seen); next }
/^PLAN / {
	d = $0
	sub(/^PLAN [0-9]+ [0-9]+ /, "", d)
	if (!is_loop(d))
		next
	if (($3 in seen) && d ~ /^SCAN / && !is_small(d))
		printf "inner full scan: %s\n  in: %.400s\n", d, sql
	seen[$3] = 1
}
