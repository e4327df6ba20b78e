"""Independent expectations for keyaudit's reports, computed from the
generator's truth (BASE.counts.csv) rather than from keyaudit's database.

usage: oracle.py KIND COUNTS.csv [options]
  daily                 the daily report
  amnesty-numbers       client,amnesty_requests,legacy_requests,share,days
  summary-classes       class,requests
  gonogo PHASE FROM TO  client,newly_refused,all,already_refused for
                        the clients the phase refuses in FROM..TO,
                        then a last line: total,newly,already
  verdict PHASE FROM TO QUIET
                        the figures of gonogo's verdict line: newly
                        refused, total, active clients, already
                        refused, clients refused already and no more,
                        migrated, quiet
  classes FROM TO       class,share% of the window's requests
  dormant PHASE LOOKFROM FROM TO
                        client,last_day,period,next_day
  brownout HOURLY.csv PHASE DAY H0 H1
                        client,would_be_refused,refused_434 in hours
                        [H0, H1) of DAY
  case OUT              write the hand-made gonogo case: OUT.log (nginx
                        layout), OUT.counts.csv and OUT.hourly.csv
  progress N            the progress report (--migrated-days N)
  credentials N LEGACY  the credentials report, from LEGACY.csv (loggen
                        --legacy-truth), states as of the last day
  sdks LEGACY           the sdks report
  states N              client,state,state_since of every legacy client
"""
import base64
import hashlib
import datetime
import statistics
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


MODERN = {"pat", "oauth", "session"}


def refuses(phase, r):
    return r["class"] in LEGACY and (phase != "reject-without-amnesty" or
                                     not r["amnesty"])


def window_clients(path, phase, first, last):
    new = defaultdict(int)
    old = defaultdict(int)
    total = defaultdict(int)
    for r in rows(path):
        if not first <= r["day"] <= last:
            continue
        total[r["client"]] += r["requests"]
        if refuses(phase, r):
            if r["status"] == 434:
                old[r["client"]] += r["requests"]
            else:
                new[r["client"]] += r["requests"]
    return new, old, total


def states_asof(path, last, n=14):
    """{client: state} of every legacy client as of day last."""
    per = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for r in rows(path):
        if r["day"] > last:
            continue
        d = day_num(r["day"])
        legacy = r["class"] in LEGACY
        per[r["client"]][d][0 if legacy else 1] += r["requests"]
        if legacy and r["status"] == 434:
            per[r["client"]][d][2] += r["requests"]
    out = {}
    for c, days in per.items():
        for d, st in walk(days, day_num(last), n):
            out[c] = st
    return out


def gonogo(path, phase, first, last):
    new, old, total = window_clients(path, phase, first, last)
    state = states_asof(path, last)
    names = set(new) | set(old)
    for c in sorted(names, key=lambda c: (-new[c], -old[c], c)):
        print(f"{c},{new[c]},{total[c]},{old[c]}")
    # a client refused already is not newly refused
    newly = sum(new[c] for c in new if state.get(c) != "refused")
    print(f"{sum(total.values())},{newly},{sum(old.values())}")


def day_num(day):
    return datetime.date.fromisoformat(day).toordinal()


def verdict(path, phase, first, last, quiet):
    new, old, total = window_clients(path, phase, first, last)
    state = states_asof(path, last)
    last_ref = {}
    for r in rows(path):
        if (first <= r["day"] <= last and refuses(phase, r) and
                r["status"] != 434):
            last_ref[r["client"]] = max(last_ref.get(r["client"], ""),
                                        r["day"])
    active = migrated = stopped = only_old = refused = newly = 0
    for c in set(new) | set(old):
        st = state.get(c)
        if st == "refused":
            refused += 1
            continue
        newly += new[c]
        if not new[c]:
            only_old += 1
        elif st == "migrated":
            migrated += 1
        elif (st in ("legacy-only", "mixed", "regressed") and
              day_num(last) - day_num(last_ref[c]) < int(quiet)):
            active += 1
        else:
            stopped += 1
    print(newly, sum(total.values()), active,
          sum(old.values()), only_old, migrated, stopped, refused)


