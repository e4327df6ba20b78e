# deploy/kubernetes/: the manifests parse as YAML and use only fields of
# the Kubernetes API they are meant for, with consistent volumes and an
# Indexed Job dealing files by its completions; then each container's
# script runs here, with the volumes' paths made local, for every index
# of the ingest Job (more pods than files: some get none) and for the
# merge Job: the result equals a single ingest.
# run.sh: once (the manifests and their scripts do not depend on the build)
. "$TOP/tests/cli/lib.sh"
python3 -c 'import yaml' 2>/dev/null ||
	fail "python3-yaml is missing (make deps installs it)"
python3 "$TOP/tests/scripts/check_k8s.py" "$TOP"/deploy/kubernetes/*.yaml \
	> scripts.jsonl || fail "the manifests"
check_eq "$(wc -l < scripts.jsonl)" 2 "two containers"

mkdir gen logs work
for s in 1 2 3 4 5 6; do
	"$LOGGEN" --layout combined --lines $((s * 300)) --seed $s \
		--key-file test.key -o gen/$s.log
	mv gen/$s.log logs/
done
# and a gzip still being written: ingest exits 1, which fails no job
"$LOGGEN" --layout combined --lines 2000 --seed 7 --key-file test.key \
	-o gen/7.log
gzip -c gen/7.log | head -c 20000 > logs/7.log.gz
expect_exit 1 "$KEYAUDIT" ingest -q --db one.db logs 2>/dev/null
"$KEYAUDIT" report migration --db one.db -o one.csv
export PATH="$(dirname "$KEYAUDIT"):$PATH"
# run.py JOB INDEX: the job's script with /logs, /work, /secrets here
python3 - "$T" scripts.jsonl <<'PY' > run.sh
import json, shlex, sys
T = sys.argv[1]
for line in open(sys.argv[2]):
    s = json.loads(line)
    script = s["script"].replace("/logs/", f"{T}/logs/") \
        .replace("/work/", f"{T}/work/")
    env = {k: v.replace("/secrets/keyaudit.key", f"{T}/test.key")
           for k, v in s["env"].items()}
    for i in range(s["completions"]):
        vars = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        print(f"JOB_COMPLETION_INDEX={i} {vars} sh -c {shlex.quote(script)}"
              f" || exit 1")
PY
sh run.sh || fail "a pod's script failed"
check_eq "$(ls work/shard-*.db | wc -l)" 7 "a shard per file, none empty"
db_counts one.db > want.csv
db_counts work/total.db > got.csv
check_files got.csv want.csv "merged pods against a single ingest"
check_files work/migration.csv one.csv "the merge Job's report"
