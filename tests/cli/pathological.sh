# Hostile input: a 10 MB line, 100,000 fields, NUL bytes, invalid UTF-8,
# a gzip bomb.  Memory stays bounded, each bad line is counted with a
# reason, the good lines around it are counted, and reports stay valid.
. "$TOP/tests/cli/lib.sh"
good='192.0.2.1 - K3yK3yK3.abcdefghijklmnopqrstuvwx [01/Oct/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "curl/8"'
python3 - "$good" <<'PY'
import sys
good = sys.argv[1].encode()
with open("p.log", "wb") as f:
    f.write(good + b"\n")
    f.write(b"x" * (10 * 1024 * 1024) + b"\n")               # 10 MB line
    f.write(good + b"\n")
    f.write(b' "f"' * 100000 + b"\n")                        # 100,000 fields
    f.write(good.replace(b"curl/8", b"cu\0rl") + b"\n")      # NUL in a field
    f.write(b"\0\0\0\n")                                     # only NULs
    f.write(good.replace(b"curl/8", b"\xff\xfe\xc3(\xed\xa0\x80")
            .replace(b"K3yK3yK3", b"OtherKey") + b"\n")
    f.write(good + b"\n")
PY
/usr/bin/time -f '%M' -o mem "$KEYAUDIT" ingest --db p.db --format combined p.log 2>err
cat err
grep -q 'p.log:2: bad line skipped: line longer than 1 MiB' err || fail "10 MB line"
grep -q 'p.log:4: bad line skipped' err || fail "100,000 fields"
grep -q 'p.log:6: bad line skipped' err || fail "NUL line"
check_eq "$(sqlite3 p.db 'SELECT lines, bad FROM files')" "8|3" "lines and bad lines"
check_eq "$(sqlite3 p.db 'SELECT sum(n) FROM counts')" 5 "good lines counted"
[ "$(cat mem)" -lt 81920 ] || fail "memory: $(cat mem) KiB for a 10 MB line"
# invalid UTF-8 stays bytes in CSV, becomes U+FFFD in JSON
"$KEYAUDIT" report migration --db p.db --format json -o m.json
python3 -c 'import json; d = json.load(open("m.json")); assert any("\ufffd" in r["top_user_agent"] for r in d), d' ||
	fail "JSON with invalid UTF-8"
"$KEYAUDIT" report migration --db p.db -o m.csv
python3 -c 'import csv; r = list(csv.reader(open("m.csv", encoding="latin-1", newline=""))); assert len(r) == 3, r' ||
	fail "CSV with invalid UTF-8"

# a gzip bomb: 200 MB of zeros in 200 KB (ratio 1000:1): one overlong
# bad line, bounded memory
{ head -c 200000000 /dev/zero; echo; } | gzip -9 > bomb.gz
ratio=$(( 200000000 / $(stat -c %s bomb.gz) ))
[ $ratio -ge 1000 ] || fail "the bomb is only $ratio:1"
printf '%s\n' "$good" | gzip >> bomb.gz
/usr/bin/time -f '%M' -o mem timeout 120 "$KEYAUDIT" ingest -q --db b.db \
	--format combined bomb.gz
check_eq "$(sqlite3 b.db 'SELECT lines, bad FROM files')" "2|1" "bomb: lines"
check_eq "$(sqlite3 b.db 'SELECT sum(n) FROM counts')" 1 "bomb: the line after it"
[ "$(cat mem)" -lt 81920 ] || fail "memory: $(cat mem) KiB for a gzip bomb"