def classes(path, first, last):
    tot = defaultdict(int)
    for r in rows(path):
        if first <= r["day"] <= last:
            tot[r["class"]] += r["requests"]
    n = sum(tot.values())
    for c in CLASSES:
        print("%s,%.2f" % (c, 100.0 * tot[c] / n if n else 0))


def dormant(path, phase, look, first, last):
    days = defaultdict(set)
    inwin = set()
    state = states_asof(path, last)
    for r in rows(path):
        if r["day"] > last:
            continue
        if not refuses(phase, r):
            continue
        if first <= r["day"]:
            inwin.add(r["client"])
        elif look <= r["day"] and r["status"] != 434:
            days[r["client"]].add(r["day"])
    out = []
    for c, ds in days.items():
        lastday = max(ds)
        if c in inwin or state.get(c) in ("migrated", "refused"):
            continue
        nums = sorted(day_num(d) for d in ds)
        gaps = sorted(b - a for a, b in zip(nums, nums[1:]))
        period = gaps[(len(gaps) - 1) // 2] if gaps else 0
        nxt = nums[-1] + period
        while period and nxt < day_num(last):  # never before the as-of
            nxt += period
        nxt = datetime.date.fromordinal(nxt).isoformat() if period else ""
        out.append((lastday, c, period, nxt))
    for lastday, c, period, nxt in sorted(out, key=lambda o: (
            [-ord(ch) for ch in o[0]], o[1])):
        print(f"{c},{lastday},{period},{nxt}")


def brownout(path, phase, day, h0, h1):
    would = defaultdict(int)
    hard = defaultdict(int)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            r["amnesty"] = int(r["amnesty"])
            if r["day"] != day or not h0 <= int(r["hour"]) < h1:
                continue
            n = int(r["requests"])
            if int(r["status"]) == 434:
                hard[r["client"]] += n
            elif refuses(phase, r):
                would[r["client"]] += n
    names = set(would) | set(hard)
    for c in sorted(names, key=lambda c: (-would[c], -hard[c], c)):
        print(f"{c},{would[c]},{hard[c]}")


# ---- the hand-made case: 60 days from 2026-09-01 ----
MON = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
       "Nov", "Dec"]
START = datetime.date(2026, 9, 1)


def auth(cls, who):
    if cls == "api_key":
        key = "key-%s-0123456789" % who
        return "Basic " + base64.b64encode((key + ":").encode()).decode()
    if cls == "pat":
        return "Bearer 0/" + hashlib.md5(who.encode()).hexdigest()
    return "-"


def plan(d):
    """(client, class, amnesty, requests per day, status) of day d."""
    out = [("steady", "api_key", 0, 20, 200), ("modern", "pat", 0, 100, 200),
           ("broken", "api_key", 0, 10, 434), ("anon", "none", 0, 20, 200),
           ("kind", "api_key", 1, 5, 200)]
    if d <= 50:
        out.append(("mover", "api_key", 0, 8, 200))
    if d >= 40:
        out.append(("mover", "pat", 0, 8, 200))
    if d <= 49:
        out.append(("stopped", "api_key", 0, 6, 200))
    if d in (5, 35):
        out.append(("monthly", "api_key", 0, 30, 200))
    if d in (10, 30, 33):
        out.append(("onceaway", "api_key", 0, 3, 200))
    return out


