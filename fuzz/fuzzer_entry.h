// The two entry points every fuzz engine calls, for one family of targets.
// The same source links with libFuzzer, AFL++'s driver, or replay_main.cc.
#pragma once

#include <cstddef>
#include <cstdint>

#include "harness.h"

#define CONNFUZZ_FUZZER(family)                                                        \
  extern "C" int LLVMFuzzerInitialize(int*, char***) {                                 \
    connfuzz::fuzz::initialize_fuzzer(family);                                         \
    return 0;                                                                          \
  }                                                                                    \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    return connfuzz::fuzz::fuzz_one_input(family, data, size);                         \
  }
