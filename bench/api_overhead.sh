#!/bin/sh
# The public API's cost: a trivial dial (connect to a listener, nothing planned) under
# CONNFUZZ_DIAL against the same function in a bare libFuzzer loop with its own loopback
# listener and no connfuzz. Both are clang -fsanitize=fuzzer binaries without sanitizers,
# linked against the package preset's libconnfuzz.a; each replays the same input N times
# (a directory of N copies, -runs=0), one after the other, and prints its executions per
# second and the ratio.
#   bench/api_overhead.sh [N]   (default 20000; needs cmake --build build/package --target connfuzz_library)
set -eu
n=${1:-20000}
root=$(cd "$(dirname "$0")/.." && pwd)
lib=$(find "$root/build/package" -name libconnfuzz.a | head -1)
[ -n "$lib" ] || { echo "api_overhead: build the library first: cmake --preset package && cmake --build build/package --target connfuzz_library" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/connfuzz-api-XXXXXX")
trap 'rm -rf "$work"' EXIT
src="$root/bench/api_overhead"
clang -O2 -fsanitize=fuzzer -I"$root/include" "$src/with_connfuzz.c" "$src/trivial_dial.c" "$lib" -lstdc++ -lm -o "$work/with_connfuzz"
clang -O2 -fsanitize=fuzzer "$src/bare_loop.c" "$src/trivial_dial.c" -o "$work/bare_loop"
# The input: the user's first target (mode 128), the harness's listener, no plan.
printf '\362\200' > "$work/input"  # the rest reads as zeros: AF_INET, SOCK_STREAM, the listener
mkdir "$work/inputs"
i=0; while [ "$i" -lt "$n" ]; do cp "$work/input" "$work/inputs/$i"; i=$((i + 1)); done
rate() {
  start=$(date +%s%N)
  "$@" -runs=0 "$work/inputs" > "$work/log" 2>&1 || { tail -5 "$work/log" >&2; exit 1; }
  echo $(( n * 1000000000 / ($(date +%s%N) - start) ))
}
bare=$(rate "$work/bare_loop")
with=$(rate "$work/with_connfuzz")
grep -q "ERROR" "$work/log" && { echo "api_overhead: the dial under connfuzz had a finding:" >&2; grep ERROR "$work/log" >&2; exit 1; }
echo "bare libFuzzer loop:   $bare exec/s"
echo "under CONNFUZZ_DIAL:   $with exec/s"
awk -v w="$with" -v b="$bare" 'BEGIN { printf "ratio:                 %.2fx\n", w / b }'
