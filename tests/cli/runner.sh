# tests/run.sh interrupted (TERM to it alone, or INT to its process
# group as Ctrl-C sends it) leaves no case running, nor any process a
# case started, nor its files; run to the end, its last line is the
# summary.  It runs here on a tree of its own: one build with a unit
# "binary" and one case that starts a sleeper and waits.
# run.sh: once
. "$TOP/tests/cli/lib.sh"
mkdir -p tree/tests/cli tree/b tmp
cp "$TOP/tests/run.sh" tree/tests/
printf '#!/bin/sh\necho "unit: 1 passed, 0 failed"\n' > tree/b/unit
chmod 755 tree/b/unit
cat > tree/tests/cli/sleepy.sh <<'EOF'
sleep 300 &
echo $! > "$MARK/sleeper.pid"
[ -n "${QUICK:-}" ] && { kill $!; exit 0; }
wait
EOF
export MARK="$T" TEST_TMPDIR="$T/tmp"

# interrupt SIG HOW: run.sh started, the sleeper seen, then SIG sent to
# run.sh (HOW=pid) or to its process group (HOW=group)
interrupt() {
	rm -f sleeper.pid run.pid
	# in a process group of its own, with INT not ignored (as a shell
	# leaves it for a command started with &)
	python3 -c '
import os, signal
signal.signal(signal.SIGINT, signal.SIG_DFL)
os.setsid()
open("run.pid", "w").write("%d\n" % os.getpid())
os.execvp("sh", ["sh", "tree/tests/run.sh", "b"])' > run.out 2>&1 &
	i=0
	while [ ! -s sleeper.pid ] || [ ! -s run.pid ]; do
		i=$((i + 1))
		[ $i -lt 100 ] || fail "the case did not start: $(cat run.out)"
		sleep 0.1
	done
	run=$(cat run.pid) sleeper=$(cat sleeper.pid)
	if [ "$2" = group ]; then kill -"$1" "-$run"; else kill -"$1" "$run"; fi
	wait
	i=0
	while kill -0 "$sleeper" 2>/dev/null; do
		i=$((i + 1))
		[ $i -lt 30 ] || { kill "$sleeper"; fail "$1 to the $2:" \
			"the case's sleeper still runs"; }
		sleep 0.1
	done
	check_eq "$(ls tmp)" "" "$1 to the $2: files left"
}
interrupt TERM pid
interrupt INT group

# not interrupted: the summary line, and nothing left
QUICK=1 sh tree/tests/run.sh b > run.out 2>&1 || fail "$(cat run.out)"
check_eq "$(tail -1 run.out)" "2 passed, 0 failed, 0 skipped" "summary"
check_eq "$(ls tmp)" "" "files left after a run"
