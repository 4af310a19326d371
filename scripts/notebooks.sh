#!/usr/bin/env bash
# Regenerates notebooks-export/ from scratch: a virtual environment with the pinned
# requirements, a release build of latsim, every curated experiment's CSV in
# notebooks-export/data/, and the notebooks executed and exported as Markdown + PNG.
#
#   scripts/notebooks.sh           regenerate in place (review and commit the diff)
#   scripts/notebooks.sh --check   regenerate into a temporary directory; exit 1 if a notebook
#                                  fails or its Markdown export differs from the committed one
#
# Environment: LATSIM_VENV (default .venv), PYTHON (default python3), JOBS (latsim --jobs).
set -euo pipefail
cd "$(dirname "$0")/.."

check=false
case "${1:-}" in
  --check) check=true ;;
  "") ;;
  *) echo "usage: scripts/notebooks.sh [--check]" >&2; exit 2 ;;
esac

venv=${LATSIM_VENV:-.venv}
requirements=notebooks-export/requirements.txt
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/.latsim-requirements"; then
  echo "notebooks: creating $venv with $requirements" >&2
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
  cp "$requirements" "$venv/.latsim-requirements"
fi

echo "notebooks: building latsim (release)" >&2
latsim=$(bash scripts/build-release.sh)
jobs=(${JOBS:+--jobs "$JOBS"})

if $check; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/latsim-notebooks.XXXXXX")
  trap 'rm -rf "$out"' EXIT
else
  out=$PWD/notebooks-export
fi
data="$out/data"
rm -rf "$data" "$out/figures"
mkdir -p "$data" "$out/figures"

# Every curated experiment as configured, by file name (the notebooks read data/<name>/).
for config in experiments/*.yaml; do
  name=$(basename "$config" .yaml)
  echo "notebooks: latsim run $config" >&2
  "$latsim" run "$config" --quiet "${jobs[@]}" --out "$data/$name" > /dev/null
done
# The per-message trace behind the latency CDFs (4 replications: 32 runs, under the trace limit).
"$latsim" run experiments/sync-vs-async.yaml --quiet "${jobs[@]}" --set trace=true --replications 4 \
  --out "$data/sync-vs-async-trace" > /dev/null
# The broker backlog and losses through the outage over time. The graph template records no
# sampled state trace, so: one run per horizon (50 ms to 6 s, every 50 ms) without a drain, each
# stopping at warm-up + horizon; every stream is keyed by (seed, replication, component), not by
# the horizon, so each run's end-of-run values are the state of the same sample path at that
# instant (2 replications x 2 designs x 120 horizons; a few seconds).
"$latsim" sweep experiments/broker-outage.yaml --quiet "${jobs[@]}" --replications 2 --set model.drain=0s \
  --set 'metrics=[messages_generated, messages_lost, messages_in_system, broker_in_flight, broker_stored_max, consumer-0.down_time]' \
  --grid "horizon=$(seq -s, -f '%gms' 50 50 6000)" --out "$data/broker-outage-over-time" > /dev/null

status=0
for notebook in notebooks-export/*.ipynb; do
  name=$(basename "$notebook" .ipynb)
  echo "notebooks: executing $notebook" >&2
  rm -rf "$out/${name}_files"
  if ! LATSIM_DATA="$data" LATSIM_FIGURES="$out/figures" \
       "$venv/bin/jupyter" nbconvert --to markdown --execute --ExecutePreprocessor.timeout=600 \
       --output-dir "$out" "$notebook" > /dev/null 2> "$out/$name.log"; then
    echo "notebooks: $notebook failed:" >&2
    tail -30 "$out/$name.log" >&2
    status=1
  fi
  rm -f "$out/$name.log"
  if $check && [ -f "$out/$name.md" ]; then
    if ! diff -u "notebooks-export/$name.md" "$out/$name.md" > "$out/$name.diff"; then
      echo "notebooks: $name.md differs from the committed export (run scripts/notebooks.sh and commit):" >&2
      head -40 "$out/$name.diff" >&2
      status=1
    fi
  fi
done
if [ $status -eq 0 ]; then
  echo "notebooks: ok ($( $check && echo "checked against the committed exports" || echo "wrote notebooks-export/*.md, *_files/, figures/" ))" >&2
fi
exit $status
