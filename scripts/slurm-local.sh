#!/usr/bin/env bash
# A real one-node Slurm cluster on this host, for tests and for trying `--executor slurm` without a cluster.
#
#   scripts/slurm-local.sh start    install slurmctld/slurmd/munge when missing (root), write the configuration,
#                                   start munged, slurmctld and slurmd, wait until the node is idle
#   scripts/slurm-local.sh stop     cancel jobs, stop the three daemons, leave nothing running
#   scripts/slurm-local.sh status   exit 0 when the cluster answers and its node is usable, 3 otherwise
#   scripts/slurm-local.sh env      print `export SLURM_CONF=…` for clients
#
# Test suites sharing the cluster pass `--for PID` (their process id) to start and stop: stop --for PID then only
# stops the cluster when no other live process holds it, so one suite ending does not kill another's jobs. A cluster
# started by hand (no --for) is only stopped by a plain stop.
#
# Every command is idempotent. State, logs and configuration live in $HISTOSCALE_SLURM_DIR (default
# .histoscale-build/slurm in the checkout, ignored by git). munged gets its own key and socket there, so a system munge
# is left alone. When /etc/slurm/slurm.conf does not exist, it is linked to ours while the cluster runs so plain
# `sbatch`/`squeue` work; the link is removed by stop. Needs root (slurmd runs jobs as their submitting user).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${HISTOSCALE_SLURM_DIR:-$ROOT/.histoscale-build/slurm}"
CONF="$DIR/slurm.conf"
ETC_CONF=/etc/slurm/slurm.conf
PARTITION="${HISTOSCALE_SLURM_PARTITION:-debug}"
export SLURM_CONF="$CONF"

say() { printf 'slurm-local: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

need_root() {
  [ "$(id -u)" -eq 0 ] || die "needs root (slurmd must be able to run jobs as any user); run it with sudo"
}

install_packages() {
  local missing="" p
  for p in slurmctld slurmd munge slurm-client; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  command -v apt-get >/dev/null || die "missing packages:$missing (and no apt-get to install them)"
  say "installing Debian packages:$missing"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
}

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

write_config() {
  mkdir -p "$DIR"/{state,spool,log}
  chmod 700 "$DIR"
  local host node cpus mem
  host="$(hostname -s)"
  # slurmd -C reports this host as Slurm sees it: CPUs, sockets, cores, threads and real memory.
  node="$(slurmd -C | head -n 1)"
  cpus="$(sed -n 's/.* CPUs=\([0-9]*\).*/\1/p' <<<"$node")"
  mem="$(sed -n 's/.* RealMemory=\([0-9]*\).*/\1/p' <<<"$node")"
  cat >"$CONF" <<EOF
# Written by scripts/slurm-local.sh: a one-node cluster on $host.
ClusterName=histoscale
SlurmctldHost=$host
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$DIR/munge.socket
CredType=cred/munge
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$DIR/slurmctld.pid
SlurmdPidFile=$DIR/slurmd.pid
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
# Without it a job asking for no memory would be given the whole node.
DefMemPerCPU=$((mem / cpus))
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# No slurmdbd here: finished jobs stay visible to 'scontrol show job' for an hour instead of sacct.
MinJobAge=3600
KillWait=5
InactiveLimit=0
$node State=UNKNOWN
PartitionName=$PARTITION Nodes=$host Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
EOF
}

start_munge() {
  pid_alive "$DIR/munged.pid" && return 0
  if [ ! -s "$DIR/munge.key" ]; then
    (umask 077; dd if=/dev/urandom of="$DIR/munge.key" bs=1024 count=1 status=none)
  fi
  chmod 600 "$DIR/munge.key"
  munged --force --key-file="$DIR/munge.key" --socket="$DIR/munge.socket" --pid-file="$DIR/munged.pid" \
    --log-file="$DIR/log/munged.log" --seed-file="$DIR/munged.seed" \
    || die "munged did not start (log: $DIR/log/munged.log)"
}

link_etc_conf() {
  if [ ! -e "$ETC_CONF" ] && [ ! -L "$ETC_CONF" ]; then
    mkdir -p /etc/slurm
    ln -s "$CONF" "$ETC_CONF"
  fi
}

node_state() { sinfo -h -N -o '%T' 2>/dev/null | head -n 1; }

cluster_ready() {
  scontrol ping 2>/dev/null | grep -q 'is UP' || return 1
  case "$(node_state)" in idle|allocated|mixed|completing) return 0 ;; *) return 1 ;; esac
}

