# The go/no-go review page renders in headless Chromium: verdict, chart
# with both series and the cutoff marks, the clients table; hostile user
# agents stay text.  The screenshot is kept in tests/out/.
. "$TOP/tests/cli/lib.sh"
command -v chromium >/dev/null || fail "chromium is missing (make deps installs it)"

"$LOGGEN" --layout nginx --lines 20000 --days 14 --seed 8 \
	--key-file test.key -o n.log
# one busy client whose user agent is markup
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 \
	26 27 28 29 30 31 32 33 34 35 36 37 38 39 40 41 42 43 44 45 46 47 48 49 50; do
printf '%s\n' '192.0.2.99 - - [14/Oct/2026:10:00:00 +0000] "GET /api/1.0/me HTTP/1.1" 200 10 "-" "<script>alert(1)</script><img src=x>" "Basic QUJDREVGR0guYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4Og==" "-" "evil-app" "-"' >> n.log
done
"$KEYAUDIT" ingest -q --db p.db --format "$NGINX_FMT" n.log
sed -e 's/^phase reject-without-amnesty .*/& on 2026-10-05/' \
	-e 's/^phase amnesty-ends .*/& on 2026-10-12/' \
	"$TOP/rules/asana-api-keys.rules" > dated.rules
"$KEYAUDIT" rules check dated.rules >/dev/null
expect_exit 1 "$KEYAUDIT" gonogo --db p.db --rules dated.rules \
	--html page.html > verdict
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x&gt;' page.html ||
	fail "the hostile agent is not on the page, escaped"
! grep -q '<script\|<img' page.html || fail "markup from a log got in"

ud=$T/chromium-profile
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--user-data-dir=$ud"
timeout 120 chromium $flags --dump-dom "file://$T/page.html" > dom.html 2>/dev/null
python3 - dom.html <<'PY' || fail "page content"
import sys, html.parser
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(); self.tags = []; self.texts = []
    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
    def handle_data(self, d):
        self.texts.append(d)
p = P(); p.feed(open(sys.argv[1]).read())
tags = p.tags
text = " ".join(p.texts)
assert any(t == "svg" and a.get("id") == "chart" for t, a in tags), "no chart"
lines = [a for t, a in tags if t == "polyline"]
assert {a.get("class") for a in lines} == {"legacy", "amnesty"}, lines
for a in lines:
    assert len(a["points"].split()) == 14, "one point per day"
cut = [a for t, a in tags if t == "line" and a.get("class") == "cutoff"]
assert len(cut) == 3, f"two planned cutoffs and the verdict's day: {len(cut)}"
assert "reject-without-amnesty" in text and "amnesty-ends" in text
rows = [t for t, a in tags if t == "tr"]
assert len(rows) > 20, "clients table"
assert "NO-GO" in text
assert not any(t == "script" for t, a in tags), "a script got in"
# self-contained: nothing to load
assert not any(k in ("src", "href") for t, a in tags for k in a), "a link"
assert not any(t in ("link", "iframe", "object") for t, a in tags)
assert "url(" not in open(sys.argv[1]).read().split("</style>")[0]
assert "<script>alert(1)</script>" in text, "the hostile agent shows as text"
PY
mkdir -p "$TOP/tests/out"
timeout 120 chromium $flags --window-size=1000,1250 \
	--screenshot="$TOP/tests/out/gonogo-$BUILD.png" "file://$T/page.html" \
	>/dev/null 2>&1
[ -s "$TOP/tests/out/gonogo-$BUILD.png" ] || fail "no screenshot"
