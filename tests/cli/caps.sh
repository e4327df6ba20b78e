# The caps a batch puts on a client's day: ROUTES_CAP (16) routes, the
# rest counted under {other}, and, of a client named after its
# credential, ORIGINS_CAP (2) origins, the rest under none.  The first
# request of a route or an origin decides for all of its requests in the
# batch, whatever their status or hour: a route kept stays kept, one
# past the cap stays {other}.
. "$TOP/tests/cli/lib.sh"

python3 - > c.log <<'PY'
import base64, hashlib
basic = "Basic " + base64.b64encode(b"key-acme-0123456789:").decode()
pat = "Bearer 1/1234567890123456:" + hashlib.md5(b"solo").hexdigest()
sec = 0
def line(addr, path, status, agent, auth, cid):
    global sec
    sec += 97
    t = "02/Sep/2026:%02d:%02d:%02d +0000" % (sec // 3600, sec // 60 % 60,
                                             sec % 60)
    print('%s - - [%s] "GET %s HTTP/1.1" %d 10 "-" "%s" "%s" "-" "%s" "-"'
          % (addr, t, path, status, agent, auth, cid))
# acme's key calls routes r01..r20 once, then each again, failing
for status in (200, 500):
    for r in range(1, 21):
        line("192.0.2.7", "/api/1.0/r%02d" % r, status, "agent-acme",
             basic, "acme")
# solo's PAT (its own client) from three addresses, then the first again
for a, n, status in ((1, 5, 200), (2, 6, 200), (3, 7, 200), (1, 4, 401)):
    for i in range(n):
        line("198.51.100.%d" % a, "/api/1.0/users/me", status,
             "agent-solo", pat, "-")
PY
"$KEYAUDIT" ingest -q --db c.db --format "$NGINX_FMT" c.log
routes=$(sqlite3 c.db "SELECT route, sum(n) FROM routes GROUP BY 1
	ORDER BY 1" | tr '\n' ' ')
want=""
for r in 01 02 03 04 05 06 07 08 09 10 11 12 13 14 15 16; do
	want="$want/api/1.0/r$r|2 "
done
check_eq "$routes" "$want{other}|8 " "16 routes a day, the rest {other}"
origins=$(sqlite3 c.db "SELECT origin <> 0, sum(n) FROM origins
	WHERE client LIKE 'fp:%' GROUP BY origin ORDER BY 2" | tr '\n' ' ')
check_eq "$origins" "1|6 0|7 1|9 " "2 origins a day, the rest none"
check_eq "$(sqlite3 c.db "SELECT count(DISTINCT origin) FROM origins
	WHERE origin <> 0")" 2 "two origins kept"

# the caps are a batch's: with a commit every 10 lines the sums stay
# whole
"$KEYAUDIT" ingest -q --commit-every 10 --db s.db --format "$NGINX_FMT" c.log
check_eq "$(sqlite3 s.db "SELECT sum(n) FROM routes")" 40 "routes' sum"
check_eq "$(sqlite3 s.db "SELECT sum(n) FROM origins")" 22 "origins' sum"
