// The two entry points every fuzz engine calls, for one family of targets.
// The same source links with libFuzzer, AFL++'s driver, or replay_main.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace connfuzz::fuzz {
// Enters the private network namespace, opens the peers, arranges CONNFUZZ_STATS.
void initialize_fuzzer(const char* family);
int fuzz_one_input(std::string_view family, const std::uint8_t* data, std::size_t size);
}  // namespace connfuzz::fuzz

#define CONNFUZZ_FUZZER(family)                                                        \
  extern "C" int LLVMFuzzerInitialize(int*, char***) {                                 \
    connfuzz::fuzz::initialize_fuzzer(family);                                         \
    return 0;                                                                          \
  }                                                                                    \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) { \
    return connfuzz::fuzz::fuzz_one_input(family, data, size);                         \
  }
