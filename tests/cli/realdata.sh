# Every file of the shared real-data samples (../shared/realdata, see
# its SOURCES.md), each into a database of its own with the default
# threshold: the requests counted and the bad lines of each are written
# below.  They were worked out from the files themselves (line counts,
# and for the combined, common and JSON ones a separate parser; see the
# commit), not copied from keyaudit.  A file that is no access log, or
# is mostly bad lines, or a broken gzip, is skipped and named, exit 1;
# its counts with --max-bad 100 follow "skip" where it has any.
. "$TOP/tests/cli/lib.sh"
R="$TOP/../shared/realdata"
[ -d "$R" ] || { echo "no $R"; exit 77; }
# every line here is in the past; fix now, for the same result later
export KEYAUDIT_NOW=4102444800

# Formats auto cannot tell (as tests/cli/formats.sh has them).
sl='regex:^\w{3} +\d+ [\d:]+ \S+ [^:]+: (?<remote_addr>\S+) \S+ (?<remote_user>\S+) \[(?<time_local>[^]]+)\] "(?<request>[^"]*)" (?<status>\d{3}) \S+ "[^"]*" "(?<http_user_agent>[^"]*)"$'
npm='nginx:[$time_local] $upstream_cache_status $upstream_status $status - $request_method $scheme $host "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] "$http_user_agent" "$http_referer"'
ssl='nginx:[$time_local] $remote_addr $ssl_protocol $ssl_cipher "$request" $body_bytes_sent'

# FILE FORMAT ("-" for auto) REQUESTS BAD, or FILE FORMAT skip [REQUESTS
# BAD] (the counts with --max-bad 100, when it is an access log at all),
# or FILE FORMAT errorlog (a web server's error log: "not an access log,
# skipped", exit 0).  Traefik's CLF has fields after the combined ones:
# auto is not sure of it (tests/cli/formats.sh), combined reads it; so
# for the nginx "main" layout of the shop logs ("$http_x_forwarded_for").
cat > table <<'TABLE'
awsdocs/s3-userguide_LogFormat-example-records.log - 5 0
crowdsec-hub/apache-http-probing__apache-http-probing.log - 77 0
crowdsec-hub/apache2-http-sensitive-files__apache2-http-sensitive-files.log - 13 0
crowdsec-hub/apache2-logs__apache2-logs.log - 5 4
crowdsec-hub/apache2-malformed__apache2-logs.log - 11 0
crowdsec-hub/apache_log4j2_cve-2021-44228__apache_log4j2_cve-2021-44228.log - 3 2
crowdsec-hub/aws-alb-http-bad-user-agent__aws-alb-http-bad-user-agent.log - 4 0
crowdsec-hub/aws-alb-logs__aws-alb-logs.log - 14 0
crowdsec-hub/aws-cloudfront-logs__aws-cloudfront-logs.log - 1 0
crowdsec-hub/bunkerweb-http-malformed__bunkerweb-http-malformed.log - skip 5 8
crowdsec-hub/caddy-basic-auth-bf__caddy-logs.log - 6 0
crowdsec-hub/caddy-logs__caddy-logs.log - 11 1
crowdsec-hub/envoy-http-crawl-non_statics__envoy-http-crawl-non_statics.log - 41 0
crowdsec-hub/envoy-logs__envoy.log - 6 3
crowdsec-hub/gitlab-bf__gitlab-bf.log - 17 0
crowdsec-hub/http-bf-wordpress-bf__http-bf-wordpress-bf.log $sl 9 1
crowdsec-hub/http-dos-bypass-cache__http_dos_bypass_cache.log - 355 0
crowdsec-hub/http-dos-bypass-cache__http_dos_bypass_cache.log.gz - 356 0
crowdsec-hub/http-dos-invalid-http-versions__http-dos-invalid-http-versions.log - 6 0
crowdsec-hub/http-dos-random-uri__http_dos_random_uri.log - 66 0
crowdsec-hub/http-dos-switching-ua__http-dos-switching-ua.log - 15 0
crowdsec-hub/http-wordpress_user-enum__http-wordpress_user-enum.log - 12 0
crowdsec-hub/nginx-bad-user-agent__nginx-bad-user-agent.log - 2 0
crowdsec-hub/nginx-http-generic-bf__nginx-http-generic-bf.log combined errorlog
crowdsec-hub/nginx-http-malformed__nginx_http-logs.log - 11 0
crowdsec-hub/nginx-http-path-traversal__nginx-http-path-traversal.log - 9 0
crowdsec-hub/nginx-http-sqli-probing__nginx-http-sqli-probing.log - 16 0
crowdsec-hub/nginx-http-xss-probing__nginx-http-xss-probing.log - 26 0
crowdsec-hub/nginx-proxy-manager-logs__nginx-proxy-manager-logs.log $npm skip 6 7
crowdsec-hub/nginx-proxy-manager-malformed__nginx_http-logs.log - 11 0
crowdsec-hub/nginx_http-logs__nginx_http-logs.log - skip 4 5
crowdsec-hub/traefik_base-http-scenario__traefik_base-http-scenario.log - 80 0
crowdsec-hub/traefik_base-http-scenario__traefik_base-http-scenario.log.gz - 80 0
crowdsec-hub/traefik_clf__traefik_clf.log combined 7 2
crowdsec-hub/traefik_json__traefik_json.log - 5 1
elastic-beats-xpack/aws-elb__application-lb-http.log - 10 1
elastic-beats-xpack/aws-elb__example-http.log - 2 1
elastic-beats-xpack/aws-s3access__s3_server_access.log - 5 0
elastic-beats/apache-access__darwin-2.4.23.log - 6 0
elastic-beats/apache-access__ssl-request.log $ssl 2 0
elastic-beats/apache-access__test-vhost.log - 0 0
elastic-beats/apache-access__test.log - 6 1
elastic-beats/nginx-access__access.log - 12 1
elastic-beats/nginx-access__test-with-host.log - 10 0
elastic-beats/nginx-access__test.log - 7 0
elastic-integrations/apache-access__test-access-basic.log - 15 1
elastic-integrations/aws-cloudfront_logs__test-cloudfront.log - 12 0
elastic-integrations/aws-elb_logs__test-alb.log alb skip 2 7
elastic-integrations/aws-s3access__test-s3-server-access.log - 10 0
elastic-integrations/nginx-access__test-access.log - 12 2
elastic-integrations/traefik-access__test-format-json.log - 7 0
lnav/access_log - 2492 0
lnav/access_log.gz - 2492 0
lnav/formats-access_log-samples.log - skip 4 5
lnav/formats-alb_log-samples.log - 5 0
lnav/formats-elb_log-samples.log - 5 0
lnav/formats-s3_log-samples.log - 2 0
lnav/logfile_access_log.0 - 3 0
lnav/logfile_access_log.1 - 1 0
lnav/logfile_bad_access_log.0 - 2 1
lnav/logfile_cloudflare.1 - 15 0
lnav/logfile_cloudflare.json - 1 0
lnav/logfile_invalid_json.json - skip
lnav/logfile_invalid_json2.json - skip
lnav/logfile_json_invalid.json - skip
lnav/logfile_regexp_access_log.0 - 2 0
lnav/logfile_shop_access_log.0 combined 1000 0
lnav/logfile_shop_access_log.0.gz combined 1000 0
lnav/logfile_syslog_with_access_log.0 combined skip 0 5
lnav/textfile_broken_gz.txt.gz - skip
TABLE

