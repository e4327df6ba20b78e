"""Compare keyaudit's reports with fleetgen's truth.

usage: history_truth.py TRUTH_DIR REPORT_DIR [REGISTRY.csv]

TRUTH_DIR holds counts.csv, migration.csv and summary.txt as fleetgen
writes them.  REPORT_DIR holds what the reports wrote: migration.csv,
summary.csv, daily.csv, amnesty.csv, outreach.csv, and for each phase P
gonogo-P.csv (-o) and gonogo-P.txt (the verdict on stdout).  A report
that is missing is skipped and said so.  Prints one line a report,
"equal" or what differs, and exits 1 when anything differs.
"""
import csv
import os
import re
import sys
from collections import defaultdict

CLASSES = ["api_key", "pat", "oauth", "session", "none", "unknown"]
PHASES = ["reject-without-amnesty", "amnesty-ends"]
WINDOW = 14  # gonogo's default --window
# Before keyaudit's gonogo left out requests refused already with 434,
# they counted as refused; HISTORY_TRUTH_OLD_434=1 checks that.
OLD_434 = os.environ.get("HISTORY_TRUTH_OLD_434") == "1"


def share(a, b):
    return "%.4f" % (a / b if b else 0.0)


class Truth:
    """Every aggregate the reports need, from one pass over counts.csv."""

    def __init__(self, path):
        self.day = defaultdict(lambda: defaultdict(int))
        self.day_legacy_clients = defaultdict(set)
        self.amn = defaultdict(int)
        self.leg = defaultdict(int)
        self.amn_days = defaultdict(set)
        self.rows = []  # (day, client, legacy, amnesty, n) for gonogo
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                self.add(r)

    def add(self, r):
        n = int(r["requests"])
        day, client, cls = r["day"], r["client"], r["class"]
        amnesty = r["amnesty"] == "1"
        d = self.day[day]
        d["requests"] += n
        d[cls] += n
        if r["status"] == "434":
            d["434"] += n
        legacy = cls == "api_key"
        if legacy:
            d["legacy"] += n
            self.day_legacy_clients[day].add(client)
            self.leg[client] += n
            if amnesty:
                d["amnesty"] += n
                self.amn[client] += n
                self.amn_days[client].add(day)
        # a request refused already (434) is not refused again
        self.rows.append((day, client, legacy, amnesty, n,
                          r["status"] == "434"))


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return f.read()


def dict_rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def first_diff(got, want):
    for i, (g, w) in enumerate(zip(got, want)):
        if g != w:
            return "row %d: got %r, want %r" % (i + 1, g, w)
    return "got %d rows, want %d" % (len(got), len(want))


def columns(path, names):
    """The rows of a CSV file, cut to the columns named."""
    return [tuple(r.get(n) for n in names) for r in dict_rows(path)]


def check_migration(t, truth_dir, rdir):
    want_path = os.path.join(truth_dir, "migration.csv")
    names = next(csv.reader(open(want_path, newline="")))
    got = columns(os.path.join(rdir, "migration.csv"), names)
    want = columns(want_path, names)
    return None if got == want else first_diff(got, want)


def check_summary(t, truth_dir, rdir):
    want = {}
    for line in open(os.path.join(truth_dir, "summary.txt")):
        w = line.split()
        if w[0] == "requests":
            want[("requests", "all")] = w[1]
        elif w[0] == "class":
            want[("class", w[1])] = w[2]
    got = {}
    for r in dict_rows(os.path.join(rdir, "summary.csv")):
        if (r["section"], r["name"]) in want:
            got[(r["section"], r["name"])] = r["value"]
    return None if got == want else "got %s, want %s" % (got, want)


def check_daily(t, truth_dir, rdir):
    want = ["day,requests," + ",".join(CLASSES) +
            ",legacy_requests,legacy_share,amnesty_requests,amnesty_share,"
            "status_434,legacy_clients"]
    for day in sorted(t.day):
        d = t.day[day]
        cells = ['"%s"' % day, str(d["requests"])]
        cells += [str(d[c]) for c in CLASSES]
        cells += [str(d["legacy"]), share(d["legacy"], d["requests"]),
                  str(d["amnesty"]), share(d["amnesty"], d["requests"]),
                  str(d["434"]), str(len(t.day_legacy_clients[day]))]
        want.append(",".join(cells))
    want = [dict(zip(want[0].split(","), w.replace('"', "").split(",")))
            for w in want[1:]]
    names = list(want[0]) if want else []
    got = [tuple(r.get(n, "0") for n in names)
           for r in dict_rows(os.path.join(rdir, "daily.csv"))]
    want = [tuple(w[n] for n in names) for w in want]
    return None if got == want else first_diff(got, want)


