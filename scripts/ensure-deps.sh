#!/usr/bin/env bash
# Installs what latsim needs when it is missing: GNU GSL (Debian's libgsl-dev), pkg-config,
# and python3 with venv (for the notebook and Dask checks of `make test`).
# Idempotent: does nothing when both are present. Needs root or sudo to install.
set -euo pipefail

need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ! pkg-config --exists gsl 2>/dev/null; then need+=(libgsl-dev); fi
# The test command's notebook and Dask checks make virtual environments.
if ! command -v python3 >/dev/null 2>&1; then need+=(python3 python3-venv)
elif ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then need+=(python3-venv); fi

if [ ${#need[@]} -gt 0 ]; then
  echo "latsim: installing ${need[*]} (apt-get)" >&2
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
    echo "latsim: ${need[*]} missing and neither root nor sudo is available; install them and retry" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

if ! command -v swift >/dev/null 2>&1; then
  echo "latsim: the Swift toolchain (6.x) is not on PATH; install it from swift.org and retry" >&2
  exit 1
fi
