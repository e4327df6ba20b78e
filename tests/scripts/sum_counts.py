"""Add up generator counts files (client,day,class,amnesty,status,requests)
into one, sorted the way db_counts in tests/cli/lib.sh prints them."""
import csv
import sys
from collections import Counter

total = Counter()
for path in sys.argv[1:]:
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            key = (r["client"], r["day"], r["class"], int(r["amnesty"]),
                   int(r["status"]))
            total[key] += int(r["requests"])
print("client,day,class,amnesty,status,requests")
for k in sorted(total):
    print(",".join(str(x) for x in k) + f",{total[k]}")
