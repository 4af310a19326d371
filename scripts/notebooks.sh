#!/usr/bin/env bash
# Regenerates notebooks-export/ from scratch: a virtual environment with the pinned
# requirements and the latsim Python package installed from this checkout (around a fresh
# release build), then every notebook executed (each runs its experiments through the package:
# latsim.run / latsim.sweep, CSV kept in notebooks-export/data/) and exported as Markdown + PNG.
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
# The package as a user installs it (pip install ./python), around the binary just built; the
# notebooks then run that bundled binary (LATSIM_BINARY is unset while they execute).
echo "notebooks: pip install ./python into $venv" >&2
LATSIM_BINARY=$latsim "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall ./python

if $check; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/latsim-notebooks.XXXXXX")
  trap 'rm -rf "$out"' EXIT
else
  out=$PWD/notebooks-export
fi
data="$out/data"
rm -rf "$data" "$out/figures"
mkdir -p "$data" "$out/figures"

status=0
for notebook in notebooks-export/*.ipynb; do
  name=$(basename "$notebook" .ipynb)
  echo "notebooks: executing $notebook" >&2
  rm -rf "$out/${name}_files"
  if ! env -u LATSIM_BINARY LATSIM_EXPERIMENTS="$PWD/experiments" LATSIM_DATA="$data" LATSIM_FIGURES="$out/figures" \
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