def check_amnesty(t, truth_dir, rdir):
    want = [(c, str(t.amn[c]), str(t.leg[c]), share(t.amn[c], t.leg[c]),
             str(len(t.amn_days[c])))
            for c in sorted(t.amn, key=lambda c: (-t.amn[c], c))]
    got = [(r["client"], r["amnesty_requests"], r["legacy_requests"],
            r["amnesty_share"], r["amnesty_days"])
           for r in dict_rows(os.path.join(rdir, "amnesty.csv"))]
    return None if got == want else first_diff(got, want)


def check_outreach(t, truth_dir, rdir, registry):
    known = set()
    if registry:
        known = {r["client"] for r in dict_rows(registry)}
    want = sorted((c, str(t.leg[c]), str(t.amn[c]),
                   "yes" if c in known else "no") for c in t.leg)
    got = sorted((r["client"], r["legacy_requests"], r["amnesty_requests"],
                  r["in_registry"])
                 for r in dict_rows(os.path.join(rdir, "outreach.csv"))
                 if r["legacy_requests"] not in ("", "0"))
    return None if got == want else first_diff(got, want)


def gonogo_want(t, phase):
    last = max(t.day)
    days = sorted(t.day)
    first = days[max(0, len(days) - WINDOW)]
    refused = defaultdict(int)
    total = defaultdict(int)
    for day, client, legacy, amnesty, n, s434 in t.rows:
        if first <= day <= last:
            total[client] += n
            if OLD_434:
                s434 = False
            if legacy and not s434 and (phase == "amnesty-ends" or
                                        not amnesty):
                refused[client] += n
    # a client whose every legacy request since its last success was
    # refused (434) is in state refused: not newly refused by a phase
    last_leg, last_ok = {}, {}
    for day, client, legacy, amnesty, n, s434 in t.rows:
        if legacy and day <= last:
            last_leg[client] = max(last_leg.get(client, ""), day)
            if not s434:
                last_ok[client] = max(last_ok.get(client, ""), day)
    rows = [(c, str(refused[c]), str(total[c]))
            for c in sorted(refused, key=lambda c: (-refused[c], c))
            if refused[c]]
    newly = sum(n for c, n in refused.items()
                if last_leg.get(c, "") <= last_ok.get(c, ""))
    return rows, newly, sum(total.values())


def check_gonogo(t, truth_dir, rdir, phase):
    rows, refused, total = gonogo_want(t, phase)
    got = [(r["client"], r["refused_requests"], r["all_requests"])
           for r in dict_rows(os.path.join(rdir, "gonogo-%s.csv" % phase))
           if r["refused_requests"] != "0"]  # listed: refused with 434
    # the order of clients with equal refused counts is the report's own
    if sorted(got) != sorted(rows):
        return first_diff(sorted(got), sorted(rows))
    if [int(g[1]) for g in got] != [int(w[1]) for w in rows]:
        return "not in descending order of refused requests"
    verdict = read(os.path.join(rdir, "gonogo-%s.txt" % phase))
    m = re.search(r"refuse (\d+) of (\d+) requests", verdict)
    if not m or (int(m.group(1)), int(m.group(2))) != (refused, total):
        return "verdict %r, want refuse %d of %d" % (
            verdict.split("\n")[0], refused, total)
    return None


def main():
    truth_dir, rdir = sys.argv[1], sys.argv[2]
    registry = sys.argv[3] if len(sys.argv) > 3 else None
    t = Truth(os.path.join(truth_dir, "counts.csv"))
    checks = [("migration", "migration.csv", check_migration),
              ("summary", "summary.csv", check_summary),
              ("daily", "daily.csv", check_daily),
              ("amnesty", "amnesty.csv", check_amnesty),
              ("outreach", "outreach.csv",
               lambda a, b, c: check_outreach(a, b, c, registry))]
    for p in PHASES:
        checks.append(("gonogo " + p, "gonogo-%s.csv" % p,
                       lambda a, b, c, p=p: check_gonogo(a, b, c, p)))
    bad = 0
    for name, fname, fn in checks:
        if not os.path.exists(os.path.join(rdir, fname)):
            print("truth %-30s not checked (no report)" % name)
            continue
        why = fn(t, truth_dir, rdir)
        print("truth %-30s %s" % (name, "equal" if why is None
                                  else "DIFFERENT: " + why))
        bad += why is not None
    sys.exit(1 if bad else 0)


main()
