#!/usr/bin/env bash
# Starts a single-node Slurm on this machine (Debian's slurm-wlm and munge), for trying the
# job-array scripts: one controller and one compute node, both "localhost", with every core.
# Needs root. Not for CI. Idempotent: restarts the daemons with a fresh config.
#
#   sudo scripts/slurm/start-local-slurm.sh      # then: sinfo; scripts/slurm/submit.sh ...
#   scripts/slurm/start-local-slurm.sh stop
#
# No systemd and no cgroup delegation are assumed (containers): processes are tracked with
# proctrack/linuxproc and tasks are not confined (task/none). Accounting is off (sacct does
# not work; use squeue, scontrol and the job output files).
set -euo pipefail

# Stops the daemons this script started, by the process ids in their pid files.
stop_daemons() {
    for pidfile in /run/slurmd.pid /run/slurmctld.pid "$@"; do
        if [ -s "$pidfile" ]; then kill "$(cat "$pidfile")" 2>/dev/null || true; fi
    done
    sleep 1
}

if [ "${1:-}" = "stop" ]; then
    stop_daemons /run/munge/munged.pid
    exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge
fi

host=$(hostname -s)
cpus=$(nproc)
memory_mb=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 - 1024 ))

# munge: a key, its directories, the daemon.
mkdir -p /etc/munge /var/lib/munge /var/log/munge /run/munge
[ -s /etc/munge/munge.key ] || dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key 2>/dev/null
chown -R munge:munge /etc/munge /var/lib/munge /var/log/munge /run/munge 2>/dev/null || true
chmod 0400 /etc/munge/munge.key
chmod 0700 /etc/munge /var/lib/munge /var/log/munge
chmod 0755 /run/munge
if [ -s /run/munge/munged.pid ]; then kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true; sleep 0.5; fi
if id munge >/dev/null 2>&1; then
    runuser -u munge -- /usr/sbin/munged
else
    /usr/sbin/munged --force
fi
munge -n | unmunge >/dev/null

# Slurm: one node with every core; consumable cores, so array tasks of one CPU run side by side.
mkdir -p /etc/slurm /var/spool/slurmctld /var/spool/slurmd /var/log/slurm
cat > /etc/slurm/slurm.conf <<CONF
ClusterName=latsim-local
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=/var/spool/slurmctld
SlurmdSpoolDir=/var/spool/slurmd
SlurmctldPidFile=/run/slurmctld.pid
SlurmdPidFile=/run/slurmd.pid
SlurmctldLogFile=/var/log/slurm/slurmctld.log
SlurmdLogFile=/var/log/slurm/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
MaxArraySize=1001
NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} RealMemory=${memory_mb} State=UNKNOWN
PartitionName=local Nodes=${host} Default=YES MaxTime=INFINITE State=UP
CONF
# slurmd 22.05 always loads a cgroup plugin; cgroup/v1 (hybrid hosts and containers) with
# nothing constrained, or cgroup/v2 on a pure v2 host.
if [ -d /sys/fs/cgroup/cpuset ] || [ -d /sys/fs/cgroup/freezer ]; then cgroup_plugin=cgroup/v1; else cgroup_plugin=cgroup/v2; fi
cat > /etc/slurm/cgroup.conf <<CONF
CgroupPlugin=${cgroup_plugin}
ConstrainCores=no
ConstrainRAMSpace=no
ConstrainDevices=no
CONF

stop_daemons
/usr/sbin/slurmctld -c      # -c: clear old state (jobs of an earlier session)
/usr/sbin/slurmd
for _ in $(seq 1 30); do
    if sinfo -h -o %T 2>/dev/null | grep -Eq '^(idle|mixed|allocated)'; then break; fi
    sleep 1
done
scontrol update NodeName="${host}" State=RESUME >/dev/null 2>&1 || true
sinfo
