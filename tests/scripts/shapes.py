"""Write logs with every credential shape planted in the free-text
fields (user agent, client id, request, referer), and the list of those
credentials, for tests/cli/secrets_shapes.sh.

usage: shapes.py   (writes shapes-combined.log, shapes-nginx.log and
                    shapes.txt in the current directory)
"""
import base64
import random

rng = random.Random(17)
B62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"


def r(chars, n):
    return "".join(rng.choice(chars) for _ in range(n))


def shapes():
    """(whole credential, the part that is secret) of every shape."""
    out = [("dXNlcjpwYXNz", "dXNlcjpwYXNz"),
           ("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")]
    for _ in range(4):
        s = r(B62 + "+/", 40)
        out.append((s, s))                                  # AWS secret
        s = "AKIA" + r("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
        out.append((s, s))                                  # AWS key id
        s = r(B62, 36)
        out.append(("ghp_" + s, s))                         # GitHub
        s = r(B62, 24)
        out.append(("xoxb-%d-%d-%s" % (rng.randint(10**11, 10**12),
                                      rng.randint(10**12, 10**13), s), s))
        s = r(B62, 24)
        out.append(("sk_live_" + s, s))                     # Stripe
        head = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}')
        body = r(B62 + "-_", 60)
        sig = r(B62 + "-_", 43)
        jwt = "%s.eyJ%s.%s" % (head.decode().rstrip("="), body, sig)
        out.append((jwt, "eyJ" + body))                     # JWT
        s = r("0123456789abcdef", 32)
        out.append(("1/%d:%s" % (rng.randint(10**15, 10**16), s), s))
        out.append(("0/" + s[::-1], s[::-1]))               # Asana PATs
        s = r(B62, 8) + "." + r(B62, 24)
        out.append((s, s))                                  # Asana key
        b = base64.b64encode((s + ":").encode()).decode()
        out.append((b, b))                                  # Basic
    return out


def contexts(cred):
    """The credential as it turns up in free text: by its context, and
    on its own when long enough to be found by its shape (a 12-byte
    user:pass in base64 is not)."""
    named = ["curl/8 Authorization: Basic " + cred, "Bearer " + cred,
             "api_key=" + cred, "token:" + cred,
             "x Authorization%3A%20Basic%20" + cred]
    if len(cred) < 20:
        return named
    return named + [cred, "x " + cred, "tool/1.0 (" + cred + ")"]


T = "[05/Jan/2026:10:00:00 +0000]"
secrets = set()
with open("shapes-combined.log", "w") as c, \
        open("shapes-nginx.log", "w") as n:
    i = 0
    for whole, secret in shapes():
        secrets.add(secret)
        for ctx in contexts(whole):
            i += 1
            addr = "192.0.2.%d" % (i % 250)
            uri = "/api/1.0/tasks?api_key=%s&access_token=%s&x=1" % (
                whole, whole)
            c.write('%s - - %s "GET %s HTTP/1.1" 200 5 "%s" "%s"\n'
                    % (addr, T, uri, "https://x/?token=" + whole, ctx))
            n.write('%s - - %s "GET %s HTTP/1.1" 200 5 "-" "%s" "-" "-" '
                    '"%s" "-"\n' % (addr, T, uri, ctx, ctx))
with open("shapes.txt", "w") as f:
    for s in sorted(secrets):
        f.write(s + "\n")
