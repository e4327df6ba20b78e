"""Build a database of the store's schema 2 from the generator's truth
(BASE.counts.csv and BASE.legacy.csv from loggen --legacy-truth), for
testing the reports before ingest writes schema 2.

usage: truthdb.py BASE OUT.db
       truthdb.py --upgrade IN.db OUT.db ROUTE

Legacy rows take their first and last times from the per-request truth;
other rows (the truth has no times for them) the day's first second.

--upgrade copies a schema-1 database made from a small hand-made log
into schema 2, for a log whose legacy requests all have status 200, no
amnesty, one credential per client and day and the one path ROUTE.
"""
import calendar
import csv
import sqlite3
import sys
from collections import defaultdict

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE classes(name TEXT PRIMARY KEY, legacy INTEGER NOT NULL,
  ord INTEGER NOT NULL);
CREATE TABLE files(id INTEGER PRIMARY KEY, head_fp TEXT NOT NULL UNIQUE,
  head_len INTEGER NOT NULL, short_fp TEXT NOT NULL, bytes INTEGER NOT NULL,
  lines INTEGER NOT NULL, bad INTEGER NOT NULL, pending INTEGER NOT NULL,
  gzip INTEGER NOT NULL, state TEXT NOT NULL, first_ingested TEXT NOT NULL,
  last_ingested TEXT NOT NULL);
CREATE TABLE file_names(file_id INTEGER NOT NULL, name TEXT NOT NULL,
  PRIMARY KEY(file_id, name));
CREATE TABLE counts(day TEXT, client TEXT, class TEXT, amnesty INTEGER,
  status INTEGER, n INTEGER, first INTEGER, last INTEGER,
  PRIMARY KEY(day, client, class, amnesty, status)) WITHOUT ROWID;
CREATE INDEX counts_client ON counts(client, day);
CREATE TABLE agents(day TEXT, client TEXT, class TEXT, agent TEXT,
  n INTEGER, PRIMARY KEY(day, client, class, agent)) WITHOUT ROWID;
CREATE TABLE creds(day TEXT, client TEXT, class TEXT, fp TEXT,
  amnesty INTEGER, status INTEGER, n INTEGER, first INTEGER, last INTEGER,
  PRIMARY KEY(day, client, class, fp, amnesty, status)) WITHOUT ROWID;
CREATE TABLE cred_agents(day TEXT, client TEXT, fp TEXT, agent TEXT,
  n INTEGER, PRIMARY KEY(day, client, fp, agent)) WITHOUT ROWID;
CREATE TABLE routes(day TEXT, client TEXT, fp TEXT, route TEXT, n INTEGER,
  PRIMARY KEY(day, client, fp, route)) WITHOUT ROWID;
INSERT INTO meta VALUES('schema', '2');
"""
CLASSES = ["api_key", "pat", "oauth", "session", "none", "unknown"]


def day_start(day):
    y, m, d = map(int, day.split("-"))
    return calendar.timegm((y, m, d, 0, 0, 0))


def span(t, key, when):
    if key in t:
        t[key] = (min(t[key][0], when), max(t[key][1], when))
    else:
        t[key] = (when, when)


def main(base, out):
    times = {}
    agents = defaultdict(int)
    creds = defaultdict(int)
    ctimes = {}
    cagents = defaultdict(int)
    routes = defaultdict(int)
    with open(base + ".legacy.csv", newline="") as f:
        for r in csv.DictReader(f):
            t = int(r["time"])
            a, s = int(r["amnesty"]), int(r["status"])
            span(times, (r["day"], r["client"], "api_key", a, s), t)
            agents[(r["day"], r["client"], "api_key", r["agent"])] += 1
            k = (r["day"], r["client"], "api_key", r["fp"], a, s)
            creds[k] += 1
            span(ctimes, k, t)
            cagents[(r["day"], r["client"], r["fp"], r["agent"])] += 1
            routes[(r["day"], r["client"], r["fp"], r["route"])] += 1
    db = sqlite3.connect(out)
    db.executescript(SCHEMA)
    db.executemany("INSERT INTO classes VALUES(?, ?, ?)",
                   [(c, int(c == "api_key"), i)
                    for i, c in enumerate(CLASSES)])
    with open(base + ".counts.csv", newline="") as f:
        for r in csv.DictReader(f):
            k = (r["day"], r["client"], r["class"], int(r["amnesty"]),
                 int(r["status"]))
            first, last = times.get(k, (day_start(r["day"]),) * 2)
            db.execute("INSERT INTO counts VALUES(?,?,?,?,?,?,?,?)",
                       k + (int(r["requests"]), first, last))
    db.executemany("INSERT INTO agents VALUES(?,?,?,?,?)",
                   [k + (n,) for k, n in agents.items()])
    db.executemany("INSERT INTO creds VALUES(?,?,?,?,?,?,?,?,?)",
                   [k + (n,) + ctimes[k] for k, n in creds.items()])
    db.executemany("INSERT INTO cred_agents VALUES(?,?,?,?,?)",
                   [k + (n,) for k, n in cagents.items()])
    db.executemany("INSERT INTO routes VALUES(?,?,?,?,?)",
                   [k + (n,) for k, n in routes.items()])
    db.commit()
    db.close()


def upgrade(src, out, route):
    db = sqlite3.connect(out)
    db.executescript(SCHEMA)
    db.execute("ATTACH ? AS old", (src,))
    db.executescript("""
INSERT INTO classes SELECT * FROM old.classes;
INSERT INTO counts SELECT day, client, class, amnesty, status, sum(n),
  min(first), max(last) FROM old.counts GROUP BY 1, 2, 3, 4, 5;
INSERT INTO agents SELECT day, client, class, agent, sum(n)
  FROM old.agents GROUP BY 1, 2, 3, 4;
INSERT INTO creds SELECT c.day, c.client, c.class, c.fp, 0, 200, sum(c.n),
  (SELECT min(first) FROM old.counts k WHERE k.day = c.day
   AND k.client = c.client AND k.class = c.class),
  (SELECT max(last) FROM old.counts k WHERE k.day = c.day
   AND k.client = c.client AND k.class = c.class)
  FROM old.creds c GROUP BY 1, 2, 3, 4;
INSERT INTO cred_agents SELECT a.day, a.client, c.fp, a.agent, sum(a.n)
  FROM old.agents a JOIN (SELECT DISTINCT day, client, fp FROM old.creds) c
  USING (day, client) GROUP BY 1, 2, 3, 4;
""")
    db.execute("INSERT INTO routes SELECT day, client, fp, ?, sum(n)"
               " FROM old.creds GROUP BY 1, 2, 3", (route,))
    db.commit()
    db.close()


if sys.argv[1] == "--upgrade":
    upgrade(sys.argv[2], sys.argv[3], sys.argv[4])
else:
    main(sys.argv[1], sys.argv[2])
