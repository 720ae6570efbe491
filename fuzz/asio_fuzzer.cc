// The asio fuzzer: Boost.Asio's sync, async and range connects.
#include "fuzzer_entry.h"

CONNFUZZ_FUZZER("asio")
