#!/bin/sh
# tests/run.sh BUILD_DIR...: run the unit tests and every tests/cli/*.sh
# against each build (e.g. "build" and the sanitizer build "build-san").
# Cases run TEST_JOBS at a time (default 4: the scripts spend much of
# their time waiting on pipes, sleeps and each other's processes), the
# slowest of the last run first; each case's output is kept and printed
# in the cases' order, as each finishes.  A case exits 0 to pass, 77 to
# be skipped (with its reason on its last line), anything else fails.
# The last line is "N passed, N failed, N skipped".  A case that does
# not depend on the build (the manuals, the manifests, the docs) says so
# with a line "# run.sh: once" and runs with the first build only.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)

# run.sh --case DIR BUILD NAME: one case, its output to DIR/BUILD.NAME.out
# and then its exit status and seconds to DIR/BUILD.NAME.rc
if [ "${1:-}" = --case ]; then
	dir=$2 build=$3 name=$4
	bin="$top/$build"
	out="$dir/$build.$name.out"
	start=$(date +%s)
	if [ "$name" = unit ]; then
		"$bin/unit" >"$out" 2>&1
	else
		tmp=$(mktemp -d)
		KEYAUDIT="$bin/keyaudit" LOGGEN="$bin/loggen" TOP="$top" \
			T="$tmp" BUILD="$build" sh "$top/tests/cli/$name.sh" \
			>"$out" 2>&1 </dev/null
		rc=$?
		rm -rf "$tmp"
		(exit $rc)
	fi
	rc=$?
	echo "$rc $(($(date +%s) - start))" >"$out.rc.tmp"
	mv "$out.rc.tmp" "$dir/$build.$name.rc"
	exit 0
fi

jobs=${TEST_JOBS:-4}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
times="$top/tests/out/times"
cases=""
first=${1:-}
for build in "$@"; do
	cases="$cases $build:unit"
	for t in "$top"/tests/cli/*.sh; do
		name=$(basename "$t" .sh)
		[ "$name" = lib ] && continue
		if [ "$build" != "$first" ] &&
			grep -q '^# run\.sh: once' "$t"; then
			continue
		fi
		cases="$cases $build:$name"
	done
done

# the order to start them in: the unit tests (quick, and printed first),
# then the slowest first by the last run's times
for c in $cases; do
	s=$(awk -v c="$c" '$1 == c { print $2 }' "$times" 2>/dev/null)
	case $c in *:unit) s=999999 ;; esac
	echo "${s:-0} $c"
done | sort -k1,1nr | cut -d' ' -f2 | tr ':' ' ' |
	xargs -n 2 -P "$jobs" sh "$top/tests/run.sh" --case "$dir" 2>&1 |
	sed 's/^/run.sh: /' &
pool=$!

passed=0
failed=0
skipped=0
failures=""
: >"$dir/times"
for c in $cases; do
	build=${c%%:*} name=${c#*:}
	rc_file="$dir/$build.$name.rc"
	while [ ! -e "$rc_file" ]; do
		kill -0 $pool 2>/dev/null || break
		sleep 0.2
	done
	if [ ! -e "$rc_file" ]; then
		failed=$((failed + 1)); failures="$failures $c"
		echo "FAIL $build/$name: never finished"
		continue
	fi
	read -r rc secs <"$rc_file"
	out="$dir/$build.$name.out"
	echo "$c $secs" >>"$dir/times"
	if [ "$rc" = 0 ]; then
		passed=$((passed + 1))
		if [ "$name" = unit ]; then
			echo "PASS $build/unit: $(tail -1 "$out")"
		else
			echo "PASS $build/$name (${secs}s)"
		fi
	elif [ "$rc" = 77 ]; then
		skipped=$((skipped + 1))
		echo "SKIP $build/$name: $(tail -1 "$out")"
	else
		failed=$((failed + 1)); failures="$failures $build/$name"
		echo "FAIL $build/$name (exit $rc)"
		tail -30 "$out" | sed 's/^/    /'
	fi
done
wait $pool
mkdir -p "$top/tests/out" && cp "$dir/times" "$times"
[ -n "$failures" ] && echo "failed:$failures"
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
