#!/usr/bin/env bash
# CI check: the Dask runner on a LocalCluster with two workers writes exactly the bytes of a
# one-machine `latsim sweep` (summary, aggregate and comparison CSV; run.json but its
# command_line). Creates the virtual environment from requirements.txt when missing or stale
# (LATSIM_DASK_VENV, default .build/dask-venv), builds latsim (debug) unless LATSIM is set.
# About 1 minute on two cores with the venv cached, 1.5 minutes without.
#
#   bash scripts/dask/check.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=${LATSIM_DASK_VENV:-.build/dask-venv}
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ] || ! cmp -s scripts/dask/requirements.txt "$venv/latsim-requirements.txt"; then
    echo "dask-check: creating $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r scripts/dask/requirements.txt
    cp scripts/dask/requirements.txt "$venv/latsim-requirements.txt"
fi
latsim=${LATSIM:-}
if [ -z "$latsim" ]; then
    swift build --product latsim > "${TMPDIR:-/tmp}/latsim-dask-check-build.log" 2>&1 \
        || { cat "${TMPDIR:-/tmp}/latsim-dask-check-build.log"; exit 1; }
    latsim=.build/debug/latsim
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/latsim-dask-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
config=experiments/sync-vs-async.yaml
args=(--replications 3 --set horizon=300ms --set warm_up=50ms)

"$latsim" sweep "$config" "${args[@]}" --out "$work/one-machine" --quiet --jobs 1 > /dev/null
"$venv/bin/python" scripts/dask/latsim_dask.py --latsim "$latsim" --workers 2 --shards 5 --out "$work/dask" \
    "$config" -- "${args[@]}"

passed=0 failed=0
for file in summary.csv aggregate.csv comparison.csv; do
    if cmp "$work/one-machine/$file" "$work/dask/merged/$file"; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
if diff <(grep -v '"command_line"' "$work/one-machine/run.json") <(grep -v '"command_line"' "$work/dask/merged/run.json"); then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
# Resume: with every shard present, a second run sends nothing and merges the same bytes.
rm "$work/dask/merged/summary.csv"
"$venv/bin/python" scripts/dask/latsim_dask.py --latsim "$latsim" --workers 2 --shards 5 --out "$work/dask" \
    "$config" -- "${args[@]}" > "$work/resume.txt"
cat "$work/resume.txt"
if grep -q "(5 already done)" "$work/resume.txt" && cmp "$work/one-machine/summary.csv" "$work/dask/merged/summary.csv"; then
    passed=$((passed + 1))
else
    failed=$((failed + 1))
fi
echo "dask-check: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
