#!/bin/bash -eu
# OSS-Fuzz's (and ClusterFuzzLite's) build of connfuzz: every real fuzzer and the
# parser fuzzers into $OUT, each with its dictionary, options and seed corpus.
# Honours $CC $CXX $CFLAGS $CXXFLAGS (the sanitizer and -stdlib=libc++ come from
# there), $LIB_FUZZING_ENGINE, $SANITIZER, $FUZZING_ENGINE, $SRC, $WORK and $OUT.
# scripts/oss-fuzz-check.sh runs it here, without Docker, as CI does.
src="${CONNFUZZ_SRC:-$SRC/connfuzz}"
build="$WORK/connfuzz-build"

# The real connect fuzzers (fuzz/modes.def) and the parser fuzzers.
mapfile -t fuzzers < <("$src/scripts/real-fuzzers.sh")
fuzzers+=(plan scenario)
cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCONNFUZZ_ENGINE=env -DCONNFUZZ_FUZZERS_ONLY=ON
# A library family whose library the image lacks was skipped by configure (it says so and
# lists it in bin/skipped-fuzzers.txt): built and installed are the others.
if [ -s "$build/bin/skipped-fuzzers.txt" ]; then
  kept=()
  for name in "${fuzzers[@]}"; do
    grep -q "^$name " "$build/bin/skipped-fuzzers.txt" || kept+=("$name")
  done
  fuzzers=("${kept[@]}")
fi
cmake --build "$build" --target "${fuzzers[@]/%/_fuzzer}"

for name in "${fuzzers[@]}"; do
  fuzzer="${name}_fuzzer"
  cp "$build/bin/$fuzzer" "$OUT/"
  # The connect fuzzers share one dictionary of the scenario format's words.
  case "$name" in plan | scenario) ;; *) cp "$src/fuzz/connfuzz.dict" "$OUT/$fuzzer.dict" ;; esac
  if [ -f "$src/fuzz/$fuzzer.options" ]; then cp "$src/fuzz/$fuzzer.options" "$OUT/"; fi
  # The byte form only: a FILE.txt is the same seed's text, for people.
  rm -f "$OUT/${fuzzer}_seed_corpus.zip"
  (cd "$src/corpus/$name" && find . -maxdepth 1 -type f ! -name '*.txt' -printf '%f\n' | sort |
     zip -q -@ "$OUT/${fuzzer}_seed_corpus.zip")
done
