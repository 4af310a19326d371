#!/usr/bin/env bash
# Measures the Dask runner with one worker against two on this machine, side by side in one
# run (rounds interleave 1, 2, one-machine, so load from other work on a shared machine hits
# all three alike), and checks every run's bytes against the one-machine sweep.
#
#   bash scripts/dask/measure.sh [ROUNDS]        # uses .build/release/latsim unless LATSIM is set
#
# Prints each run's wall time (the runner's own clock: cluster start, shards, gather; and the
# whole command), the medians, and the ratio one worker / two workers.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds=${1:-3}
venv=${LATSIM_DASK_VENV:-.build/dask-venv}
latsim=${LATSIM:-.build/release/latsim}
[ -x "$venv/bin/python" ] || { echo "run scripts/dask/check.sh first (it creates $venv)" >&2; exit 2; }
config=experiments/sync-vs-async.yaml
args=(--replications 20 --set horizon=300s)
shards=16
work=$(mktemp -d "${TMPDIR:-/tmp}/latsim-dask-measure.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$latsim" sweep "$config" "${args[@]}" --plan --shard "0/$shards" | head -n 3
"$latsim" sweep "$config" "${args[@]}" --quiet --out "$work/reference" > /dev/null   # the bytes every run must give
now() { date +%s.%N; }
declare -A times
for round in $(seq 1 "$rounds"); do
    for mode in dask-1 dask-2 sweep-jobs-1; do
        out="$work/$mode-$round"
        start=$(now)
        case $mode in
            dask-1) "$venv/bin/python" scripts/dask/latsim_dask.py --latsim "$latsim" --workers 1 --shards $shards --out "$out" "$config" -- "${args[@]}" > "$out.log" ;;
            dask-2) "$venv/bin/python" scripts/dask/latsim_dask.py --latsim "$latsim" --workers 2 --shards $shards --out "$out" "$config" -- "${args[@]}" > "$out.log" ;;
            sweep-jobs-1) "$latsim" sweep "$config" "${args[@]}" --jobs 1 --quiet --out "$out" > "$out.log" ;;
        esac
        seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN {printf "%.3f", b - a}')
        times[$mode]="${times[$mode]:-} $seconds"
        same=" (CSV DIFFER from the one-machine sweep)"
        result=$out; [[ $mode == dask-* ]] && result=$out/merged
        cmp -s "$work/reference/summary.csv" "$result/summary.csv" && cmp -s "$work/reference/aggregate.csv" "$result/aggregate.csv" \
            && cmp -s "$work/reference/comparison.csv" "$result/comparison.csv" && same=" (CSV identical to the one-machine sweep)"
        shard_seconds=$(grep -o 'shards [0-9.]* s' "$out.log" | awk '{print $2}' || true)
        [ -n "$shard_seconds" ] && times[$mode-shards]="${times[$mode-shards]:-} $shard_seconds"
        phases=$(grep -o 'cluster start.*' "$out.log" || true)
        printf 'round %d %-13s %7.2f s%s%s\n' "$round" "$mode" "$seconds" "$same" "${phases:+; runner: $phases}"
    done
done
median() { tr ' ' '\n' | grep . | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
one=$(echo "${times[dask-1]}" | median)
two=$(echo "${times[dask-2]}" | median)
serial=$(echo "${times[sweep-jobs-1]}" | median)
echo "median wall time: dask 1 worker $one s, dask 2 workers $two s, latsim sweep --jobs 1 $serial s"
echo "ratio dask 1 worker / 2 workers: $(awk -v a="$one" -v b="$two" 'BEGIN {printf "%.3f", a / b}') (whole command: cluster start, shards, merge)"
one_shards=$(echo "${times[dask-1-shards]}" | median)
two_shards=$(echo "${times[dask-2-shards]}" | median)
echo "ratio of the shard phase (workers up to last shard gathered): $one_shards s / $two_shards s = $(awk -v a="$one_shards" -v b="$two_shards" 'BEGIN {printf "%.3f", a / b}')"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine)"
