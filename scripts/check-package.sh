#!/usr/bin/env bash
# The package is whole: builds the .deb (scripts/package.sh), then builds
# examples/fuzz-my-client against what is installed, as a user would, and fuzzes it:
#  - CMake (find_package) against `cmake --install --prefix` into a temporary prefix;
#  - the Makefile (pkg-config) against the .deb unpacked under a temporary root
#    (PKG_CONFIG_SYSROOT_DIR);
# each with the replay and the libFuzzer engine, the example compiled with ASan and
# UBSan against connfuzz's uninstrumented library. The libFuzzer build must find the
# client's bug (at most FUZZ_SECONDS, stop at the first crash), the crash must replay
# as false-success, and the fixed client must survive a bounded run.
#
#   scripts/check-package.sh        exit 0: all held; 1: something did not (it says what)
set -euo pipefail
cd "$(dirname "$0")/.."
source=$PWD
example=$source/examples/fuzz-my-client
fuzz_seconds=60      # the issue's bound; the bug is found in well under a second
fixed_runs=100000    # inputs the fixed client must survive (a few seconds)

deb=$(scripts/package.sh | tail -n 1)
work=$(mktemp -d "${TMPDIR:-/tmp}/connfuzz-check-package.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0
fail() { echo "check-package: FAIL: $*" >&2; failed=1; }
step() { echo "== check-package: $*"; }

step "the .deb has the libraries of every engine: $deb ($(stat -c %s "$deb") bytes)"
contents=$(dpkg-deb -c "$deb")
for file in usr/include/connfuzz/connfuzz.h usr/lib/x86_64-linux-gnu/libconnfuzz.a \
  usr/lib/x86_64-linux-gnu/libconnfuzz_replay_main.a usr/lib/connfuzz/libconnfuzz_preload.so usr/bin/connfuzz \
  usr/lib/x86_64-linux-gnu/cmake/connfuzz/connfuzzConfig.cmake usr/share/connfuzz/connfuzz.dict \
  usr/lib/x86_64-linux-gnu/pkgconfig/connfuzz-{replay,libfuzzer,afl}.pc; do
  grep -q " \./$file\$" <<<"$contents" || fail "the .deb has no $file"
done

step "cmake --install into a temporary prefix; the example with CMake's find_package"
prefix=$work/prefix
cmake --install build/package --prefix "$prefix" >/dev/null
for engine in replay libfuzzer; do
  cmake -S "$example" -B "$work/cmake-$engine" -G Ninja -DCMAKE_C_COMPILER=clang \
    -DCMAKE_C_FLAGS=-fsanitize=address,undefined -DCMAKE_PREFIX_PATH="$prefix" -DFUZZ_ENGINE="$engine" >/dev/null
  cmake --build "$work/cmake-$engine" >/dev/null
done

step "the .deb unpacked under a temporary root; the example's Makefile with pkg-config's sysroot"
root=$work/root
dpkg-deb -x "$deb" "$root"
mkdir -p "$work/make"
for engine in replay libfuzzer; do
  PKG_CONFIG_SYSROOT_DIR=$root PKG_CONFIG_LIBDIR=$root/usr/lib/x86_64-linux-gnu/pkgconfig \
    make -s -C "$work/make" -f "$example/Makefile" ENGINE="$engine" >/dev/null
done

step "libFuzzer finds the client's bug (at most $fuzz_seconds s, stop at the first crash)"
mkdir -p "$work/crashes"
dictionary=$root/usr/share/connfuzz/connfuzz.dict
start=$(date +%s%N)
timeout $((fuzz_seconds + 30)) "$work/make/fuzz_client-libfuzzer" -max_total_time="$fuzz_seconds" \
  -artifact_prefix="$work/crashes/" -dict="$dictionary" >"$work/fuzz.log" 2>&1 || true
crash=$(find "$work/crashes" -name 'crash-*' -type f | head -n 1)
if [ -z "$crash" ]; then
  fail "no crash in $fuzz_seconds s; the fuzzer said:"; tail -n 20 "$work/fuzz.log" >&2
else
  echo "found in $(( ($(date +%s%N) - start) / 1000000 )) ms: $(grep -m 1 'ERROR: connfuzz' "$work/fuzz.log")"
  # The crash file alone reproduces the bug: the installed connfuzz replays it on the
  # replay engine's build of the user's fuzzer, and says why.
  replay=("$prefix/bin/connfuzz" repro --fuzzer "$work/cmake-replay/fuzz_client" "$crash")
  ("${replay[@]}" || true) >"$work/replay.log" 2>&1  # the shell's "Aborted" goes there too
  if grep -q 'connfuzz: false-success' "$work/replay.log"; then
    echo "replayed: $(grep -m 1 'SUMMARY: connfuzz' "$work/replay.log")"
  else
    fail "the crash did not replay as false-success:"; cat "$work/replay.log" >&2
  fi
fi

step "the fixed client: nothing found in $fixed_runs inputs"
if ! timeout $((fuzz_seconds + 30)) "$work/cmake-libfuzzer/fuzz_client_fixed" -runs="$fixed_runs" -seed=1 \
  -max_total_time="$fuzz_seconds" -artifact_prefix="$work/crashes/fixed-" -dict="$dictionary" >"$work/fixed.log" 2>&1; then
  fail "the fixed client has a finding:"; sed -n '/ERROR: connfuzz/,/SUMMARY: connfuzz/p' "$work/fixed.log" >&2
fi

[ "$failed" -eq 0 ] && echo "check-package: ok"
exit "$failed"
