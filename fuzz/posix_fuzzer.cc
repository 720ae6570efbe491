// The posix fuzzer: blocking, non-blocking and address-list connects written by the contract.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "target_lists.h"

CONNFUZZ_FUZZER("posix", connfuzz::targets::posix_targets)
