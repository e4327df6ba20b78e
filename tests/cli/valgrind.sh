# Valgrind memcheck on a sample run (ingest, every report, explain): no
# error and no leak.  Skipped, with the reason, in the sanitizer build
# (it has its own checker) and where valgrind is not installed.
. "$TOP/tests/cli/lib.sh"
if [ "$BUILD" = build-san ]; then
	echo "skipped: the sanitizer build checks memory itself"
	exit 77
fi
if ! command -v valgrind >/dev/null; then
	echo "skipped: valgrind is not installed (make deps installs it)"
	exit 77
fi
cp "$TOP/tests/data/sample/sample.key" sample.key
chmod 600 sample.key
export KEYAUDIT_KEY_FILE="$T/sample.key"
vg() {
	valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible \
		--error-exitcode=99 "$KEYAUDIT" "$@"
}
vg ingest -q --db v.db --jobs 2 "$TOP/sample-logs/combined"
vg ingest -q --db v.db --format "$(cat "$TOP/sample-logs/nginx.format")" \
	"$TOP/sample-logs/nginx"
for k in migration amnesty daily summary; do
	vg report $k --db v.db -o $k.csv
done
printf 'client,owner\nx,y\n' > reg.csv
vg report outreach --db v.db --registry reg.csv -o o.csv
set +e
vg gonogo --db v.db --html g.html -o g.csv > /dev/null
rc=$?
set -e
[ $rc = 0 ] || [ $rc = 1 ] || fail "gonogo under valgrind: exit $rc"
vg files --db v.db > /dev/null
gzip -dc "$TOP/sample-logs/combined/access.log.gz" | head -50 > s.log
vg rules explain --db v.db s.log > /dev/null
vg merge -q --db m.db v.db
