#!/usr/bin/env bash
# Submits a latsim sweep to Slurm: a job array of N shards, then a merge job that runs only
# if every shard succeeded (--dependency=afterok).
#
#   scripts/slurm/submit.sh CONFIG OUT [N] [-- sweep options...]
#   LATSIM=/path/to/latsim scripts/slurm/submit.sh experiments/sync-vs-async.yaml /shared/out 8 -- --replications 40
#
# N defaults to the count `latsim sweep CONFIG --plan` proposes. OUT must be on a file system
# every node sees. Extra sbatch options (partition, account, time) go in SBATCH_OPTIONS.
# Prints the two job ids; the merged files appear in OUT/merged when the merge job ends.
set -euo pipefail
if [ $# -lt 2 ]; then
    echo "usage: $0 CONFIG OUT [N] [-- sweep options...]" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
config=$1 out=$2
shift 2
count=""
if [ $# -gt 0 ] && [ "$1" != "--" ]; then count=$1; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
latsim=${LATSIM:-latsim}
if [ -z "$count" ]; then
    count=$("$latsim" sweep "$config" "$@" --plan | awk '/^shards:/ {print $2}')
fi
mkdir -p "$out/shards"
# shellcheck disable=SC2086
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} --export=ALL,LATSIM="$latsim" --array=0-$((count - 1)) \
        --chdir="$PWD" --output="$out/latsim-shard-%A_%a.out" "$here/latsim-shard.sbatch" "$config" "$out" "$count" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} --export=ALL,LATSIM="$latsim" --dependency=afterok:"$array" \
        --chdir="$PWD" --output="$out/latsim-merge-%j.out" "$here/latsim-merge.sbatch" "$out")
merge=${merge%%;*}
echo "submitted: array job $array (shards 0-$((count - 1)) of $count), merge job $merge (afterok:$array); output in $out"
