# The go/no-go review page renders in headless Chromium: the verdict,
# dated charts with the planned cutoffs and the as-of day, class shares,
# newly and already refused, the clients with owners and decoded user
# agents, dormant clients, brownouts, the forecast; hostile user agents
# stay text.  The screenshot is kept in docs/gonogo.png.
. "$TOP/tests/cli/lib.sh"
command -v chromium >/dev/null || {
	echo "skip: chromium is missing (Debian package chromium)" >&2
	exit 77
}
O="python3 $TOP/tests/scripts/oracle.py"
. "$TOP/tests/scripts/gonogo_hourly.sh"

$O case c
# one busy client whose user agent is markup
i=0
while [ $i -lt 50 ]; do
	printf '%s\n' '192.0.2.99 - - [30/Oct/2026:10:00:00 +0000] "GET /api/1.0/me HTTP/1.1" 200 10 "-" "<script>alert(1)</script><img src=x>" "Basic QUJDREVGR0guYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4Og==" "-" "evil-app" "-"' >> c.log
	i=$((i + 1))
done
"$KEYAUDIT" ingest -q --db p.db --format "$NGINX_FMT" c.log
hourly_table p.db
sed -e 's/^phase reject-without-amnesty .*/& on 2026-11-16/' \
	-e 's/^phase amnesty-ends .*/& on 2026-12-01/' \
	"$TOP/rules/asana-api-keys.rules" > dated.rules
"$KEYAUDIT" rules check dated.rules >/dev/null
sed 's/^phase amnesty-ends .*/& on 2026-13-45/' "$TOP/rules/asana-api-keys.rules" \
	> bad.rules
expect_exit 2 "$KEYAUDIT" rules check bad.rules 2>err
grep -q "bad.rules:[0-9]*: '2026-13-45' is not a day of the calendar" err ||
	fail "a malformed phase day"
printf 'client,owner\nsteady,Team Steady <steady@example.com>\nmonthly,Billing & Co\n' > reg.csv
expect_exit 1 "$KEYAUDIT" gonogo --db p.db --rules dated.rules \
	--registry reg.csv --brownout '2026-10-16 08:00-20:00' \
	--html page.html > verdict
grep -q '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x&gt;' page.html ||
	fail "the hostile agent is not on the page, escaped"
! grep -q '<script\|<img' page.html || fail "markup from a log got in"
! grep -q '\\x22' page.html || fail "a user agent is not decoded"
! grep -q '[^0-9]0 days before' page.html || fail "0 days before"

ud=$T/chromium-profile
flags="--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
	--disable-background-networking --disable-component-update --disable-sync
	--user-data-dir=$ud"
timeout 120 chromium $flags --dump-dom "file://$T/page.html" > dom.html 2>/dev/null
$O gonogo c.counts.csv reject-without-amnesty 2026-10-17 2026-10-30 |
	tail -1 > want.total
$O dormant c.counts.csv reject-without-amnesty 2026-06-19 2026-10-17 \
	2026-10-30 > want.dormant
python3 - dom.html want.total want.dormant <<'PY' || fail "page content"
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
text = " ".join("".join(p.texts).split())
words = " ".join(" ".join(p.texts).split())
total, new, old = (int(v) for v in open(sys.argv[2]).read().split(","))
# the evil app's 50 requests are newly refused as well
total += 50; new += 50
svgs = [a.get("id") for t, a in tags if t == "svg"]
assert svgs == ["chart", "clients-chart"], svgs
lines = [a for t, a in tags if t == "polyline"]
assert {a.get("class") for a in lines} == {
    "legacy", "amnesty", "refused434", "legacy-clients",
    "breaking-clients"}, lines
for a in lines:
    assert len(a["points"].split()) == 60, "one point per day"
cut = [a for t, a in tags if t == "line" and a.get("class") == "cutoff"]
assert len(cut) == 6, f"two planned cutoffs and the as-of day, twice: {len(cut)}"
ticks = [a for t, a in tags if t == "text" and a.get("class") == "tick"]
assert len(ticks) >= 5, "dated ticks"
assert "2026-09-01" in text and "2026-09-15" in text, "tick dates"
assert "As of 2026-10-30" in text, "the as-of day"
assert "phase reject-without-amnesty on 2026-11-16, 17 days after the as-of day" in text
assert "phase amnesty-ends on 2026-12-01, 32 days after the as-of day" in text
assert "NO-GO" in text
fmt = lambda v: f"{v:,}"
assert f"{fmt(new)} of {fmt(total)} requests" in text, (new, total)
assert f"{fmt(old)} requests are refused (434) already" in text
for cls in ("api_key", "pat", "none", "hidden", "unknown"):
    assert f" {cls} " in f" {words} ", cls
assert "Team Steady <steady@example.com>" in text, "owner"
assert "Billing & Co" in text, "owner of a dormant client"
assert 'agent "steady" <b>' in text, "user agent decoded"
assert "on the window's last day" in text and "9 days before its end" in text
for row in open(sys.argv[3]).read().split():
    c, last, period, nxt = row.split(",")
    assert f"{last} every ~{period} days, next expected ~{nxt}" in words, row
assert "Replayed on 2026-10-16" in text, "brownout"
assert "A projection, not a verdict." in text
assert not any(t == "script" for t, a in tags), "a script got in"
# self-contained: nothing to load
assert not any(k in ("src", "href") for t, a in tags for k in a), "a link"
assert not any(t in ("link", "iframe", "object") for t, a in tags)
assert "url(" not in open(sys.argv[1]).read().split("</style>")[0]
assert "<script>alert(1)</script><img src=x>" in text, "the hostile agent shows as text"
PY
mkdir -p "$TOP/docs"
timeout 120 chromium $flags --window-size=1000,2600 \
	--screenshot="$T/gonogo.png" "file://$T/page.html" >/dev/null 2>&1
[ -s "$T/gonogo.png" ] || fail "no screenshot"
cp "$T/gonogo.png" "$TOP/docs/gonogo.png"