def case(out):
    counts = defaultdict(int)
    hourly = defaultdict(int)
    lines = []
    for d in range(60):
        day = START + datetime.timedelta(days=d)
        for who, cls, amn, n, status in plan(d):
            for i in range(n):
                hour = (i * 7 + d) % 24
                st = status
                # a real brownout: 2026-10-16 08:00-20:00, API keys
                # without amnesty refused
                if (d == 45 and 8 <= hour < 20 and cls == "api_key"
                        and not amn):
                    st = 434
                t = "%02d/%s/%d:%02d:%02d:%02d +0000" % (
                    day.day, MON[day.month - 1], day.year, hour, i % 60,
                    (i * 13) % 60)
                lines.append('192.0.2.%d - - [%s] "GET /api/1.0/users/me '
                             'HTTP/1.1" %d 10 "-" "agent \\x22%s\\x22 '
                             '<b>" "%s" "%s" "%s" "-"' % (
                                 1 + len(who), t, st, who, auth(cls, who),
                                 "true" if amn else "-", who))
                counts[(who, day.isoformat(), cls, amn, st)] += 1
                if cls in LEGACY:
                    hourly[(day.isoformat(), hour, who, cls, amn, st)] += 1
    with open(out + ".log", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(out + ".counts.csv", "w") as f:
        f.write("client,day,class,amnesty,status,requests\n")
        for k in sorted(counts):
            f.write(",".join(map(str, k)) + ",%d\n" % counts[k])
    with open(out + ".hourly.csv", "w") as f:
        f.write("day,hour,client,class,amnesty,status,requests\n")
        for k in sorted(hourly):
            f.write(",".join(map(str, k)) + ",%d\n" % hourly[k])


# ---- migration states, credentials, SDKs ----

def client_days(path):
    """{client: {day ordinal: [legacy, other, refused legacy]}} and the
    last day."""
    import datetime
    per = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    last = 0
    for r in rows(path):
        d = datetime.date.fromisoformat(r["day"]).toordinal()
        legacy = r["class"] in LEGACY
        per[r["client"]][d][0 if legacy else 1] += r["requests"]
        if legacy and r["status"] == 434:
            per[r["client"]][d][2] += r["requests"]
        last = max(last, d)
    return per, last


def heirs(path):
    """{client: (first, last)}: loggen's probable successions by address
    and agent (its .heirs.csv beside the counts), the successor's first
    day and the last legacy day it was found for, as ordinals."""
    import datetime
    import os
    p = path.replace(".counts.csv", ".heirs.csv")
    if not os.path.exists(p):
        return {}
    o = lambda d: datetime.date.fromisoformat(d).toordinal()
    return {r["client"]: (o(r["heir_first"]), o(r["heir_last"]))
            for r in csv.DictReader(open(p, newline=""))}


def walk(days, last, n, heir=None):
    """Yield (day, state) from the client's first legacy request on."""
    NEVER = -10 ** 9
    a = l = m = ok = NEVER
    modern = migrated = False
    for d in range(min(days), last + 1):
        if d in days:
            a = d
            if days[d][0]:
                l = d
            if days[d][0] > days[d][2]:
                ok = d
            if days[d][1]:
                m, modern = d, True
        if l == NEVER:
            continue
        if d - a >= n and heir and heir[0] <= d and heir[1] == l:
            st = "migrated"  # probably: by its successor
        elif d - a >= n:
            st = "dormant"
        elif d - l >= n and m > l:
            st = "migrated"
        elif l > ok:
            st = "refused"
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
    hs = heirs(path)
    out = {}
    for c, days in per.items():
        prev = since = None
        for d, st in walk(days, last, n, hs.get(c)):
            if st != prev:
                since = d
            prev = st
        if prev:
            out[c] = (prev, day_text(since))
    return out


def progress(path, n):
    STATES = ["legacy-only", "mixed", "migrated", "regressed", "dormant",
              "refused"]
    per, last = client_days(path)
    first = min(min(days) for days in per.values())
    tally = defaultdict(lambda: defaultdict(int))
    hs = heirs(path)
    for c, days in per.items():
        for d, st in walk(days, last, n, hs.get(c)):
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
elif kind == "verdict":
    verdict(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6])
elif kind == "classes":
    classes(sys.argv[2], sys.argv[3], sys.argv[4])
elif kind == "dormant":
    dormant(*sys.argv[2:7])
elif kind == "brownout":
    brownout(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]),
             int(sys.argv[6]))
elif kind == "case":
    case(sys.argv[2])
else:
    sys.exit("unknown kind " + kind)