requests_bad() {
	sqlite3 "$1" "SELECT (SELECT coalesce(sum(n), 0) FROM counts) || ' ' ||
		(SELECT coalesce(sum(bad), 0) FROM files)"
}

# ingest FILE FORMAT DB [OPTION...]: ingest -q, stderr in err
ingest() {
	file=$1 fmt=$2 db=$3
	shift 3
	case $fmt in
	-) set -- "$@" ;;
	\$*) eval "set -- \"\$@\" --format \"\${${fmt#\$}}\"" ;;
	*) set -- "$@" --format "$fmt" ;;
	esac
	"$KEYAUDIT" ingest -q --db "$db" "$@" "$R/$file" 2>err
}

n=0
: > tested
while read -r f fmt c1 c2 c3; do
	n=$((n + 1))
	echo "$f" >> tested
	if [ "$c1" = errorlog ]; then
		"$KEYAUDIT" ingest --db e$n.db --format "$fmt" "$R/$f" 2>err ||
			fail "$f: an error log changes the exit status"
		grep -q "^keyaudit: $R/$f: not an access log" err ||
			{ cat err; fail "$f: not named as an error log"; }
		check_eq "$(requests_bad e$n.db)" "0 0" "$f: nothing counted"
		continue
	fi
	if [ "$c1" = skip ]; then
		expect_exit 1 ingest "$f" "$fmt" s$n.db
		grep -q "^keyaudit: $R/$f: " err || fail "$f: not named"
		grep -q "skipped\|corrupt gzip" err || fail "$f: no reason"
		check_eq "$(requests_bad s$n.db)" "0 0" "$f: nothing counted"
		[ -n "$c2" ] || continue
		expect_exit 0 ingest "$f" "$fmt" m$n.db --max-bad 100
		check_eq "$(requests_bad m$n.db)" "$c2 $c3" \
			"$f with --max-bad 100: requests, bad"
		continue
	fi
	expect_exit 0 ingest "$f" "$fmt" d$n.db
	check_eq "$(requests_bad d$n.db)" "$c1 $c2" "$f: requests, bad"
done < table

# every file of the samples is in the table
(cd "$R" && find . -type f ! -name '*.md' ! -name 'LICENSE*' |
	sed 's|^\./||' | sort) > all
sort tested > tested.sorted
check_files tested.sorted all "every sample is in the table"

# all directories at once, with auto: the files auto cannot tell and
# those mostly bad are named and skipped; the others are read
set --
for d in "$R"/*/; do set -- "$@" "${d%/}"; done
expect_exit 1 "$KEYAUDIT" ingest -q --db all.db "$@" 2>err
for f in lnav/logfile_invalid_json.json lnav/textfile_broken_gz.txt.gz \
	crowdsec-hub/nginx_http-logs__nginx_http-logs.log; do
	grep -q "^keyaudit: $R/$f: " err || fail "all at once: $f not named"
done
grep -q "lnav/access_log:" err && fail "all at once: a good file named"
true
