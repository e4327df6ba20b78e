# Identity that looks at content, not padding: a writer that does not
# append (app > app.log) leaves, after a copytruncate, a file that
# begins with a hole of NUL bytes as long as what it had written.  Such
# files are told apart by what follows the hole; one that grows, or is
# rotated, is still the same file; the first line after the hole counts.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 600 --days 1 --seed 21 --start 2026-11-01 \
	--damage 0 --key-file test.key -o a.log
n() { sqlite3 "$1" "SELECT coalesce(sum(n), 0) FROM counts"; }
# three files of 120 lines, each after a hole of thousands of NULs
python3 - <<'PY'
lines = open("a.log", "rb").read().split(b"\n")[:-1]
for i, hole in enumerate((5000, 9000, 13000)):
    with open(f"h{i}.log", "wb") as f:
        f.write(b"\0" * hole + b"".join(l + b"\n" for l in lines[120 * i:120 * (i + 1)]))
PY
"$KEYAUDIT" ingest -q --db h.db --format "$NGINX_FMT" h0.log h1.log h2.log
check_eq "$(n h.db)" 360 "three files after holes"
check_eq "$(sqlite3 h.db "SELECT count(*) FROM files")" 3 "three files known"
# nights of copytruncate with a writer at its own offset: the file
# rotated is known, the one regrown after its hole is new, and grows
mkdir logs
python3 - <<'PY'
import os
lines = open("a.log", "rb").read().split(b"\n")[:-1]
text = lambda a, b: b"".join(l + b"\n" for l in lines[a:b])
open("logs/app.log", "wb").write(text(0, 100))
# the writer's offset, kept between the steps
open("offset", "w").write(str(len(text(0, 100))))
PY
night() { "$KEYAUDIT" ingest -q --db c.db --format "$NGINX_FMT" logs; }
write() { # A B: the writer writes lines A..B at its offset
	python3 - "$1" "$2" <<'PY'
import os, sys
a, b = int(sys.argv[1]), int(sys.argv[2])
lines = open("a.log", "rb").read().split(b"\n")[:-1]
data = b"".join(l + b"\n" for l in lines[a:b])
off = int(open("offset").read())
fd = os.open("logs/app.log", os.O_WRONLY)
os.pwrite(fd, data, off)
os.close(fd)
open("offset", "w").write(str(off + len(data)))
PY
}
copytruncate() {
	[ -e logs/app.log.1 ] && mv logs/app.log.1 logs/app.log.2
	cp logs/app.log logs/app.log.1
	: > logs/app.log
}
night
copytruncate
write 100 200
night
check_eq "$(n c.db)" 200 "night 2: the file after its hole"
write 200 260
night
check_eq "$(n c.db)" 260 "night 3: the file grown after its hole"
copytruncate
write 260 400
night
check_eq "$(n c.db)" 400 "night 4: rotated, truncated again"
check_eq "$(sqlite3 c.db "SELECT count(*) FROM files")" 3 "three files"
