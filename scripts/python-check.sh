#!/usr/bin/env bash
# The Python package's tests (python/tests) against a pip-installed package, as a user gets it:
#   1. the relocatable release binary (scripts/build-release.sh; incremental);
#   2. a virtual environment with the pinned python/requirements-test.txt (PyPI), made when
#      missing or stale (LATSIM_PYTHON_VENV, default .build/python-venv);
#   3. `pip install ./python` into it (builds the wheel around that binary; no network);
#   4. pytest run from a scratch directory, so `import latsim` is the installed package.
# About 1 minute on two cores with the venv and the build cached.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
venv=${LATSIM_PYTHON_VENV:-$root/.build/python-venv}
requirements=python/requirements-test.txt

binary=$(bash scripts/build-release.sh)
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$requirements" "$venv/latsim-requirements.txt"; then
    echo "python-check: creating $venv with $requirements" >&2
    rm -rf "$venv"
    "${PYTHON:-python3}" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$venv/latsim-requirements.txt"
fi
echo "python-check: pip install ./python" >&2
LATSIM_BINARY=$binary "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps --force-reinstall ./python
work=$(mktemp -d "${TMPDIR:-/tmp}/latsim-pytest.XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"
LATSIM_REPOSITORY=$root "$venv/bin/python" -m pytest -q -p no:cacheprovider "$root/python/tests" "$@"
