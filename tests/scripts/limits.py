"""Write logs in every format with a secret planted across every limit
of every stored text field, and the secrets, for
tests/cli/secrets_limits.sh.

A stored field is cut to a limit: a client id at 256 bytes, an address
at 251 (after "addr:"), a user agent at 512, a route at 256 (and its
template at 511).  Each line plants one 40-character secret in one
field so that it starts 1 to 39 bytes before a limit: what comes
before the cut is too short to look like a secret on its own.

usage: limits.py   (writes lim-FORMAT.log for combined, vhost_combined,
                    regex (combined lines), nginx, jsonl, s3, alb, elb
                    and cloudfront, limits.txt (the secrets)
                    and windows.txt (every 10 bytes of each) in the
                    current directory)
"""
import json
import random

rng = random.Random(31)
B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
BEFORE = (1, 5, 9, 10, 11, 15, 19, 20, 21, 25, 30, 39)
secrets = []


def secret(n=40):
    s = "".join(rng.choice(B62) for _ in range(n))
    secrets.append(s)
    return s


def filled(word, sep, at, total):
    """A value of words joined by sep with a secret starting at byte at,
    and more words after it up to total bytes.  The word "*" stands for
    secrets of 80 bytes, which their fingerprints shorten: what is at
    the limit then comes well within what is kept."""
    head = ""
    while True:
        w = (secret(80) if word == "*" else word) + sep
        if len(head) + len(w) > at:
            break
        head += w
    if word == "*":
        secrets.pop()  # the secret that did not fit was not written
    if len(head) < at:
        head += "x" * (at - len(head) - 1) + sep
    v = head + secret() + sep
    while len(v) < total:
        v += word + sep
    return v


# field -> (limits in the value's own bytes, filler word, separator)
FIELDS = {
    "id": ((256,), "acme", "-"),
    "addr": ((251,), "node", "-"),
    "ua": ((512,), "Mozilla/5.0", " "),
    "path": ((256, 511), "items", "/"),
    "long": ((511,), "*", ","),
}


def plants(field, skip):
    """The values of field with a secret across each limit; skip is
    the length of what the format puts before a path in its route."""
    limits, word, sep = FIELDS[field]
    for lim in limits:
        for k in BEFORE:
            if field in ("path", "long"):
                yield "/" + filled(word, sep, lim - k - 1 - skip, lim + 80)
            else:
                yield filled(word, sep, lim - k, lim + 80)


def lines(fmt_fields, skip, write):
    """One line a plant, each of its own client (a client's routes are
    capped)."""
    n = 0
    for field in fmt_fields:
        for v in plants(field, skip):
            n += 1
            rec = {"addr": "192.0.2.%d" % n, "id": "acme-sync-%02d" % n,
                   "ua": "curl/8.4.0", "path": "/api/1.0/tasks"}
            rec["path" if field == "long" else field] = v
            write(rec)


T = "[05/Jan/2026:10:00:00 +0000]"
out = {}


def fmt_combined(r):
    return ('%s - %s %s "GET %s HTTP/1.1" 200 5 "-" "%s"\n'
            % (r["addr"], r["id"], T, r["path"], r["ua"]))


def fmt_vhost(r):
    return "www.example.com:443 " + fmt_combined(r)


def fmt_nginx(r):
    return ('%s - - %s "GET %s HTTP/1.1" 200 5 "-" "%s" "-" "-" "%s" "-"\n'
            % (r["addr"], T, r["path"], r["ua"], r["id"]))


def fmt_jsonl(r):
    o = {"ts": 1767607200, "status": 200,
         "request": {"remote_ip": r["addr"], "method": "GET",
                     "uri": r["path"],
                     "headers": {"User-Agent": [r["ua"]],
                                 "X-Client-Id": [r["id"]]}}}
    return json.dumps(o) + "\n"


def fmt_s3(r):
    return ("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"
            " awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] %s %s "
            "3E57427F3EXAMPLE REST.GET.OBJECT - \"GET %s HTTP/1.1\" 200 - "
            "113 - 7 - \"-\" \"%s\" - hostid SigV2 "
            "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
            "awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1\n"
            % (r["addr"], r["id"], r["path"], r["ua"]))


def fmt_alb(r):
    return ('https 2018-07-02T22:23:00.186641Z app/my-lb/50dc6c495c0c9188 '
            '%s:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 '
            '"GET https://www.example.com:443%s HTTP/1.1" "%s" '
            'ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 '
            'arn:aws:elasticloadbalancing:us-east-2:123456789012:'
            'targetgroup/my-targets/73e2d6bc24d8a067 '
            '"Root=1-58337262-36d228ad5d99923122bbe354" "-" "-" 0 '
            '2018-07-02T22:22:48.364000Z "forward" "-" "-" '
            '"10.0.0.1:80" "200" "-" "-"\n' % (r["addr"], r["path"], r["ua"]))


def fmt_elb(r):
    return ('2015-05-13T23:39:43.945958Z my-loadbalancer %s:2817 '
            '10.0.0.1:80 0.000073 0.001048 0.000057 200 200 0 29 '
            '"GET http://www.example.com:80%s HTTP/1.1" "%s" - -\n'
            % (r["addr"], r["path"], r["ua"]))


def fmt_cloudfront(r):
    ua = r["ua"].replace(" ", "%20")
    f = ["2019-12-04", "21:02:31", "LAX1", "392", r["addr"], "GET",
         "d111111abcdef8.cloudfront.net", r["path"], "200", "-", ua, "-",
         "-", "Hit", "SOX4xwn4XV6Q4rgb7XiVGOHms_BGlTAC4KyHmureZmBNrjGdRLiNIQ==",
         "d111111abcdef8.cloudfront.net", "https", "23", "0.001", "-",
         "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "Hit", "HTTP/2.0", "-",
         "-", "11040", "0.001", "Hit", "text/html", "78", "-", "-"]
    return "\t".join(f) + "\n"


# the fields each format carries (a client id where it has one), and
# what its route has before the path: s3's request_uri is the request
# line, a load balancer's the URL
FORMATS = {
    "combined": (fmt_combined, ("id", "addr", "ua", "path", "long"), 0),
    "vhost_combined": (fmt_vhost, ("id", "addr", "ua", "path", "long"), 0),
    "regex": (fmt_combined, ("id", "addr", "ua", "path", "long"), 0),
    "nginx": (fmt_nginx, ("id", "addr", "ua", "path", "long"), 0),
    "jsonl": (fmt_jsonl, ("id", "addr", "ua", "path", "long"), 0),
    "s3": (fmt_s3, ("id", "ua", "path", "long"), len("GET ")),
    "alb": (fmt_alb, ("ua", "path", "long"), len("https://www.example.com:443")),
    "elb": (fmt_elb, ("ua", "path", "long"), len("http://www.example.com:80")),
    "cloudfront": (fmt_cloudfront, ("ua", "path", "long"), 0),
}

for name, (fmt, fields, skip) in FORMATS.items():
    with open("lim-%s.log" % name, "w") as f:
        lines(fields, skip, lambda r: f.write(fmt(r)))

with open("limits.txt", "w") as f:
    for s in secrets:
        f.write(s + "\n")
with open("windows.txt", "w") as f:
    for s in secrets:
        for i in range(len(s) - 9):
            f.write(s[i:i + 10] + "\n")
