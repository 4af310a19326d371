#!/usr/bin/env bash
# Kills `latsim run --out DIR` with SIGKILL, SIGINT and SIGTERM at random moments, many times,
# and checks after each kill that DIR holds the old complete output set or the new complete
# one: the same files, byte for byte, as an uninterrupted run, and nothing else.
#
#   scripts/kill-loop.sh [ITERATIONS] [LATSIM]      # default 40, .build/debug/latsim
#
# Two seeds alternate, so the old and the new set always differ. Half the kills land at a
# uniformly random time over a whole run; the other half wait until the run's new set appears
# beside DIR (the hidden `.out.latsim-new-*` sibling: the write has begun) and then land within
# the write. A kill finds the write under way when that sibling exists as it is sent.
# Afterwards: every outcome is "old" or "new" (never a mix); SIGINT and SIGTERM leave no
# temporary behind; what SIGKILL leaves is removed by the next run. Exit 1 on any violation.
set -uo pipefail
set -m   # job control: a background run must not start with SIGINT ignored (bash's default without it)
iterations=${1:-40}
latsim=${2:-${LATSIM:-.build/debug/latsim}}
config=experiments/quickstart.yaml
args=(--quiet --replications 2 --set trace=true --set horizon=1s --jobs 2)
work=$(mktemp -d "${TMPDIR:-/tmp}/latsim-kill-loop.XXXXXX")
trap 'rm -rf "$work"' EXIT
out=$work/out

run() { "$latsim" run "$config" "${args[@]}" --seed "$1" --out "$out" > /dev/null 2>&1; }
same() { diff -r -q "$out" "$work/ref-$1" > /dev/null 2>&1; }
temporaries() { compgen -G "$work/.out.latsim-*" > /dev/null; }
milliseconds() { date +%s%3N; }

start=$(milliseconds); run 1 || { echo "reference run failed" >&2; exit 1; }
full=$(( $(milliseconds) - start ))
cp -r "$out" "$work/ref-1"
run 2 && cp -r "$out" "$work/ref-2"
state=2
echo "kill loop: $iterations kills of '$latsim run $config ${args[*]}' (an uninterrupted run: ${full} ms; trace.csv $(wc -c < "$work/ref-1/trace.csv") bytes)"

declare -A kept changed during
violations=0 killLeftovers=0 killLeftoversCleaned=0 signalLeftovers=0
signals=(KILL INT TERM)
for ((i = 0; i < iterations; i++)); do
    signal=${signals[RANDOM % 3]}
    seed=$((3 - state))
    "$latsim" run "$config" "${args[@]}" --seed "$seed" --out "$out" > /dev/null 2>&1 &
    pid=$!
    if ((i % 2 == 0)); then
        sleep "$(awk -v r=$RANDOM -v t="$full" 'BEGIN {printf "%.3f", r / 32768 * t * 1.2 / 1000}')"
    else
        until temporaries || ! kill -0 "$pid" 2> /dev/null; do :; done
        ((RANDOM % 3)) && sleep "$(awk -v r=$RANDOM 'BEGIN {printf "%.3f", r / 32768 * 0.03}')"
    fi
    if temporaries; then during[$signal]=$(( ${during[$signal]:-0} + 1 )); fi
    kill -s "$signal" "$pid" 2> /dev/null
    wait "$pid" 2> /dev/null
    if same "$state"; then
        kept[$signal]=$(( ${kept[$signal]:-0} + 1 ))
    elif same "$seed"; then
        changed[$signal]=$(( ${changed[$signal]:-0} + 1 )); state=$seed
    else
        violations=$((violations + 1))
        echo "VIOLATION after SIG$signal (iteration $i): $out is neither the old nor the new set:" >&2
        ls -la "$out" >&2
    fi
    if temporaries; then
        if [ "$signal" = KILL ]; then
            killLeftovers=$((killLeftovers + 1))
            # The next run (a complete one) removes them.
            seed=$((3 - state)); run "$seed"; state=$seed
            if temporaries; then violations=$((violations + 1)); echo "VIOLATION: temporaries survive the next run" >&2
            else killLeftoversCleaned=$((killLeftoversCleaned + 1)); fi
            same "$state" || { violations=$((violations + 1)); echo "VIOLATION: the run after a kill is incomplete" >&2; }
        else
            signalLeftovers=$((signalLeftovers + 1)); violations=$((violations + 1))
            echo "VIOLATION: SIG$signal left temporaries: $(ls -A "$work" | grep latsim- | tr '\n' ' ')" >&2
            rm -rf "$work"/.out.latsim-*
        fi
    fi
done
for signal in "${signals[@]}"; do
    printf 'SIG%-4s  old set kept %3d  new set complete %3d  (write under way when sent: %d)\n' "$signal" \
        "${kept[$signal]:-0}" "${changed[$signal]:-0}" "${during[$signal]:-0}"
done
echo "neither old nor new: $violations; temporaries left by SIGINT/SIGTERM: $signalLeftovers; left by SIGKILL: $killLeftovers, removed by the next run: $killLeftoversCleaned"
[ "$violations" -eq 0 ]
