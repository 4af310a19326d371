#!/usr/bin/env bash
# Submits a latsim sweep to Slurm: a job array of N shards, then a merge job that runs only
# if every shard succeeded (--dependency=afterok).
#
#   scripts/slurm/submit.sh [--time T] [--mem M] [--throttle K] [--cpus C] CONFIG OUT [N] [-- sweep options...]
#   LATSIM=/shared/latsim/bin/latsim scripts/slurm/submit.sh --time 30:00 --mem 2G --throttle 64 \
#       experiments/sync-vs-async.yaml /shared/out 256 -- --replications 400
#
# --time: each shard's (and the merge's) time limit (sbatch --time; e.g. 30:00, 2:00:00);
# --mem: memory per shard (sbatch --mem; e.g. 2G); --throttle: at most K shards running at once
# (--array=0-(N-1)%K); --cpus: cores per shard (its --jobs; default 1). N defaults to the count
# `latsim sweep CONFIG --plan` proposes. Extra sbatch options (partition, account) go in
# SBATCH_OPTIONS.
#
# Node requirements: every node runs the same latsim binary, found at the same path (LATSIM),
# built by `make install PREFIX=/shared/latsim` (or scripts/build-release.sh): it links the
# Swift runtime and GSL statically, so nodes need only x86-64 Linux with glibc 2.35+,
# libstdc++ (GLIBCXX_3.4.30+) and libgcc_s, no Swift and no GSL. CONFIG (and any preset or empirical-latency
# file it names) and OUT must be on a file system every node sees, at the same path; the jobs
# run in the submitting directory (--chdir). Merge refuses shards of another version.
# Prints the two job ids; the merged files appear in OUT/merged when the merge job ends.
set -euo pipefail
time_limit="" memory="" throttle="" cpus=1
while [ $# -gt 0 ]; do
    case "$1" in
        --time) time_limit=$2; shift 2 ;;
        --mem) memory=$2; shift 2 ;;
        --throttle) throttle=$2; shift 2 ;;
        --cpus) cpus=$2; shift 2 ;;
        --*) echo "$0: unknown option $1; allowed: --time T, --mem M, --throttle K, --cpus C" >&2; exit 2 ;;
        *) break ;;
    esac
done
if [ -n "$throttle" ] && ! [[ "$throttle" =~ ^[1-9][0-9]*$ ]]; then
    echo "$0: --throttle must be a positive integer; given $throttle" >&2; exit 2
fi
if ! [[ "$cpus" =~ ^[1-9][0-9]*$ ]]; then echo "$0: --cpus must be a positive integer; given $cpus" >&2; exit 2; fi
if [ $# -lt 2 ]; then
    echo "usage: $0 [--time T] [--mem M] [--throttle K] [--cpus C] CONFIG OUT [N] [-- sweep options...]" >&2
    exit 2
fi
limits=(${time_limit:+--time="$time_limit"})
shard_limits=("${limits[@]}" ${memory:+--mem="$memory"} --cpus-per-task="$cpus")
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
array=$(sbatch --parsable ${SBATCH_OPTIONS:-} "${shard_limits[@]}" --export=ALL,LATSIM="$latsim" --array=0-$((count - 1))${throttle:+%$throttle} \
        --chdir="$PWD" --output="$out/latsim-shard-%A_%a.out" "$here/latsim-shard.sbatch" "$config" "$out" "$count" "$@")
array=${array%%;*}
# shellcheck disable=SC2086
merge=$(sbatch --parsable ${SBATCH_OPTIONS:-} ${limits[@]+"${limits[@]}"} --export=ALL,LATSIM="$latsim" --dependency=afterok:"$array" \
        --chdir="$PWD" --output="$out/latsim-merge-%j.out" "$here/latsim-merge.sbatch" "$out")
merge=${merge%%;*}
echo "submitted: array job $array (shards 0-$((count - 1)) of $count), merge job $merge (afterok:$array); output in $out"
