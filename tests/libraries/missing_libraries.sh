#!/usr/bin/env bash
# Configures connfuzz with every library of targets/libraries/libraries.def hidden (no
# pkg-config modules, no CMake package configs, no fetched sources) and checks that the
# configure succeeds, names each family it skips with its -dev package, lists them in
# bin/skipped-fuzzers.txt, and generates no target for them; and that `connfuzz repro`
# then names the missing package.
#   missing_libraries.sh SOURCE_DIR CONNFUZZ_BINARY
set -euo pipefail
src=$1 tool=$2
work=$(mktemp -d /tmp/connfuzz-missing-libs-XXXXXX)
trap 'rm -rf "$work"' EXIT
rows=$(sed -n 's/^CONNFUZZ_LIBRARY(\([a-z0-9_]*\), *\([a-z0-9.+-]*\),.*/\1 \2/p' "$src/targets/libraries/libraries.def")
[ -n "$rows" ] || { echo "FAIL: libraries.def has no rows"; exit 1; }

# What hides a library: pkg-config finds no module, and every package a family's
# CMakeLists.txt asks find_package() for is disabled.
hide=()
for name in $(sed -n 's/.*find_package(\([A-Za-z0-9_]*\).*/\1/p' "$src"/targets/libraries/*/CMakeLists.txt | sort -u); do
  [ "$name" = PkgConfig ] || hide+=("-DCMAKE_DISABLE_FIND_PACKAGE_$name=ON")
done
PKG_CONFIG_LIBDIR=/nonexistent cmake -S "$src" -B "$work/build" -G Ninja -DCONNFUZZ_FUZZERS_ONLY=ON "${hide[@]}" \
  -DCONNFUZZ_LIBRARY_SOURCES=/nonexistent >"$work/configure.log" 2>&1 ||
  { echo "FAIL: configure failed with the libraries hidden"; tail -20 "$work/configure.log"; exit 1; }
ninja -C "$work/build" -t targets all >"$work/targets.txt"
status=0
while read -r family package; do
  if ! grep -q "skipping the $family fuzzer: $package is not installed" "$work/configure.log"; then
    echo "FAIL: configure did not say it skipped $family"; status=1
  fi
  grep -qx "$family $package" "$work/build/bin/skipped-fuzzers.txt" || { echo "FAIL: $family not in skipped-fuzzers.txt"; status=1; }
  if grep -q "^${family}_fuzzer:" "$work/targets.txt"; then echo "FAIL: ${family}_fuzzer is still a target"; status=1; fi
  # A tool asked for the missing fuzzer names the package (exit 2, not a crash).
  out=$("$tool" repro --fuzzers "$work/build/bin" --target "$family" /dev/null 2>&1) && rc=0 || rc=$?
  if [ "$rc" -ne 2 ] || ! grep -q "apt install $package" <<<"$out"; then
    echo "FAIL: repro of the missing $family: exit $rc: $out"; status=1
  fi
done <<<"$rows"
grep -q "^posix_fuzzer:" "$work/targets.txt" || { echo "FAIL: the other fuzzers are gone too"; status=1; }
[ $status -eq 0 ] && echo "every library family skipped by name: $(echo "$rows" | cut -d' ' -f1 | tr '\n' ' ')"
exit $status
