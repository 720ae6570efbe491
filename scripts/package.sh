#!/usr/bin/env bash
# Builds the Debian package: the package preset (clang, no sanitizer, no coverage: the
# library, the replay main, the preload library and the connfuzz command), then cpack.
# Prints the .deb's path last: build/package/connfuzz_<version>_amd64.deb.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh

cmake --preset package >/dev/null
cmake --build --preset package -j "$(nproc)"
cpack --preset package >build/package/cpack.log 2>&1 || { cat build/package/cpack.log >&2; exit 1; }
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' build/package/CMakeCache.txt)
deb="build/package/connfuzz_${version}_amd64.deb"
[ -f "$deb" ] || { echo "package: cpack wrote no $deb" >&2; exit 1; }
echo "$PWD/$deb"
