#!/usr/bin/env python3
"""cloudfront.py DIR SPEC...: write CloudFront-style access logs into DIR.

Every file starts with the same #Version and #Fields lines, as real
CloudFront logs do.  Each SPEC is NAME:LINES (a .gz NAME is gzipped), or
hourly:N:SEED for N hourly gzip files of 1 to 5 lines each.  Prints the
number of request lines written."""
import gzip
import os
import random
import sys

HEADER = (
    "#Version: 1.0\n"
    "#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) "
    "cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-uri-query "
    "cs(Cookie) x-edge-result-type x-edge-request-id x-host-header "
    "cs-protocol cs-bytes time-taken x-forwarded-for ssl-protocol "
    "ssl-cipher x-edge-response-result-type cs-protocol-version fle-status "
    "fle-encrypted-fields c-port time-to-first-byte "
    "x-edge-detailed-result-type sc-content-type sc-content-len "
    "sc-range-start sc-range-end\n")


def line(rng, day, hour):
    rid = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789")
                  for _ in range(40))
    ip = "10.%d.%d.%d" % (rng.randrange(256), rng.randrange(256),
                          rng.randrange(1, 255))
    f = ["2026-06-%02d" % day,
         "%02d:%02d:%02d" % (hour, rng.randrange(60), rng.randrange(60)),
         "LAX1", str(rng.randrange(100, 9000)), ip, "GET",
         "d111111abcdef8.cloudfront.net", "/api/1.0/tasks/%d" %
         rng.randrange(10**6), "200", "-", "python-asana/0.6.2", "-", "-",
         "Miss", rid, "d111111abcdef8.cloudfront.net", "https", "23",
         "0.001", "-", "TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256", "Miss",
         "HTTP/2.0", "-", "-", "11040", "0.001", "Miss", "text/html", "78",
         "-", "-"]
    return "\t".join(f) + "\n"


def write(path, text):
    if path.endswith(".gz"):
        with gzip.open(path, "wt") as f:
            f.write(text)
    else:
        with open(path, "w") as f:
            f.write(text)


def main():
    out = sys.argv[1]
    total = 0
    for spec in sys.argv[2:]:
        parts = spec.split(":")
        if parts[0] == "hourly":
            rng = random.Random(int(parts[2]))
            for i in range(int(parts[1])):
                n = rng.randrange(1, 6)
                day, hour = 1 + i // 24 % 28, i % 24
                text = HEADER + "".join(line(rng, day, hour)
                                        for _ in range(n))
                write(os.path.join(out, "E2X.2026-06-%02d-%02d.%04d.gz" %
                                   (day, hour, i)), text)
                total += n
        else:
            rng = random.Random(parts[0])
            n = int(parts[1])
            write(os.path.join(out, parts[0]),
                  HEADER + "".join(line(rng, 3, h % 24) for h in range(n)))
            total += n
    print(total)


main()
