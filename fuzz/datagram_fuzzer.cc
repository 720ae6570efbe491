// The datagram fuzzer: datagram connect, re-connect and AF_UNSPEC dissolve.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "target_lists.h"

CONNFUZZ_FUZZER("datagram", connfuzz::targets::datagram_targets)