start() {
  need_root
  install_packages
  if pid_alive "$DIR/slurmctld.pid" && pid_alive "$DIR/slurmd.pid" && cluster_ready; then
    say "already running (SLURM_CONF=$CONF)"
    return 0
  fi
  # A half-started cluster is stopped first, so start always ends in the same state.
  stop_daemons
  write_config
  start_munge
  link_etc_conf
  # -i: ignore state of a previous run (jobs, node states) so a restart is clean.
  setsid slurmctld -i -f "$CONF" </dev/null >"$DIR/log/slurmctld.out" 2>&1 || die "slurmctld did not start (log: $DIR/log/slurmctld.log)"
  setsid slurmd -f "$CONF" </dev/null >"$DIR/log/slurmd.out" 2>&1 || die "slurmd did not start (log: $DIR/log/slurmd.log)"
  local i
  for i in $(seq 1 150); do
    if cluster_ready; then
      say "node $(hostname -s) is $(node_state); partition $PARTITION (SLURM_CONF=$CONF)"
      return 0
    fi
    sleep 0.2
  done
  say "the node did not become idle in 30 s: $(node_state)"
  tail -n 20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
  exit 1
}

# Stops the daemon named by a pid file: TERM, then KILL after 10 s.
stop_pid() {
  local file="$1" pid i
  [ -f "$file" ] || return 0
  pid="$(cat "$file")"
  if kill -0 "$pid" 2>/dev/null; then
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null || true
  fi
  rm -f "$file"
}

# Process ids below $1 (children, grandchildren, …).
descendants() {
  local child
  for child in $(ps -o pid= --ppid "$1" 2>/dev/null); do
    echo "$child"
    descendants "$child"
  done
}

stop_daemons() {
  stop_pid "$DIR/slurmd.pid"
  stop_pid "$DIR/slurmctld.pid"
  # Job steps outlive a killed slurmd; ours are the ones started with this cluster's SLURM_CONF.
  local pid
  for pid in $(pgrep -x slurmstepd || true); do
    if tr '\0' '\n' <"/proc/$pid/environ" 2>/dev/null | grep -qx "SLURM_CONF=$CONF"; then
      kill -9 $(descendants "$pid") "$pid" 2>/dev/null || true
    fi
  done
  stop_pid "$DIR/munged.pid"
}

stop() {
  if [ -f "$CONF" ] && pid_alive "$DIR/slurmctld.pid"; then
    scancel --quiet --full --partition="$PARTITION" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
      [ -z "$(squeue -h -t running,completing,pending 2>/dev/null)" ] && break
      sleep 0.2
    done
  fi
  stop_daemons
  if [ -L "$ETC_CONF" ] && [ "$(readlink "$ETC_CONF")" = "$CONF" ]; then rm -f "$ETC_CONF"; fi
  rm -rf "$DIR/leases"
  say "stopped"
}

status() {
  if [ -f "$CONF" ] && pid_alive "$DIR/slurmctld.pid" && pid_alive "$DIR/slurmd.pid" && cluster_ready; then
    sinfo
    return 0
  fi
  say "not running"
  return 3
}

# Leases: one empty file per process id using the cluster.
take_lease() { mkdir -p "$DIR/leases"; : >"$DIR/leases/$1"; }

# Drops lease $1; succeeds when no live process holds the cluster any more.
drop_lease() {
  rm -f "$DIR/leases/$1"
  local f
  for f in "$DIR"/leases/*; do
    [ -e "$f" ] || continue
    [ "$(basename "$f")" = manual ] && return 1  # started by hand: only a plain stop ends it
    if kill -0 "$(basename "$f")" 2>/dev/null; then return 1; fi
    rm -f "$f"
  done
  return 0
}

command="${1:-}"
owner=""
if [ "${2:-}" = "--for" ]; then
  owner="${3:?--for needs a process id}"
fi
case "$command" in
  start) start; take_lease "${owner:-manual}" ;;
  stop)
    if [ -n "$owner" ] && ! drop_lease "$owner"; then
      say "still used by another process; left running"
    else
      stop
    fi
    ;;
  status) status ;;
  env) echo "export SLURM_CONF=$CONF" ;;
  *) echo "usage: $0 start|stop [--for PID] | status | env" >&2; exit 2 ;;
esac
