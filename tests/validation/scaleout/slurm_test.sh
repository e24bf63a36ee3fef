#!/usr/bin/env bash
# The job-list path on a real Slurm: the test starts a single-node cluster (munged, slurmctld and
# slurmd on localhost; keys, config, state and logs in a temp dir), runs the jobs with
# `sbatch --array`, merges, and the merged result must equal a local run byte for byte (wall times
# aside, see compare_results.py). Installs Slurm with `scripts/setup --slurm` (idempotent). When
# Slurm cannot be installed or started here it exits 77, which CTest reports as skipped, saying why.
# usage: slurm_test.sh ACV SOURCE_DIR ONNX_MODELS_DIR WORK_DIR
set -u
. "$(dirname "$0")/scaleout_lib.sh"
scaleout_setup "$@" || exit 1

skip() { echo "SKIPPED: $*"; exit 77; }

if ! "$SRC/scripts/setup" --slurm > "$WORK/setup.log" 2>&1; then
  tail -5 "$WORK/setup.log"
  skip "cannot install Slurm: scripts/setup --slurm failed (above)"
fi
for b in munged mungekey munge slurmctld slurmd sbatch sinfo scancel; do
  command -v "$b" > /dev/null || skip "$b is not installed although scripts/setup --slurm ran"
done

# munged wants every directory on the socket's path searchable by all, the key private.
CLUSTER=$(mktemp -d /tmp/acv-slurm.XXXXXX) || exit 1
chmod 755 "$CLUSTER"
mkdir -p "$CLUSTER/munge" "$CLUSTER/run" "$CLUSTER/state" "$CLUSTER/spool" "$CLUSTER/log"
chmod 700 "$CLUSTER/munge"; chmod 755 "$CLUSTER/run"
export SLURM_CONF=$CLUSTER/slurm.conf

# Only the daemons this test started, by the ids in their pid files; jobs first.
stop_cluster() {
  if [ -f "$CLUSTER/run/slurmctld.pid" ]; then scancel --quiet --user="$(id -un)" 2>/dev/null; sleep 1; fi
  for pidfile in "$CLUSTER/run/slurmd.pid" "$CLUSTER/run/slurmctld.pid" "$CLUSTER/run/munged.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
  done
  sleep 1
  rm -rf "$CLUSTER"
}
trap stop_cluster EXIT

cluster_log() { tail -n 5 "$CLUSTER"/log/*.log "$CLUSTER/munge/munged.log" 2>/dev/null; }

mungekey --create --keyfile="$CLUSTER/munge/munge.key" > "$WORK/mungekey.log" 2>&1 ||
  { cat "$WORK/mungekey.log"; skip "mungekey cannot create a key"; }
munged --key-file="$CLUSTER/munge/munge.key" --socket="$CLUSTER/run/munge.socket" \
  --pid-file="$CLUSTER/run/munged.pid" --log-file="$CLUSTER/munge/munged.log" \
  --seed-file="$CLUSTER/munge/munged.seed" > "$WORK/munged.log" 2>&1 ||
  { cat "$WORK/munged.log"; skip "munged does not start"; }

# Two free ports on localhost, so a second cluster (another test run) cannot collide.
read -r CTLD_PORT SLURMD_PORT < <(/usr/bin/python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
cat > "$SLURM_CONF" <<CONF
# Written by tests/validation/scaleout/slurm_test.sh: one node on localhost, no cgroups, no accounting.
ClusterName=acvtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$(id -un)
SlurmdUser=$(id -un)
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$CLUSTER/run/munge.socket
StateSaveLocation=$CLUSTER/state
SlurmdSpoolDir=$CLUSTER/spool
SlurmctldPidFile=$CLUSTER/run/slurmctld.pid
SlurmdPidFile=$CLUSTER/run/slurmd.pid
SlurmctldLogFile=$CLUSTER/log/slurmctld.log
SlurmdLogFile=$CLUSTER/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
MpiDefault=none
ReturnToService=2
# Start the next task as soon as one ends (default: batches of batch jobs every 3 s).
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0
InactiveLimit=0
KillWait=5
NodeName=acvnode NodeHostname=$(hostname) NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=acv Nodes=acvnode Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -f "$SLURM_CONF" > "$WORK/slurmctld.out" 2>&1 || { cat "$WORK/slurmctld.out"; cluster_log; skip "slurmctld does not start"; }
slurmd -f "$SLURM_CONF" -N acvnode > "$WORK/slurmd.out" 2>&1 || { cat "$WORK/slurmd.out"; cluster_log; skip "slurmd does not start"; }
state=""
for _ in $(seq 60); do
  state=$(sinfo --noheader --format=%T 2>/dev/null)
  [ "$state" = "idle" ] && break
  sleep 0.5
done
[ "$state" = "idle" ] || { cluster_log; skip "the Slurm node did not come up idle in 30 s (state '$state')"; }
echo "Slurm cluster up: $(sinfo --noheader --format='%P %D %T %c') (config $SLURM_CONF)"

scaleout_local_and_jobs || exit 1
# The job array of docs/validation.md; --wait returns when every task has ended (non-zero if one failed).
cd "$WORK" || exit 1
step "$WORK/sbatch.log" timeout 900 sbatch --wait --array="1-$JOBS%64" --cpus-per-task=1 \
  --output="$CLUSTER/log/task-%A_%a.out" --wrap 'eval "$(sed -n ${SLURM_ARRAY_TASK_ID}p jobs.txt)"' || exit 1
cat "$WORK/sbatch.log"
scaleout_merge_and_compare || exit 1
echo "ok"
