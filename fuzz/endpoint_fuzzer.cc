// The endpoint fuzzer: Asio endpoints filled from raw sockaddr bytes.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "target_lists.h"

CONNFUZZ_FUZZER("endpoint", connfuzz::targets::endpoint_targets)
