# deploy/slurm/ under a real Slurm: a single-node cluster (munged,
# slurmctld -D and slurmd -D with a configuration generated here, on
# ports of their own) runs the job array of ingest-array.sbatch over
# three shards of a corpus, then merge.sbatch once the array is done
# (--dependency=afterok); the merged database and its report equal a
# single ingest of every file.  Skipped, with the reason, where the
# daemons cannot start.  Once, in the plain build.
. "$TOP/tests/cli/lib.sh"
skip() {
	echo "skipped: $*"
	exit 77
}
[ "$BUILD" = build-san ] && skip "the scheduler is tested with the plain build"
for c in munged slurmctld slurmd sbatch squeue sinfo; do
	command -v $c >/dev/null ||
		skip "$c is missing (make deps installs slurm-wlm and munge)"
done
[ "$(id -u)" = 0 ] || skip "slurmd runs jobs as their users: it needs root"

# the corpus: six files, dealt to three shards, and a single ingest
mkdir gen logs work
for s in 1 2 3 4 5 6; do
	"$LOGGEN" --layout combined --lines $((s * 400)) --seed $s \
		--key-file test.key -o gen/$s.log
	mv gen/$s.log logs/
done
# and a gzip still being written: ingest exits 1, which fails no job
"$LOGGEN" --layout combined --lines 2000 --seed 7 --key-file test.key \
	-o gen/7.log
gzip -c gen/7.log | head -c 20000 > logs/7.log.gz
expect_exit 1 "$KEYAUDIT" ingest -q --db one.db logs 2>/dev/null
ls "$T"/logs/* | split -n r/3 -d -a 3 - work/shard-
"$KEYAUDIT" report migration --db one.db -o one.csv

# the cluster
host=$(hostname -s)
port=$((20000 + $$ % 20000))
mkdir -p munge state spool log
dd if=/dev/urandom of=munge/munge.key bs=1024 count=1 2>/dev/null
chmod 700 munge
chmod 400 munge/munge.key
cat > slurm.conf <<EOT
ClusterName=keyaudit-test
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.socket.2
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerParameters=sched_interval=1,sched_min_interval=100000
SlurmdParameters=config_overrides
ReturnToService=2
NodeName=$host CPUs=2 RealMemory=1024 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOT
export SLURM_CONF="$T/slurm.conf"
pids=""
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
munged -F -f --key-file="$T/munge/munge.key" \
	--socket="$T/munge/munge.socket.2" --pid-file="$T/munge/munged.pid" \
	--log-file="$T/log/munged.log" --seed-file="$T/munge/seed" \
	2>"$T/log/munged.err" &
pids="$pids $!"
slurmctld -D -f "$SLURM_CONF" 2>"$T/log/slurmctld.err" &
pids="$pids $!"
slurmd -D -f "$SLURM_CONF" 2>"$T/log/slurmd.err" &
pids="$pids $!"
i=0
until sinfo -h -N -o '%T' 2>/dev/null | grep -q '^idle'; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		tail -n 3 log/*.log log/*.err >&2 2>/dev/null
		skip "the Slurm daemons did not start (logs above)"
	fi
	sleep 0.2
done

# the job array, then the merge after it, as the scripts' header says
export WORK="$T/work" PATH="$(dirname "$KEYAUDIT"):$PATH"
cd work
jid=$(sbatch --parsable --array=0-2 "$TOP/deploy/slurm/ingest-array.sbatch")
mid=$(sbatch --parsable --dependency=afterok:$jid \
	"$TOP/deploy/slurm/merge.sbatch")
i=0
while [ -n "$(squeue -h -j "$jid,$mid" 2>/dev/null)" ]; do
	i=$((i + 1))
	[ $i -lt 300 ] || { squeue >&2; fail "the jobs did not finish in 60 s"; }
	sleep 0.2
done
cd "$T"
for k in 0 1 2; do
	[ -s work/shard-00$k.db ] || { cat work/*.out >&2; fail "shard $k"; }
done
[ -s work/total.db ] || { cat work/*.out >&2; fail "the merge job did not run"; }
# the merge ran after every task of the array
merged=$(stat -c %Y work/total.db)
for k in 0 1 2; do
	[ "$(stat -c %Y work/shard-00$k.db)" -le "$merged" ] ||
		fail "shard $k written after the merge"
done
db_counts one.db > want.csv
db_counts work/total.db > got.csv
check_files got.csv want.csv "merged shards against a single ingest"
check_files work/migration.csv one.csv "the merge job's report"
