#!/usr/bin/env bash
# The whole test suite: the dev build (g++) and the asan build (clang with
# AddressSanitizer and UndefinedBehaviorSanitizer), each built and run by ctest. The
# libfuzzer preset is built first: `connfuzz nightly`'s tests fuzz with its binaries.
# Then the tsan preset runs the injector's stress tests under ThreadSanitizer, and last
# scripts/check-package.sh builds the package and an example project against it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-deps.sh

jobs=$(nproc)
status=0
echo "== libfuzzer: configure and build (for the nightly tests)"
cmake --preset libfuzzer >/dev/null
cmake --build --preset libfuzzer -j "$jobs"

for preset in dev asan; do
  echo "== $preset: configure and build"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset" -j "$jobs"
  echo "== $preset: ctest"
  ctest --preset "$preset" -j "$jobs" || status=1
done
# The injector's stress tests under ThreadSanitizer: the tsan preset builds only them.
echo "== tsan: configure, build and ctest (label stress)"
cmake --preset tsan >/dev/null
cmake --build --preset tsan -j "$jobs"
TSAN_OPTIONS=halt_on_error=1 ctest --preset tsan || status=1
# The package: the .deb, installed and unpacked, and examples/fuzz-my-client built
# against it with CMake and pkg-config, fuzzed until its bug is found, replayed.
echo "== package: build the .deb, build and fuzz the example against it"
scripts/check-package.sh || status=1
exit $status
