// The hiredis fuzzer: hiredis 0.14.1's blocking TCP and AF_UNIX connects and its
// non-blocking connect as an event-loop user drives it (targets/libraries/hiredis/).
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "hiredis_targets.h"

CONNFUZZ_FUZZER("hiredis", connfuzz::hiredis::hiredis_targets)
