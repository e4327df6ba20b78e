"""Write a small nginx log (the layout of tests/cli/lib.sh's NGINX_FMT)
from a plan on stdin, one line a client and stretch of days:

    WHO CLASS FIRST LAST PER_DAY [STATUS [ADDR [AGENT [CLIENT_ID]]]]

CLASS is api_key (Basic, a key of WHO), pat (Bearer, a token of WHO) or
none; days are counted from 2026-09-01; STATUS defaults to 200, ADDR to
192.0.2.1, AGENT to "agent-WHO", CLIENT_ID to WHO ('-': none)."""
import base64
import datetime
import hashlib
import sys

MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
       "Nov", "Dec"]
START = datetime.date(2026, 9, 1)


def auth(cls, who):
    if cls == "api_key":
        key = "key-%s-0123456789" % who
        return "Basic " + base64.b64encode((key + ":").encode()).decode()
    if cls == "pat":
        return "Bearer 1/1234567890123456:" + hashlib.md5(
            who.encode()).hexdigest()
    return "-"


def main():
    out = []
    for line in sys.stdin:
        w = line.split()
        if not w or w[0].startswith("#"):
            continue
        w += [None] * (9 - len(w))
        who, cls, first, last, per = w[0], w[1], int(w[2]), int(w[3]), \
            int(w[4])
        status = int(w[5] or 200)
        addr = w[6] or "192.0.2.1"
        agent = w[7] or "agent-" + who
        cid = w[8] or who
        for d in range(first, last + 1):
            day = START + datetime.timedelta(days=d)
            for i in range(per):
                t = "%02d/%s/%d:%02d:%02d:00 +0000" % (
                    day.day, MON[day.month - 1], day.year, (i * 5) % 24,
                    i % 60)
                out.append((day, i, '%s - - [%s] "GET /api/1.0/users/me '
                            'HTTP/1.1" %d 10 "-" "%s" "%s" "-" "%s" "-"' % (
                                addr, t, status, agent, auth(cls, who),
                                cid)))
    out.sort(key=lambda o: (o[0], (o[1] * 5) % 24, o[1] % 60))
    sys.stdout.write("".join(o[2] + "\n" for o in out))


main()
