"""Independent expectations for keyaudit's reports, computed from the
generator's truth (BASE.counts.csv) rather than from keyaudit's database.

usage: oracle.py KIND COUNTS.csv [options]
  daily                 the daily report
  amnesty-numbers       client,amnesty_requests,legacy_requests,share,days
  summary-classes       class,requests
  gonogo PHASE FROM TO  client,refused,all   (refused > 0), then a last
                        line: total,refused
  progress N            the progress report (--migrated-days N)
  credentials N LEGACY  the credentials report, from LEGACY.csv (loggen
                        --legacy-truth), states as of the last day
  sdks LEGACY           the sdks report
  states N              client,state,state_since of every legacy client
"""
import csv
import sys
from collections import defaultdict

CLASSES = ["api_key", "pat", "oauth", "session", "none", "unknown"]
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


# ---- migration states, credentials, SDKs ----

def client_days(path):
    """{client: {day ordinal: [legacy, other]}} and the last day."""
    import datetime
    per = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    last = 0
    for r in rows(path):
        d = datetime.date.fromisoformat(r["day"]).toordinal()
        per[r["client"]][d][0 if r["class"] in LEGACY else 1] += \
            r["requests"]
        last = max(last, d)
    return per, last


def walk(days, last, n):
    """Yield (day, state) from the client's first legacy request on."""
    NEVER = -10 ** 9
    a = l = m = NEVER
    modern = migrated = False
    for d in range(min(days), last + 1):
        if d in days:
            a = d
            if days[d][0]:
                l = d
            if days[d][1]:
                m, modern = d, True
        if l == NEVER:
            continue
        if d - a >= n:
            st = "dormant"
        elif d - l >= n and m > l:
            st = "migrated"
        elif migrated:
            st = "regressed"
        else:
            st = "mixed" if modern else "legacy-only"
        migrated = migrated or st == "migrated"
        yield d, st


def day_text(d):
    import datetime
    return datetime.date.fromordinal(d).isoformat()


def client_states(path, n):
    per, last = client_days(path)
    out = {}
    for c, days in per.items():
        prev = since = None
        for d, st in walk(days, last, n):
            if st != prev:
                since = d
            prev = st
        if prev:
            out[c] = (prev, day_text(since))
    return out


def progress(path, n):
    STATES = ["legacy-only", "mixed", "migrated", "regressed", "dormant"]
    per, last = client_days(path)
    first = min(min(days) for days in per.values())
    tally = defaultdict(lambda: defaultdict(int))
    for days in per.values():
        for d, st in walk(days, last, n):
            tally[d][st] += 1
    out = ["day," + ",".join(STATES) + ",legacy_clients"]
    for d in range(first, last + 1):
        cells = [str(tally[d][s]) for s in STATES]
        out.append('"%s",' % day_text(d) + ",".join(cells) + ",%d" %
                   sum(tally[d].values()))
    sys.stdout.write("\r\n".join(out) + "\r\n")


def text(s):
    """A text cell as keyaudit writes it: quoted, defused."""
    if s and s[0] in "=+-@\t\r":
        s = "'" + s
    return '"' + s.replace('"', '""') + '"'


def iso(t):
    import time
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def legacy_rows(path):
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            r["time"] = int(r["time"])
            r["amnesty"] = int(r["amnesty"])
            r["status"] = int(r["status"])
            yield r


def top(counter):
    """The most frequent key, ties to the bytewise smallest."""
    k = min(counter, key=lambda k: (-counter[k], k.encode()))
    return k, counter[k]


def sdk_of(agent):
    """SDK and version, for the agents the generator sends."""
    import re
    m = re.search(r"(python-asana|node-asana|asana-java)/([\w.+-]*)", agent)
    if m:
        return m.group(1), m.group(2)
    m = re.match(r"curl/([\w.+-]*)", agent)
    if m:
        return "curl", m.group(1)
    if "Mozilla/" in agent:
        for tok, name in (("Edg/", "edge"), ("Firefox/", "firefox"),
                          ("Chrome/", "chrome"), ("Version/", "safari")):
            m = re.search(re.escape(tok) + r"(\d+(?:\.\d+)?)", agent)
            if m:
                return name, m.group(1)
        return "browser", ""
    return "unknown", ""


def credentials(path, n, legacy):
    states = client_states(path, n)
    acc = {}
    for r in legacy_rows(legacy):
        k = (r["client"], r["fp"])
        e = acc.setdefault(k, {"n": 0, "amn": 0, "s434": 0, "first": None,
                               "last": None, "days": set(),
                               "agents": defaultdict(int),
                               "routes": defaultdict(int)})
        e["n"] += 1
        e["amn"] += r["amnesty"]
        e["s434"] += r["status"] == 434
        e["first"] = min(e["first"] or r["time"], r["time"])
        e["last"] = max(e["last"] or r["time"], r["time"])
        e["days"].add(r["day"])
        e["agents"][r["agent"]] += 1
        e["routes"][r["route"]] += 1
    out = ["fingerprint,client,requests,amnesty_requests,status_434,"
           "first_used,last_used,days_used,top_user_agent,sdk,sdk_version,"
           "top_route,top_route_requests,client_state"]
    order = sorted(acc, key=lambda k: (-acc[k]["n"], k[0].encode(),
                                       k[1].encode()))
    for c, fp in order:
        e = acc[(c, fp)]
        agent, _ = top(e["agents"])
        route, rn = top(e["routes"])
        sdk, ver = sdk_of(agent)
        out.append(",".join([
            text("fp:" + fp), text(c), str(e["n"]), str(e["amn"]),
            str(e["s434"]), text(iso(e["first"])), text(iso(e["last"])),
            str(len(e["days"])), text(agent), text(sdk), text(ver),
            text(route), str(rn), text(states[c][0])]))
    sys.stdout.write("\r\n".join(out) + "\r\n")


def sdks(legacy):
    reqs = defaultdict(int)
    clients = defaultdict(set)
    creds = defaultdict(set)
    for r in legacy_rows(legacy):
        k = sdk_of(r["agent"])
        reqs[k] += 1
        clients[k].add(r["client"])
        creds[k].add((r["client"], r["fp"]))
    out = ["sdk,version,legacy_requests,clients,credentials"]
    for k in sorted(reqs, key=lambda k: (-reqs[k], k[0].encode(),
                                         k[1].encode())):
        out.append("%s,%s,%d,%d,%d" % (text(k[0]), text(k[1]), reqs[k],
                                       len(clients[k]), len(creds[k])))
    sys.stdout.write("\r\n".join(out) + "\r\n")


kind = sys.argv[1]
if kind == "daily":
    daily(sys.argv[2])
elif kind == "amnesty-numbers":
    amnesty_numbers(sys.argv[2])
elif kind == "summary-classes":
    summary_classes(sys.argv[2])
elif kind == "gonogo":
    gonogo(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5])
elif kind == "progress":
    progress(sys.argv[3], int(sys.argv[2]))
elif kind == "credentials":
    credentials(sys.argv[3], int(sys.argv[2]), sys.argv[4])
elif kind == "sdks":
    sdks(sys.argv[2])
elif kind == "states":
    for c, (st, since) in sorted(client_states(sys.argv[3],
                                               int(sys.argv[2])).items()):
        print(f"{c},{st},{since}")
else:
    sys.exit("unknown kind " + kind)
