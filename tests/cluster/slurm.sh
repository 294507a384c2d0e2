#!/usr/bin/env bash
# A sweep as a Slurm job array, on a real single-node Slurm started here: Debian's slurm-wlm
# (slurmctld + slurmd) and munge on localhost, every file under a temporary folder, stopped on
# exit. `iclab sweep slurm --submit` submits a small Markov sweep as an array of 3 shards with the
# merge as a job that waits for it; the test waits for the merge, checks every job succeeded, and
# compares the merged sweep with the same spec run here on 2 threads and merged: the same seeds
# give the same numbers on the CPU backend, so everything but wall times and hosts must match.
#   bash tests/cluster/slurm.sh      (root: slurmd runs jobs as their user; scripts/setup.sh test
#                                     installs slurm-wlm and munge)
source "$(dirname "$0")/../../scripts/lib.sh"
cd "$ROOT"
ICLAB="$CARGO_TARGET_DIR/release/iclab"
[ -x "$ICLAB" ] || cargo build --release --bin iclab
for tool in slurmctld slurmd sbatch squeue sinfo scontrol munged mungekey; do
  command -v "$tool" >/dev/null || { echo "slurm test: $tool is missing (bash scripts/setup.sh test installs slurm-wlm and munge)" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "slurm test: needs root (slurmd starts jobs as their user)" >&2; exit 1; }

BASE=$(mktemp -d /tmp/iclab-slurm.XXXXXX)
chmod 755 "$BASE"
export SLURM_CONF="$BASE/slurm.conf"
NODE=$(hostname -s)
mkdir -p "$BASE"/{munge,state,log,run} "$BASE/spool/slurmd-$NODE"
chmod 755 "$BASE/munge"
MUNGE_SOCKET="$BASE/munge/munge.socket.2"

stop() {
  scontrol shutdown >/dev/null 2>&1 || true
  for _ in $(seq 1 40); do
    pgrep -f "slurm(ctld|d) -f $SLURM_CONF" >/dev/null || break
    sleep 0.25
  done
  pkill -f "slurm(ctld|d) -f $SLURM_CONF" 2>/dev/null || true
  munged -S "$MUNGE_SOCKET" --stop >/dev/null 2>&1 || true
  rm -rf "$BASE"
}
fail() {
  echo "slurm test: $*" >&2
  for log in "$BASE"/log/*.log "$BASE"/runs-cluster/slurm/*.out; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
  done
  exit 1
}
trap stop EXIT

started=$(date +%s)
mungekey --create --keyfile="$BASE/munge/munge.key" >/dev/null
chmod 600 "$BASE/munge/munge.key"
munged --force --key-file="$BASE/munge/munge.key" --socket="$MUNGE_SOCKET" \
  --pid-file="$BASE/munge/munged.pid" --log-file="$BASE/log/munged.log" --seed-file="$BASE/munge/munged.seed"
# ports away from a system Slurm's 6817/6818
cat > "$SLURM_CONF" <<CONF
ClusterName=iclabtest
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MUNGE_SOCKET
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool/slurmd-%n
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd-%n.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
MailProg=/bin/true
MpiDefault=none
SwitchType=switch/none
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
DependencyParameters=kill_invalid_depend
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
$(slurmd -C | head -1) NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -f "$SLURM_CONF" -c -i
slurmd -f "$SLURM_CONF" -c
state=""
for _ in $(seq 1 120); do
  state=$(sinfo -h -N -n "$NODE" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "the node did not come up (state '$state')"
echo "slurm test: single-node Slurm $(sinfo -V | awk '{print $2}') up in $(( $(date +%s) - started )) s"

# 6 runs (2 state counts × 3 seeds), a few seconds each
cat > "$BASE/spec.json" <<'SPEC'
{
  "experiment": "markov",
  "base": { "evalSequences": 64 },
  "axes": [{ "key": "task.states", "values": [2, 3] }],
  "seeds": [0, 1, 2],
  "schedule": { "steps": 60, "every": 20 }
}
SPEC
ids=$("$ICLAB" --json sweep slurm "$BASE/spec.json" --dir "$BASE/runs-cluster" --shards 3 \
  --out "$BASE/cluster.json" --time 00:10:00 --submit)
array=$(node -e 'console.log(JSON.parse(process.argv[1]).arrayJob)' "$ids")
merge=$(node -e 'console.log(JSON.parse(process.argv[1]).mergeJob)' "$ids")
echo "slurm test: array job $array (3 tasks), merge job $merge"
for _ in $(seq 1 600); do
  [ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && break
  sleep 0.5
done
[ -z "$(squeue -h -j "$array,$merge" 2>/dev/null)" ] && echo "slurm test: jobs left the queue" || fail "jobs still queued after 300 s"
# every job completed with exit code 0 (the job completion log keeps one line per job)
sleep 1
completed=$(grep -c "JobState=COMPLETED" "$BASE/log/jobcomp.txt" || true)
[ "$completed" -eq 4 ] || fail "expected 4 completed jobs (3 array tasks and the merge), found $completed: $(cat "$BASE/log/jobcomp.txt")"
[ -f "$BASE/cluster.json" ] || fail "the merge job wrote no sweep"
hosts=$(node -e 'const d = require(process.argv[1]); console.log([...new Set(d.runner.runs.map((r) => r.host))].join(","))' "$BASE/cluster.json")
[ "$hosts" = "$(cat /proc/sys/kernel/hostname)" ] || fail "runs came from '$hosts'"

# the same spec here, on 2 threads
"$ICLAB" sweep run "$BASE/spec.json" --dir "$BASE/runs-local" --jobs 2 >/dev/null 2>&1
"$ICLAB" sweep merge "$BASE/spec.json" --dir "$BASE/runs-local" --out "$BASE/local.json" >/dev/null
node -e '
const [a, b] = process.argv.slice(1).map((f) => require(f));
const strip = (d) => d.runs.map(({ wallSeconds, ...rest }) => rest);
const [x, y] = [strip(a), strip(b)];
if (x.length !== 6) throw new Error(`the cluster sweep has ${x.length} runs, not 6`);
if (JSON.stringify(x) !== JSON.stringify(y)) {
  console.error(JSON.stringify(x, null, 1), JSON.stringify(y, null, 1));
  throw new Error("the Slurm array and the local run differ");
}
const shards = new Set(a.runner.runs.map((r) => r.index % 3));
if (shards.size !== 3) throw new Error("not every shard ran");
' "$BASE/cluster.json" "$BASE/local.json" || fail "the merged sweeps differ"
echo "slurm test: the array's merged sweep equals the local run (6 runs) — passed in $(( $(date +%s) - started )) s"
