"""Simulate days of nginx writing and logrotate rotating, running
keyaudit between steps; check exactly-once counting after every run.

usage: rotate.py KEYAUDIT LOG [ORACLE [DAYS]]   (in a scratch directory)

ORACLE is the keyaudit that makes the clean ingests the runs are checked
against (default KEYAUDIT): the plain build's, when the one under test
is a slower sanitizer build.  LOG is written over DAYS days (default
30); with 12 or more, each kind of day below comes at least once: a
second run (day 3), concurrent runs (day 5), copytruncate (day 8).
"""
import gzip
import os
import random
import shutil
import sqlite3
import subprocess
import sys

KEYAUDIT, MONTH = sys.argv[1], sys.argv[2]
ORACLE = sys.argv[3] if len(sys.argv) > 3 else KEYAUDIT
DAYS = int(sys.argv[4]) if len(sys.argv) > 4 else 30
LOGDIR = "logs"
DB = "rot.db"
rng = random.Random(42)
data = open(MONTH, "rb").read()
written = bytearray()  # every byte nginx has written, in order
pos = 0
runs = 0


def counts(db):
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT client, day, class, amnesty, status, sum(n) FROM counts "
        "GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5").fetchall()
    con.close()
    return rows


def ingest(*extra, db=DB, path=LOGDIR, check=True, oracle=False):
    global runs
    runs += not oracle
    p = subprocess.run([ORACLE if oracle else KEYAUDIT, "ingest", "-q",
                        "--db", db, *extra, path],
                       capture_output=True, text=True)
    if check and p.returncode not in (0, 1):
        sys.exit(f"ingest failed ({p.returncode}): {p.stderr}")
    return p


oracle_counts = {}  # counts of the lines oracle() has counted so far
oracle_end = 0  # bytes of written they cover


def oracle():
    """Counts of a clean ingest of every complete line written so far:
    the lines new since the last call are ingested alone into a fresh
    database and their counts added to the ones before (counts add up
    line by line), so the oracle does not rely on resuming files."""
    global oracle_end
    end = written.rfind(b"\n") + 1
    if end > oracle_end:
        with open("oracle.log", "wb") as f:
            f.write(written[oracle_end:end])
        for suffix in ("", "-wal", "-shm", ".lock"):
            if os.path.exists("oracle.db" + suffix):
                os.remove("oracle.db" + suffix)
        ingest("--format", "combined", db="oracle.db", path="oracle.log",
               oracle=True)
        for *key, n in counts("oracle.db"):
            oracle_counts[tuple(key)] = oracle_counts.get(tuple(key), 0) + n
        oracle_end = end
    return sorted((*k, n) for k, n in oracle_counts.items())


def check(step):
    got, want = sorted(counts(DB)), oracle()
    if got != want:
        extra = set(got) - set(want)
        missing = set(want) - set(got)
        sys.exit(f"{step}: counts differ: {len(extra)} rows only in the "
                 f"database, {len(missing)} only in a clean ingest; e.g. "
                 f"{sorted(extra)[:2]} / {sorted(missing)[:2]}")


def write(nbytes):
    """nginx appends nbytes (may end mid-line)."""
    global pos
    chunk = data[pos:pos + nbytes]
    pos += len(chunk)
    with open(f"{LOGDIR}/access.log", "ab") as f:
        f.write(chunk)
    written.extend(chunk)


def finish_line():
    """nginx never leaves half a line in a file it stops writing."""
    nl = data.find(b"\n", pos)
    if written and written[-1:] != b"\n" and nl >= 0:
        write(nl + 1 - pos)


def gz(src, dst):
    with open(src, "rb") as f, gzip.open(dst, "wb") as g:
        shutil.copyfileobj(f, g)


def rotate(copy):
    """logrotate with compress and delaycompress: .N.gz -> .N+1.gz,
    .1 -> .2 (compressed, with a run while the .gz is half written),
    then access.log -> .1 by rename, or by copy and truncate."""
    gzs = [x for x in os.listdir(LOGDIR) if x.endswith(".gz")]
    for x in sorted(gzs, key=lambda s: -int(s.split(".")[2])):
        i = int(x.split(".")[2])
        os.rename(f"{LOGDIR}/{x}", f"{LOGDIR}/access.log.{i + 1}.gz")
    if os.path.exists(f"{LOGDIR}/access.log.1"):
        os.rename(f"{LOGDIR}/access.log.1", f"{LOGDIR}/access.log.2")
        compress_with_run_in_between()
    if copy:
        shutil.copy(f"{LOGDIR}/access.log", f"{LOGDIR}/access.log.1")
        open(f"{LOGDIR}/access.log", "wb").close()
    else:
        os.rename(f"{LOGDIR}/access.log", f"{LOGDIR}/access.log.1")
        open(f"{LOGDIR}/access.log", "wb").close()


def compress_with_run_in_between():
    """gzip access.log.2 and run keyaudit while the .gz is half written."""
    src = f"{LOGDIR}/access.log.2"
    gz(src, "full.gz")
    blob = open("full.gz", "rb").read()
    cut = rng.randrange(10, len(blob) - 10)
    with open(f"{LOGDIR}/access.log.2.gz", "wb") as f:
        f.write(blob[:cut])
    p = ingest(check=False)
    if p.returncode not in (0, 1):
        sys.exit(f"run during compression failed: {p.stderr}")
    check("run during compression")
    shutil.copy("full.gz", f"{LOGDIR}/access.log.2.gz")
    os.remove(src)


os.mkdir(LOGDIR)
open(f"{LOGDIR}/access.log", "wb").close()
day = len(data) // DAYS
for d in range(DAYS):
    # a day of writing, in two bursts with runs in between; bursts often
    # end in the middle of a line, which the next one completes
    for burst in range(2):
        write(day // 2 + rng.randrange(-200, 200))
        ingest()
        check(f"day {d} burst {burst}")
    if d % 7 == 3:
        ingest()  # the same files again: nothing new
        check(f"day {d} second run")
    if d % 10 == 5:
        # two runs at once: one waits for the other
        procs = [subprocess.Popen([KEYAUDIT, "ingest", "-q", "--wait", "60",
                                   "--db", DB, LOGDIR]) for _ in range(2)]
        for p in procs:
            if p.wait() not in (0, 1):
                sys.exit("concurrent run failed")
        check(f"day {d} concurrent runs")
    finish_line()
    rotate(copy=d % 9 == 8)
    ingest()
    check(f"day {d} after rotation")

write(len(data) - pos)  # the rest, ending with a newline
ingest()
check("end")
print(f"{runs} runs over {len(os.listdir(LOGDIR))} files: exact")
