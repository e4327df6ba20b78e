#!/bin/sh
# tests/run.sh BUILD_DIR...: run the unit tests and every tests/cli/*.sh
# against each build (e.g. "build" and the sanitizer build "build-san").
# Each case is counted; the last line is "N passed, N failed, N skipped"
# (a case exits 77 to be skipped, as the valgrind one does under ASan).
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0
skipped=0
failures=""
for build in "$@"; do
	bin="$top/$build"
	out=$(mktemp)
	if "$bin/unit" >"$out" 2>&1; then
		passed=$((passed + 1)); echo "PASS $build/unit: $(tail -1 "$out")"
	else
		failed=$((failed + 1)); failures="$failures $build/unit"
		echo "FAIL $build/unit"; sed 's/^/    /' "$out"
	fi
	for t in "$top"/tests/cli/*.sh; do
		name=$(basename "$t" .sh)
		[ "$name" = lib ] && continue
		tmp=$(mktemp -d)
		start=$(date +%s)
		KEYAUDIT="$bin/keyaudit" LOGGEN="$bin/loggen" TOP="$top" \
			T="$tmp" BUILD="$build" sh "$t" >"$out" 2>&1
		rc=$?
		if [ $rc = 0 ]; then
			passed=$((passed + 1))
			echo "PASS $build/$name ($(($(date +%s) - start))s)"
		elif [ $rc = 77 ]; then
			skipped=$((skipped + 1))
			echo "SKIP $build/$name"
		else
			failed=$((failed + 1)); failures="$failures $build/$name"
			echo "FAIL $build/$name"; tail -30 "$out" | sed 's/^/    /'
		fi
		rm -rf "$tmp"
	done
	rm -f "$out"
done
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
