# Each batch's rows go into the rollups in the transaction that writes
# them as detail: while a run is still reading (its input held open),
# every committed line is in the rollups already and no file has detail
# waiting (files.rolled = lines); a kill -9 then leaves nothing for a
# later run to add.  Before, a run added its detail into the rollups
# only at its end.
. "$TOP/tests/cli/lib.sh"

"$LOGGEN" --layout nginx --lines 10000 --seed 31 --key-file test.key -o all.log
mkfifo feed
"$KEYAUDIT" ingest -q --db t.db --commit-every 1000 --format "$NGINX_FMT" \
	- < feed &
pid=$!
exec 3> feed
# 9,500 lines (2.7 MB: the reader hands on decompressed 1 MiB chunks)
head -n 9500 all.log >&3
# wait until 2,000 lines are committed (a commit every 1,000; the last
# 500 stay in the batch being filled)
i=0
until [ "$(sqlite3 t.db 'SELECT coalesce(max(lines), 0) FROM files' \
	2>/dev/null || echo 0)" -ge 2000 ]; do
	i=$((i + 1))
	[ $i -le 600 ] || { kill -9 $pid; fail "no commit of 2,000 lines in 60 s"; }
	sleep 0.1
done
kill -9 $pid
wait $pid 2>/dev/null || true
exec 3>&-

check_eq "$(sqlite3 t.db "SELECT count(*), sum(rolled = lines)
	FROM files WHERE detail = 1")" "1|1" "the file's detail is all rolled up"
lines=$(sqlite3 t.db "SELECT lines - bad FROM files")
check_eq "$(sqlite3 t.db "SELECT sum(n) FROM rollup_counts")" "$lines" \
	"the rollups hold every committed line"
check_eq "$(sqlite3 t.db "SELECT sum(n) FROM file_counts")" "$lines" \
	"the detail holds them too"
check_eq "$(sqlite3 t.db "SELECT sum(n) FROM counts")" "$lines" \
	"the reports count them once"
for t in agents creds cred_agents routes hours; do
	check_eq "$(sqlite3 t.db "SELECT sum(n) FROM rollup_$t")" \
		"$(sqlite3 t.db "SELECT sum(n) FROM file_$t")" \
		"$t: the rollups equal the detail"
done
