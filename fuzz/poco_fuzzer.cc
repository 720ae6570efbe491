// The POCO fuzzer: Poco::Net::StreamSocket's connect with a timeout, and connectNB with
// the caller's wait (targets/libraries/poco/). Built on the public API alone, as a user's
// fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "poco_targets.h"

CONNFUZZ_FUZZER("poco", connfuzz::poco::poco_targets)
