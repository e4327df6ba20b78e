# The guide stays a guide: README.md under 300 lines; every docs/ page
# the code's comments point at exists.
# run.sh: once (the README and the docs/ pages do not depend on the build)
. "$TOP/tests/cli/lib.sh"
n=$(wc -l < "$TOP/README.md")
[ "$n" -lt 300 ] || fail "README.md has $n lines"
grep -oh 'docs/[a-z0-9_-]*\.md' "$TOP"/analyzer/*.[ch] | sort -u > refs
[ -s refs ] || fail "no docs/ reference found in the code"
while read -r d; do
	[ -f "$TOP/$d" ] || fail "$d is named in the code but missing"
done < refs
