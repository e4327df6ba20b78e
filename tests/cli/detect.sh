# Auto-detection that is not sure does not count: a log whose lines
# carry quoted fields after the combined layout is skipped, nothing of
# it counted or marked read, named with the --format to give, exit 1;
# with that format it is then read whole.  A given nginx format that
# leaves unquoted what the log quotes is skipped the same way.
. "$TOP/tests/cli/lib.sh"
"$LOGGEN" --layout nginx --lines 2000 --seed 9 --key-file test.key -o n.log
expect_exit 1 "$KEYAUDIT" ingest -q --db a.db n.log 2> err
want="n.log: skipped, nothing counted: its lines have 4 fields after the combined layout, which auto-detection cannot place; give the log's format, with the names its nginx log_format gives them: --format 'nginx:\$remote_addr - \$remote_user [\$time_local] \"\$request\" \$status \$body_bytes_sent \"\$http_referer\" \"\$http_user_agent\" \"\$http_authorization\" \"\$field_2\" \"\$field_3\" \"\$field_4\"'"
grep -Fq "$want" err || { cat err; fail "the suggestion"; }
check_eq "$(sqlite3 a.db 'SELECT count(*) FROM files')" 0 "marked read"
check_eq "$(sqlite3 a.db 'SELECT count(*) FROM counts')" 0 "counted"
# the suggestion, its placeholders named as nginx.conf names them, reads
# it all
fmt=$(sed -n "s/.*--format '\(.*\)'\$/\1/p" err | sed \
	-e 's/\$field_2/$http_asana_amnesty_api_key/' \
	-e 's/\$field_3/$http_x_client_id/' -e 's/\$field_4/$http_cookie/')
check_eq "$fmt" "$NGINX_FMT" "the suggestion, named"
"$KEYAUDIT" ingest -q --db a.db --format "$fmt" n.log
db_counts a.db > got.csv
check_files got.csv n.log.counts.csv "read whole with the suggested format"

# a given format that leaves the quoted headers unquoted
unq=$(printf '%s' "$NGINX_FMT" | sed 's/"\$http_authorization"/$http_authorization/')
expect_exit 1 "$KEYAUDIT" ingest -q --db b.db --format "$unq" n.log 2> err
grep -Fq 'n.log: skipped, nothing counted: the log has $http_authorization in double quotes and the format does not; give "$http_authorization" in --format' err ||
	{ cat err; fail "the unquoted variable"; }
check_eq "$(sqlite3 b.db 'SELECT count(*) FROM files')" 0 "marked read"
