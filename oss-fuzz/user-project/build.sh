#!/bin/bash -eu
# A project's OSS-Fuzz build with connfuzz (oss-fuzz/README.md): connfuzz's library is
# built first, with plain clang and none of $CFLAGS (it is not what is explored, and it
# carries no sanitizer), against the C++ library the image's fuzzers use; then the
# project's fuzz targets, instrumented by $CFLAGS, are linked with $LIB_FUZZING_ENGINE.
# scripts/oss-fuzz-check.sh user-libfuzzer-address runs this on examples/fuzz-my-client.
project="${CONNFUZZ_PROJECT_SRC:-$SRC/myclient}"

stdlib=""
if [[ "$CXXFLAGS" == *-stdlib=libc++* ]]; then stdlib="-stdlib=libc++"; fi
# Only the library: the connfuzz command is not needed here (and libc++ 14 lacks parts of it).
CFLAGS="" CXXFLAGS="" LDFLAGS="" cmake -S "$SRC/connfuzz" -B "$WORK/connfuzz-build" -G Ninja \
  -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_FLAGS="$stdlib" \
  -DCONNFUZZ_PACKAGE=ON -DBUILD_TESTING=OFF -DCONNFUZZ_BENCH=OFF
cmake --build "$WORK/connfuzz-build" --target connfuzz_library
libdir=$(dirname "$(find "$WORK/connfuzz-build" -name libconnfuzz.a | head -1)")
include="$SRC/connfuzz/include"

# The project's target (CONNFUZZ_DIAL around its dial function) and its library.
$CC $CFLAGS -I"$include" -I"$project" -c "$project/fuzz_client.c" -o "$WORK/fuzz_client.o"
$CC $CFLAGS -I"$project" -c "$project/client.c" -o "$WORK/client.o"
# Linked by $CXX: the library is C++ (its C++ library is the image's, chosen above).
$CXX $CXXFLAGS $LIB_FUZZING_ENGINE "$WORK/fuzz_client.o" "$WORK/client.o" -L"$libdir" -lconnfuzz -lm ${LDFLAGS:-} \
  -o "$OUT/fuzz_client"

# connfuzz's dictionary, and its posix seeds: a dial's target reads the same format.
cp "$SRC/connfuzz/fuzz/connfuzz.dict" "$OUT/fuzz_client.dict"
rm -f "$OUT/fuzz_client_seed_corpus.zip"
(cd "$SRC/connfuzz/corpus/posix" && find . -maxdepth 1 -type f ! -name '*.txt' -printf '%f\n' | sort |
   zip -q -@ "$OUT/fuzz_client_seed_corpus.zip")
