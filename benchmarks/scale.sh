#!/usr/bin/env bash
# Per-event cost of the call-pattern template at 100 and at 100,000 clients (issue "Compose":
# within 2x). 10,000 requests/s in all, window 8, open arrivals, 1 replication, both designs.
# The figure is the marginal user time between a 20 s and an 80 s horizon (which removes the
# graph's build and the output), over the marginal events.
#
#   bash benchmarks/scale.sh [path/to/latsim ...]     # default .build/release/latsim
#
# Several binaries are interleaved round by round (ROUNDS, default 3); the medians are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
binaries=("$@"); [ ${#binaries[@]} -gt 0 ] || binaries=(.build/release/latsim)
rounds=${ROUNDS:-3}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
user_time() {  # binary clients horizon -> user seconds; writes events to $work/events
    local bin=$1 clients=$2 horizon=$3 rate
    rate=$(python3 -c "print(10000/$clients)")
    local out="$work/out-$clients-$horizon"
    rm -rf "$out"
    TIMEFORMAT=%U
    { time "$bin" run experiments/quickstart.yaml --replications 1 --jobs 1 --out "$out" \
        --set horizon="$horizon" --set warm_up=0s --set model.clients="$clients" \
        --set model.rate_per_client_per_s="$rate" --set model.client_queue_capacity=1000000 \
        >/dev/null 2>&1; } 2>&1
}
declare -A samples
for ((r = 1; r <= rounds; r++)); do
    for bin in "${binaries[@]}"; do
        for clients in 100 100000; do
            short=$(user_time "$bin" "$clients" 20s); long=$(user_time "$bin" "$clients" 80s)
            samples["$bin $clients"]+="$(python3 -c "print($long - $short)") "
        done
    done
done
# Both sizes process the same events within 0.2% (the same offered load), so the time ratio is
# the per-event ratio.
for bin in "${binaries[@]}"; do
    python3 - "$bin" "${samples["$bin 100"]}" "${samples["$bin 100000"]}" <<'PY'
import statistics, sys
bin, small, large = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()]
ms, ml = statistics.median(small), statistics.median(large)
print(f"{bin}: marginal user s (60 s of simulated time, both designs) 100 clients {ms:.2f} {[round(x, 2) for x in small]}, "
      f"100,000 clients {ml:.2f} {[round(x, 2) for x in large]}, ratio {ml / ms:.2f}x")
PY
done
