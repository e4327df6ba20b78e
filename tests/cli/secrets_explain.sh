# rules explain redacts by name and by shape: a field whose name says
# credential (key, token, secret, password, auth, session, cookie,
# signature; any case, _ - . ignored) is shown as <secret, N bytes,
# fp:...> whether a rule reads it or not, however short its value; query
# parameters in request, request_uri and http_referer are scrubbed by
# name after URL-decoding and a form's bracket nesting.
. "$TOP/tests/cli/lib.sh"
F='nginx:$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_api_key" "$cookie_sessionid" "$http_X_Auth_Token" "$http_cookie" "$http_x_signature" "$http_x_client_id" "$http_x_trace"'
q='user[password]=hunt01&client%5Bsecret%5D=hunt02&a[b][api_key]=hunt03'
q="$q&access%5Ftoken=hunt04&pass%77ord=hunt05&pw[]=hunt06&q=plain1"
r='https://x.example/?user%5Bpassword%5D=hunt07&sig=hunt08&x=plain2'
echo "192.0.2.1 - - [05/Jan/2026:10:00:00 +0000] \"GET /a?$q HTTP/1.1\" 200 5 \"$r\" \"curl/8\" \"hunt09\" \"hunt10\" \"hunt11\" \"theme=hunt12\" \"hunt13\" \"acme-01\" \"plain3\"" > e.log
"$KEYAUDIT" rules explain --format "$F" e.log > out 2>err
for i in 01 02 03 04 05 06 07 08 09 10 11 12 13; do
	! grep -q "hunt$i" out err || { grep "hunt$i" out >&2; fail "hunt$i shown"; }
done
for f in http_x_api_key cookie_sessionid http_X_Auth_Token http_x_signature; do
	grep -q "^  field $f = <secret, 6 bytes, fp:[0-9a-f]\{16\}>$" out ||
		{ cat out >&2; fail "$f not redacted by its name"; }
done
grep -q "^  field http_cookie = <secret, 12 bytes, fp:" out ||
	fail "http_cookie not redacted by its name"
# what is not a credential is shown
for v in plain1 plain2 plain3 acme-01 curl/8 192.0.2.1; do
	grep -q "$v" out || fail "$v not shown"
done
grep -q '^  field request_uri = "/a?user\[password\]=fp:[0-9a-f]\{16\}&client%5Bsecret%5D=fp:' out ||
	{ grep request_uri out >&2; fail "request_uri's parameters"; }
