#!/bin/bash -eu
# OSS-Fuzz's (and ClusterFuzzLite's) build of connfuzz: every real fuzzer and the
# parser fuzzers into $OUT, each with its dictionary, options and seed corpus.
# Honours $CC $CXX $CFLAGS $CXXFLAGS (the sanitizer and -stdlib=libc++ come from
# there), $LIB_FUZZING_ENGINE, $SANITIZER, $FUZZING_ENGINE, $SRC, $WORK and $OUT.
# scripts/oss-fuzz-check.sh runs it here, without Docker, as CI does.
src="${CONNFUZZ_SRC:-$SRC/connfuzz}"
build="$WORK/connfuzz-build"

# The libraries' sources the Dockerfile cloned (scripts/oss-fuzz-check.sh puts Debian's
# trees of the same versions there): targets/libraries/ builds a tree that says its version.
for tree in "$SRC"/library-sources/*/; do
  [ -d "$tree" ] || continue
  [ -f "$tree/.connfuzz-debian-version" ] ||
    echo "upstream $(git -C "$tree" describe --tags 2>/dev/null || echo unknown)" > "$tree/.connfuzz-debian-version"
done

# The real connect fuzzers (fuzz/modes.def) and the parser fuzzers.
mapfile -t fuzzers < <("$src/scripts/real-fuzzers.sh")
fuzzers+=(plan scenario)
# The libraries' sources come from the Dockerfile ($SRC/library-sources). POCO is left
# out: a C++ library built against libstdc++ (Ubuntu's and Debian's libpoco-dev) does not
# link into fuzzers built against libc++ (its std::string in every signature), and it has
# no source row to build here (oss-fuzz/README.md).
cmake -S "$src" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCONNFUZZ_ENGINE=env -DCONNFUZZ_FUZZERS_ONLY=ON \
  -DCONNFUZZ_LIBRARY_SOURCES="$SRC/library-sources" -DCMAKE_DISABLE_FIND_PACKAGE_Poco=ON
# A library family configure skipped (its library missing here) is not built.
while read -r skipped _; do
  for i in "${!fuzzers[@]}"; do [ "${fuzzers[$i]}" = "$skipped" ] && unset 'fuzzers[i]'; done
done < "$build/bin/skipped-fuzzers.txt"
fuzzers=("${fuzzers[@]}")
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
