"""Write logs in every format with credentials planted in every field,
and the list of those credentials (secrets.txt), for tests/cli.

usage: plant.py   (writes combined.log, nginx.log, jsonl.log, s3.log,
                   alb.log and secrets.txt in the current directory)
"""
import base64
import json
import random

rng = random.Random(7)
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
HEX = "0123456789abcdef"


def r(chars, n):
    return "".join(rng.choice(chars) for _ in range(n))


def api_key():
    return r(ALNUM, 8) + "." + r(ALNUM, 24)


def pat():
    v = rng.choice([0, 1, 2])
    if v == 0:
        return "0/" + r(HEX, 32)
    if v == 1:
        return "1/" + r("0123456789", 16) + ":" + r(HEX, 32)
    return "2/" + r("0123456789", 16) + "/" + r("0123456789", 16) + ":" + \
        r(HEX, 32)


def bearer():
    return r(ALNUM + "-._~", 48)


def basic_b64(user):
    return base64.b64encode((user + ":").encode()).decode()


secrets = []


def secret():
    kind = rng.choice(["key", "pat", "bearer", "basic"])
    if kind == "key":
        s = api_key()
    elif kind == "pat":
        s = pat()
    elif kind == "bearer":
        s = bearer()
    else:
        s = basic_b64(api_key())
    secrets.append(s)
    return s


def auth():
    kind = rng.choice(["basic", "bearer"])
    s = api_key() if kind == "basic" else pat()
    secrets.append(s)
    if kind == "basic":
        b = basic_b64(s)
        secrets.append(b)
        return "Basic " + b
    return "Bearer " + s


T = "[05/Jan/2026:10:00:00 +0000]"

# combined: the secret in each field that can hold free text
with open("combined.log", "w") as f:
    for i in range(60):
        fields = {"addr": "192.0.2.%d" % (i % 250), "user": api_key(),
                  "uri": "/x", "ref": "-", "ua": "curl/8"}
        secrets.append(fields["user"])
        k = rng.choice(list(fields))
        fields[k] = ("/x?api_key=" + secret()) if k == "uri" else secret()
        f.write('%(addr)s - %(user)s %(t)s "GET %(uri)s HTTP/1.1" 200 5 '
                '"%(ref)s" "%(ua)s"\n' % dict(fields, t=T))

NGINX_KEYS = ["addr", "user", "uri", "ref", "ua", "auth", "amn", "id",
              "cookie"]
with open("nginx.log", "w") as f:
    for i in range(90):
        v = {"addr": "198.51.100.%d" % (i % 250), "user": "-",
             "uri": "/api/1.0/tasks", "ref": "-", "ua": "python-asana/3",
             "auth": auth(), "amn": "-", "id": "-",
             "cookie": "session=" + secret()}
        k = NGINX_KEYS[i % len(NGINX_KEYS)]
        v[k] = ("/x?token=" + secret()) if k == "uri" else secret()
        f.write('%(addr)s - %(user)s %(t)s "GET %(uri)s HTTP/1.1" 200 5 '
                '"%(ref)s" "%(ua)s" "%(auth)s" "%(amn)s" "%(id)s" '
                '"%(cookie)s"\n' % dict(v, t=T))

with open("jsonl.log", "w") as f:
    for i in range(40):
        o = {"ts": 1767607200 + i, "status": 200,
             "request": {"remote_ip": "203.0.113.%d" % i, "method": "GET",
                         "uri": "/a?key=" + secret(),
                         "headers": {"Authorization": [auth()],
                                     "User-Agent": [secret()],
                                     "X-Client-Id": [secret()],
                                     "Cookie": ["session=" + secret()]}},
             "user_id": secret()}
        f.write(json.dumps(o) + "\n")

with open("s3.log", "w") as f:
    for i in range(20):
        f.write("%s awsexamplebucket1 [06/Feb/2019:00:00:38 +0000] "
                "192.0.2.3 %s 3E57427F3EXAMPLE REST.GET.VERSIONING - "
                "\"GET /awsexamplebucket1?versioning&X-Amz-Credential=%s "
                "HTTP/1.1\" 200 - 113 - 7 - \"-\" \"%s\" - %s SigV2 "
                "ECDHE-RSA-AES128-GCM-SHA256 AuthHeader "
                "awsexamplebucket1.s3.us-west-1.amazonaws.com TLSV1.1\n"
                % (r(HEX, 64), secret(), secret(), secret(), secret()))

with open("alb.log", "w") as f:
    for i in range(20):
        f.write('https 2018-07-02T22:23:00.186641Z app/my-lb/50dc6c495c0c9188 '
                '192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 '
                '34 366 "GET https://www.example.com:443/?apikey=%s HTTP/1.1" '
                '"%s" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 '
                'arn:aws:elasticloadbalancing:us-east-2:123456789012:'
                'targetgroup/my-targets/73e2d6bc24d8a067 '
                '"Root=1-58337262-36d228ad5d99923122bbe354" "%s" "-" 0 '
                '2018-07-02T22:22:48.364000Z "forward" "-" "-" '
                '"10.0.0.1:80" "200" "-" "-"\n' % (secret(), secret(),
                                                   secret()))

with open("secrets.txt", "w") as f:
    for s in sorted(set(secrets)):
        f.write(s + "\n")
