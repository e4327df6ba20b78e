# Every line counted once: stdin cut mid-line and an overlong line
# without its newline wait for their end; impossible and future times
# are bad lines; a PAT logged whole as the user name is a PAT; a secret
# across the agent's cut leaves no raw prefix.
. "$TOP/tests/cli/lib.sh"

line() { # line N USER [AGENT]: a combined line on 2026-10-10
	printf '192.0.2.%d - %s [10/Oct/2026:13:55:%02d +0000] "GET /x%d HTTP/1.1" 200 5 "-" "%s"\n' \
		"$1" "$2" "$1" "$1" "${3:-curl/8}"
}
requests() {
	sqlite3 "$1" "SELECT coalesce(sum(n), 0) FROM counts"
}
# "now" for the future check: 2027-01-15, after every line here
KEYAUDIT_NOW=1800000000
export KEYAUDIT_NOW

# 5: stdin cut in the middle of its third line, then the whole log
for i in 1 2 3; do line $i -; done > three.log
cut=$(($(head -2 three.log | wc -c) + 20))
head -c $cut three.log | "$KEYAUDIT" ingest -q --db s.db -
check_eq "$(sqlite3 s.db 'SELECT lines FROM files')" 2 "the cut line waits"
"$KEYAUDIT" ingest -q --db s.db - < three.log
check_eq "$(requests s.db)" 3 "stdin cut mid-line, then whole"

# 9: an overlong last line without its newline, finished later
for i in $(seq 1 50); do line $((i % 200)) -; done > big.log
head -c 1572864 /dev/zero | tr '\0' x >> big.log
"$KEYAUDIT" ingest -q --db o.db big.log
check_eq "$(sqlite3 o.db 'SELECT lines, bad FROM files')" "50|0" \
	"an unfinished overlong line is not counted yet"
{ echo; line 7 -; } >> big.log
"$KEYAUDIT" ingest -q --db o.db big.log
check_eq "$(sqlite3 o.db 'SELECT lines, bad FROM files')" "52|1" \
	"counted once, as one bad line, once finished"

# 11: impossible times are bad lines, impossible days bad options
{
	for i in 1 2 3 4 5 6 7; do line $i -; done
	line 8 - | sed 's|10/Oct/2026|30/Feb/2026|'
	line 9 - | sed 's|+0000|+2359|'
	line 10 - | sed 's|10/Oct/2026|10/Oct/0000|'
} > times.log
"$KEYAUDIT" ingest -q --db t.db times.log
check_eq "$(sqlite3 t.db 'SELECT lines, bad FROM files')" "10|3" \
	"Feb 30, +2359 and the year 0000 are bad lines"
check_eq "$(sqlite3 t.db "SELECT count(*) FROM counts WHERE day LIKE '2026-03%'")" 0 \
	"Feb 30 is not March 2"
expect_exit 2 "$KEYAUDIT" report daily --db t.db --until 2026-02-30 2>/dev/null
expect_exit 2 "$KEYAUDIT" report daily --db t.db --since 2026-02-29 2>/dev/null
expect_exit 2 "$KEYAUDIT" gonogo --db t.db --as-of 2026-04-31 2>/dev/null
expect_exit 0 "$KEYAUDIT" report daily --db t.db --since 2024-02-29 >/dev/null

# 15: lines dated beyond now and an hour wait for a later run
now=$(TZ=UTC date -d '2026-10-10 13:00:00' +%s)
for i in 1 2 3 4 5 6 7 8 9 10; do line $i -; done > future.log
sed 's|13:55|14:55|' future.log | head -2 >> future.log
expect_exit 1 env KEYAUDIT_NOW=$now "$KEYAUDIT" ingest --db f.db \
	future.log 2>err
check_eq "$(sqlite3 f.db 'SELECT lines, bad FROM files')" "10|0" \
	"two lines two hours ahead wait"
check_eq "$(grep -c 'future.log:11: dated more than 3600 s after' err)" 1 \
	"said once"
expect_exit 2 env KEYAUDIT_NOW=soon "$KEYAUDIT" ingest -q --db f2.db \
	future.log 2>/dev/null

# 10: a v1 PAT logged whole as the user name is a PAT
pat=1/1234567890123456:0123456789abcdef0123456789abcdef
{ line 1 "$pat"; line 2 "1/1234567890123456"; line 3 "k3yk3yk3y"; } > user.log
"$KEYAUDIT" ingest -q --db u.db user.log
check_eq "$(sqlite3 u.db 'SELECT class, sum(n) FROM counts GROUP BY 1 ORDER BY 1' | tr '\n' ' ')" \
	"api_key|1 pat|2 " "the whole PAT in remote_user"

# 8: an API-key request whose agent holds a secret across byte 512
secret=Zq9aB3dE5fG7hJ1kL3mN5pQ7rS9tU1vW3xY5z7Q
agent="$(head -c 499 /dev/zero | tr '\0' a) $secret end"
line 1 k3yk3yk3y "$agent" > agent.log
"$KEYAUDIT" ingest -q --db g.db agent.log
check_eq "$(sqlite3 g.db "SELECT count(*) FROM agents WHERE instr(agent, 'Zq9aB3') > 0")" 0 \
	"no raw prefix of the secret is kept"
# the secret's mark would end past byte 512: it is left out whole
check_eq "$(sqlite3 g.db "SELECT length(agent) FROM agents")" 500 \
	"the agent is cut before the mark that does not fit"
