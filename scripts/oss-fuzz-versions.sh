#!/usr/bin/env bash
# Holds the fuzzers' build to what OSS-Fuzz's image has (oss-fuzz/image-versions.txt):
# no cmake_minimum_required or find_package asks for more. Then, where Debian's archive
# has a Boost newer than the machine's (1.81 in Debian 12), compiles the Asio targets
# against its headers with libc++, as the image's newer Boost will be used; the package
# is downloaded and unpacked in a scratch directory, never installed.
#   scripts/oss-fuzz-versions.sh [SCRATCH [IMAGE-VERSIONS]]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
scratch=${1:-$root/build/oss-fuzz-versions}
versions=${2:-$root/oss-fuzz/image-versions.txt}
failures=0
fail() { echo "oss-fuzz-versions: FAIL: $*" >&2; failures=$((failures + 1)); }
version_le() { [ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$1" ]; }
has() { awk -v n="$1" '$1 == n { print $2 }' "$versions"; }

# The CMake files of the fuzzers-only build (CONNFUZZ_FUZZERS_ONLY: no tools, tests, benchmarks).
files=("$root/CMakeLists.txt" "$root/inject/CMakeLists.txt" "$root/fuzz/CMakeLists.txt" "$root/targets/CMakeLists.txt"
       "$root/targets/examples/CMakeLists.txt")
cmake_needs=$(sed -n 's/.*cmake_minimum_required(VERSION \([0-9.]*\).*/\1/p' "$root/CMakeLists.txt")
version_le "$cmake_needs" "$(has CMake)" || fail "cmake_minimum_required $cmake_needs > the image's CMake $(has CMake)"
while read -r name wanted; do
  image=$(has "$name")
  if [ -z "$image" ]; then fail "find_package($name $wanted): oss-fuzz/image-versions.txt does not say what the image has"
  elif ! version_le "$wanted" "$image"; then fail "find_package($name $wanted) > the image's $name $image"
  else echo "oss-fuzz-versions: $name $wanted <= the image's $image"; fi
done < <(grep -ho 'find_package([A-Za-z_]* [0-9][0-9.]*' "${files[@]}" | sed 's/find_package(//')

# A newer Boost than Debian 12's default, from Debian's archive, unpacked only.
mkdir -p "$scratch" && cd "$scratch"
if [ ! -d boost/usr/include/boost ]; then
  if apt-get download libboost1.81-dev > download.log 2>&1; then
    dpkg -x libboost1.81-dev_*.deb boost
  else
    echo "oss-fuzz-versions: libboost1.81-dev cannot be downloaded here (see $scratch/download.log): newer-Boost compile skipped" >&2
  fi
fi
if [ -d boost/usr/include/boost ] && command -v clang++ > /dev/null; then
  for source in "$root"/targets/asio/*.cc; do
    clang++ -std=c++20 -stdlib=libc++ -DBOOST_ASIO_HAS_STD_INVOKE_RESULT=1 -isystem boost/usr/include \
      -I"$root/include" -I"$root/targets" -Wall -Wextra -Werror -Wno-missing-field-initializers \
      -c "$source" -o asio.o 2> compile.log || { cat compile.log >&2; fail "$(basename "$source") does not compile against Boost 1.81 with libc++"; }
  done
  [ "$failures" -gt 0 ] || echo "oss-fuzz-versions: the Asio targets compile against Boost 1.81 with libc++"
fi
[ "$failures" -eq 0 ] || exit 1
