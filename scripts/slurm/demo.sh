#!/usr/bin/env bash
# End-to-end check on a running Slurm (e.g. scripts/slurm/start-local-slurm.sh): a job array of
# shards and a dependent merge job, then a byte comparison with the one-machine sweep.
#
#   scripts/slurm/demo.sh [OUT] 2>&1 | tee scripts/slurm/example-run.log
#
# LATSIM names the binary (default: .build/release/latsim, else .build/debug/latsim).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=$(realpath -m "${1:-out/slurm-demo}")
latsim=${LATSIM:-}
if [ -z "$latsim" ]; then
    if [ -x .build/release/latsim ]; then latsim=.build/release/latsim; else latsim=.build/debug/latsim; fi
fi
latsim=$(realpath "$latsim")
config=experiments/sync-vs-async.yaml
args=(--replications 6 --set horizon=2s)
count=6
rm -rf "$out"
mkdir -p "$out"
echo "== $(date -u +%FT%TZ) $(sinfo --version) on $(hostname -s), $(nproc) cores; latsim $("$latsim" --version)"
sinfo
echo "== plan"
"$latsim" sweep "$config" "${args[@]}" --plan --shard "0/$count"
echo "== submit"
LATSIM=$latsim scripts/slurm/submit.sh "$config" "$out" "$count" -- "${args[@]}" | tee "$out/submit.txt"
array=$(awk '{print $4}' "$out/submit.txt")
merge=$(awk '{print $11}' "$out/submit.txt")
squeue -o "%.12i %.14j %.10T %.12r %.6C %R"
echo "== waiting for merge job $merge"
while squeue -h -j "$merge" 2>/dev/null | grep -q .; do sleep 1; done
for file in "$out"/latsim-shard-*.out; do echo "-- $(basename "$file")"; cat "$file"; done
for file in "$out"/latsim-merge-*.out; do
    echo "-- $(basename "$file") (summary table cut to its first and last lines)"
    head -n 3 "$file"; echo "..."; tail -n 3 "$file"
done
echo "== job records (scontrol, while the controller remembers them; no accounting: no sacct)"
fields='^(JobId|JobName|ArrayTaskId|JobState|ExitCode|Dependency|StartTime|EndTime|NodeList)='
for job in "$array" "$merge"; do
    scontrol -o show job "$job" 2>/dev/null | tr ' ' '\n' | grep -E "$fields" | paste -sd' ' | sed 's/ JobId=/\nJobId=/g' || true
done
echo "== one-machine sweep, then byte comparison"
"$latsim" sweep "$config" "${args[@]}" --out "$out/one-machine" --quiet > /dev/null
status=0
for file in summary.csv aggregate.csv comparison.csv; do
    if cmp "$out/one-machine/$file" "$out/merged/$file"; then echo "identical: $file ($(wc -l < "$out/merged/$file") lines)"; else status=1; fi
done
diff <(grep -v command_line "$out/one-machine/run.json") <(grep -v command_line "$out/merged/run.json") && echo "identical: run.json but command_line" || status=1
grep command_line "$out/merged/run.json"
echo "== an interrupted shard: shard 3's manifest removed (as if killed before its last rename)"
rm "$out/shards/shard-00003-of-00006.json"
"$latsim" merge "$out/shards" --out "$out/partial" --quiet && status=1 || echo "(merge exit code $?)"
echo "== resubmitting the same array: complete shards skip, shard 3 runs again, then the merge"
LATSIM=$latsim scripts/slurm/submit.sh "$config" "$out" "$count" -- "${args[@]}" | tee "$out/submit2.txt"
merge2=$(awk '{print $11}' "$out/submit2.txt")
while squeue -h -j "$merge2" 2>/dev/null | grep -q .; do sleep 1; done
array2=$(awk '{print $4}' "$out/submit2.txt")
cat "$out"/latsim-shard-"$array2"_*.out
tail -n 1 "$out"/latsim-merge-"$merge2".out
for file in summary.csv aggregate.csv comparison.csv; do
    if cmp "$out/one-machine/$file" "$out/merged/$file"; then echo "identical after resume: $file"; else status=1; fi
done
exit $status
