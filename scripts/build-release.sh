#!/usr/bin/env bash
# Builds the relocatable release binary, .build/release/latsim, and prints its path on stdout.
#
#   scripts/build-release.sh            # what `make release`, `make install`, the notebooks and
#                                       # `pip install ./python` all use (one build, no relinking)
#
# Links the Swift standard library and Foundation statically (--static-swift-stdlib) and GNU GSL
# statically from Debian's libgsl-dev archives (libgsl.a, libgslcblas.a): a pkg-config file in
# .build/gsl-static/ points the linker at a directory that holds only the archives. The binary
# then needs nothing but glibc, libstdc++ and libgcc_s (present on every Debian/Ubuntu machine).
# Without the archives it falls back to linking libgsl dynamically, says so on stderr, and the
# binary also needs Debian's runtime package libgsl27 (or the distribution's equivalent).
set -euo pipefail
cd "$(dirname "$0")/.."

static=$PWD/.build/gsl-static
libdir=$(pkg-config --variable=libdir gsl 2>/dev/null || echo /usr/lib/x86_64-linux-gnu)
if [ -f "$libdir/libgsl.a" ] && [ -f "$libdir/libgslcblas.a" ]; then
    mkdir -p "$static"
    ln -sf "$libdir/libgsl.a" "$libdir/libgslcblas.a" "$static/"
    pc="Name: GSL
Description: GNU Scientific Library, static archives (latsim's relocatable build)
Version: $(pkg-config --modversion gsl)
Libs: -L$static -lgsl -lgslcblas -lm
Cflags: $(pkg-config --cflags gsl)"
    # Rewrite only on change, so SwiftPM sees the same flags and does not relink.
    if [ ! -f "$static/gsl.pc" ] || [ "$(cat "$static/gsl.pc")" != "$pc" ]; then printf '%s\n' "$pc" > "$static/gsl.pc"; fi
    export PKG_CONFIG_PATH="$static${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
else
    echo "build-release: $libdir/libgsl.a not found: linking GSL dynamically (the binary needs libgsl at run time)" >&2
fi
swift build -c release --static-swift-stdlib --product latsim >&2
echo "$PWD/.build/release/latsim"
