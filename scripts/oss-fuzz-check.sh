#!/usr/bin/env bash
# OSS-Fuzz's build and checks, imitated on this machine without Docker: runs
# oss-fuzz/build.sh with the environment OSS-Fuzz gives it for one combination, then
# checks every fuzzer in $OUT as OSS-Fuzz's check_build does: it carries the engine's
# instrumentation, starts and runs a few inputs, and runs over its seed corpus.
#   scripts/oss-fuzz-check.sh [user-]libfuzzer-address|libfuzzer-undefined|afl-address|coverage [WORKDIR]
# user-COMBO builds a user's project instead (oss-fuzz/user-project/build.sh, the template
# of oss-fuzz/README.md) on examples/fuzz-my-client, with connfuzz built from source.
set -euo pipefail
combo=${1:?usage: oss-fuzz-check.sh [user-]libfuzzer-address|libfuzzer-undefined|afl-address|coverage [WORKDIR]}
root=$(cd "$(dirname "$0")/.." && pwd)
top=${2:-$root/build/oss-fuzz-$combo}
build_script="$root/oss-fuzz/build.sh"
at_least=7
rm -rf "$top"
mkdir -p "$top/src" "$top/work" "$top/out"
ln -s "$root" "$top/src/connfuzz"
# The Dockerfile clones the libraries' upstream sources at Debian's versions; GitHub is out
# of reach here, so Debian's trees of the same versions (scripts/library-sources.sh) stand
# in for them, with their Debian patches.
mkdir -p "$top/src/library-sources"
for tree in "$root"/build/library-sources/*/; do
  [ -f "$tree/.connfuzz-debian-version" ] && ln -s "${tree%/}" "$top/src/library-sources/$(basename "$tree")"
done
if [[ "$combo" == user-* ]]; then
  combo=${combo#user-}
  # The example's fixed client: its seeds must pass, as a project's would (its bug is
  # found by scripts/check-package.sh).
  mkdir -p "$top/src/myclient"
  for f in fuzz_client.c client.h; do ln -s "$root/examples/fuzz-my-client/$f" "$top/src/myclient/$f"; done
  ln -s "$root/examples/fuzz-my-client/client_fixed.c" "$top/src/myclient/client.c"
  build_script="$root/oss-fuzz/user-project/build.sh"
  at_least=1
fi
export SRC="$top/src" WORK="$top/work" OUT="$top/out"

# The flags OSS-Fuzz's base-builder sets (infra/base-images/base-builder), reduced to
# what clang 14 knows. OSS-Fuzz builds C++ against libc++.
common="-O1 -fno-omit-frame-pointer -gline-tables-only -DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION"
ubsan="-fsanitize=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unsigned-integer-overflow,unreachable,vla-bound,vptr -fno-sanitize-recover=array-bounds,bool,builtin,enum,float-divide-by-zero,function,integer-divide-by-zero,null,object-size,return,returns-nonnull-attribute,shift,signed-integer-overflow,unreachable,vla-bound,vptr"
case "$combo" in
  libfuzzer-address)
    export CC=clang CXX=clang++ SANITIZER=address FUZZING_ENGINE=libfuzzer LIB_FUZZING_ENGINE=-fsanitize=fuzzer
    sanitizer_flags="-fsanitize=address -fsanitize-address-use-after-scope"
    coverage="-fsanitize=fuzzer-no-link" ;;
  libfuzzer-undefined)
    export CC=clang CXX=clang++ SANITIZER=undefined FUZZING_ENGINE=libfuzzer LIB_FUZZING_ENGINE=-fsanitize=fuzzer
    sanitizer_flags="$ubsan"
    coverage="-fsanitize=fuzzer-no-link" ;;
  afl-address)
    export CC=afl-clang-fast CXX=afl-clang-fast++ SANITIZER=address FUZZING_ENGINE=afl
    export LIB_FUZZING_ENGINE=/usr/lib/afl/libAFLDriver.a AFL_QUIET=1
    sanitizer_flags="-fsanitize=address -fsanitize-address-use-after-scope"
    coverage="" ;;
  coverage)
    # The build OSS-Fuzz makes every day for its coverage report: clang's source-based coverage.
    export CC=clang CXX=clang++ SANITIZER=coverage FUZZING_ENGINE=libfuzzer LIB_FUZZING_ENGINE=-fsanitize=fuzzer
    sanitizer_flags="-fprofile-instr-generate -fcoverage-mapping -pthread -Wl,--no-as-needed -Wl,-ldl -Wl,-lm -Wno-unused-command-line-argument"
    coverage="-fsanitize=fuzzer-no-link" ;;
  *) echo "oss-fuzz-check: unknown combination '$combo'" >&2; exit 2 ;;
esac
export CFLAGS="$common $sanitizer_flags $coverage"
export CXXFLAGS="$CFLAGS -stdlib=libc++"
# Debian's libFuzzer runtime (and AFL++'s driver) were built against libstdc++, where
# OSS-Fuzz's carry a private libc++: they get libstdc++ for their own use, and only
# they use it (their interface is C).
export LDFLAGS="-stdlib=libc++ $(g++ -print-file-name=libstdc++.so)"

echo "oss-fuzz-check: $combo: building into $OUT" >&2
"$build_script" > "$top/build.log" 2>&1 || { tail -40 "$top/build.log" >&2; exit 1; }

failures=0
# grep -c reads to the end: grep -q would stop early and, under pipefail, fail the pipe.
contains() { local pattern=$1; shift; "$@" 2>/dev/null | grep -c "$pattern" > /dev/null; }
fail() { echo "oss-fuzz-check: $combo: FAIL: $*" >&2; failures=$((failures + 1)); }
export CONNFUZZ_NO_NETNS=1  # OSS-Fuzz's runtime has no namespaces: the guard alone stands
count=0
for fuzzer in $(find "$OUT" -maxdepth 1 -type f -perm -u+x | sort); do  # every program in $OUT, as check_build runs them
  name=$(basename "$fuzzer")
  count=$((count + 1))
  [ -f "$OUT/${name}_seed_corpus.zip" ] || fail "$name has no seed corpus"
  # Instrumentation: AFL++'s shared-memory map, or libFuzzer's inline counters in the code.
  if [ "${FUZZING_ENGINE}" = afl ]; then
    contains __afl_area_ptr nm "$fuzzer" || fail "$name lacks AFL++'s instrumentation"
  else
    contains __sancov_cntrs readelf -S "$fuzzer" || fail "$name lacks libFuzzer's coverage counters"
  fi
  # Compiled against libc++ (its std::__1 names), as OSS-Fuzz compiles C++.
  contains NSt3__1 nm "$fuzzer" || fail "$name was not compiled against libc++"
  seeds="$WORK/seeds-$name"
  rm -rf "$seeds" && mkdir -p "$seeds" && unzip -q "$OUT/${name}_seed_corpus.zip" -d "$seeds"
  if [ "${FUZZING_ENGINE}" = afl ]; then
    # AFL++'s driver runs the files it is given, as a reproducer does.
    first=$(find "$seeds" -type f | sort | sed -n 1,4p)
    # shellcheck disable=SC2086
    timeout 120 "$fuzzer" $first > "$WORK/$name.runs.log" 2>&1 || fail "$name did not run 4 inputs"
    find "$seeds" -type f -print0 | sort -z |
      timeout 600 xargs -0 "$fuzzer" > "$WORK/$name.corpus.log" 2>&1 || fail "$name failed on its seed corpus"
  else
    timeout 120 "$fuzzer" -runs=4 > "$WORK/$name.runs.log" 2>&1 || fail "$name did not start and run 4 inputs"
    timeout 600 "$fuzzer" -runs=0 "$seeds" > "$WORK/$name.corpus.log" 2>&1 || fail "$name failed on its seed corpus"
  fi
  if [ "$SANITIZER" = coverage ]; then
    # What OSS-Fuzz's coverage job does with it: the corpus replayed into profiles, merged.
    profiles="$WORK/profiles-$name" && rm -rf "$profiles" && mkdir -p "$profiles"
    LLVM_PROFILE_FILE="$profiles/%p.profraw" timeout 600 "$fuzzer" -runs=0 "$seeds" > /dev/null 2>&1 || true
    ls "$profiles"/*.profraw > /dev/null 2>&1 && llvm-profdata merge -sparse -o "$profiles/merged.profdata" "$profiles"/*.profraw ||
      fail "$name wrote no coverage profile over its corpus"
  fi
done
[ "$count" -ge "$at_least" ] || fail "only $count fuzzers in \$OUT"
if [ "$failures" -gt 0 ]; then
  echo "oss-fuzz-check: $combo: $failures check(s) failed; logs in $WORK" >&2
  exit 1
fi
echo "oss-fuzz-check: $combo: $count fuzzers built, instrumented, ran 4 inputs and their seed corpus"
