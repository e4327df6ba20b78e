"""Independent expectations for keyaudit's reports, computed from the
generator's truth (BASE.counts.csv) rather than from keyaudit's database.

usage: oracle.py KIND COUNTS.csv [options]
  daily                 the daily report
  amnesty-numbers       client,amnesty_requests,legacy_requests,share,days
  summary-classes       class,requests
  gonogo PHASE FROM TO  client,refused,all   (refused > 0), then a last
                        line: total,refused
"""
import csv
import sys
from collections import defaultdict

CLASSES = ["api_key", "pat", "oauth", "session", "none", "hidden", "unknown"]
LEGACY = {"api_key"}


def rows(path):
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            r["amnesty"] = int(r["amnesty"])
            r["status"] = int(r["status"])
            r["requests"] = int(r["requests"])
            yield r


def share(a, b):
    return "%.4f" % (a / b if b else 0.0)


def daily(path):
    days = defaultdict(lambda: defaultdict(int))
    clients = defaultdict(set)
    for r in rows(path):
        d = days[r["day"]]
        n = r["requests"]
        d["requests"] += n
        d[r["class"]] += n
        if r["class"] in LEGACY:
            d["legacy"] += n
            clients[r["day"]].add(r["client"])
            if r["amnesty"]:
                d["amnesty"] += n
        if r["status"] == 434:
            d["434"] += n
    out = ["day,requests," + ",".join(CLASSES) +
           ",legacy_requests,legacy_share,amnesty_requests,amnesty_share,"
           "status_434,legacy_clients"]
    for day in sorted(days):
        d = days[day]
        cells = ['"%s"' % day, str(d["requests"])]
        cells += [str(d[c]) for c in CLASSES]
        cells += [str(d["legacy"]), share(d["legacy"], d["requests"]),
                  str(d["amnesty"]), share(d["amnesty"], d["requests"]),
                  str(d["434"]), str(len(clients[day]))]
        out.append(",".join(cells))
    sys.stdout.write("\r\n".join(out) + "\r\n")


def amnesty_numbers(path):
    amn = defaultdict(int)
    leg = defaultdict(int)
    days = defaultdict(set)
    for r in rows(path):
        if r["class"] in LEGACY:
            leg[r["client"]] += r["requests"]
            if r["amnesty"]:
                amn[r["client"]] += r["requests"]
                days[r["client"]].add(r["day"])
    for c in sorted(amn, key=lambda c: (-amn[c], c)):
        print(f"{c},{amn[c]},{leg[c]},{share(amn[c], leg[c])},"
              f"{len(days[c])}")


def summary_classes(path):
    tot = defaultdict(int)
    for r in rows(path):
        tot[r["class"]] += r["requests"]
    for c in CLASSES:
        print(f"{c},{tot[c]}")


def gonogo(path, phase, first, last):
    refused = defaultdict(int)
    total = defaultdict(int)
    for r in rows(path):
        if not first <= r["day"] <= last:
            continue
        total[r["client"]] += r["requests"]
        legacy = r["class"] in LEGACY
        if legacy and (phase == "amnesty-ends" or not r["amnesty"]):
            refused[r["client"]] += r["requests"]
    for c in sorted(refused, key=lambda c: (-refused[c], c)):
        if refused[c]:
            print(f"{c},{refused[c]},{total[c]}")
    print(f"{sum(total.values())},{sum(refused.values())}")


kind = sys.argv[1]
if kind == "daily":
    daily(sys.argv[2])
elif kind == "amnesty-numbers":
    amnesty_numbers(sys.argv[2])
elif kind == "summary-classes":
    summary_classes(sys.argv[2])
elif kind == "gonogo":
    gonogo(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
else:
    sys.exit("unknown kind " + kind)
