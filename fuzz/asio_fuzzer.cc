// The asio fuzzer: Boost.Asio's sync, async and range connects.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "target_lists.h"

CONNFUZZ_FUZZER("asio", connfuzz::targets::asio_targets)
