// The libevent fuzzer: a bufferevent's connects and evutil_socket_connect_ on an event
// base with a deadline, libevent built from Debian's source with the fuzzer's
// instrumentation where it was fetched. Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "libevent_targets.h"

CONNFUZZ_FUZZER("libevent", connfuzz::libraries::libevent::libevent_targets)
