// The glib fuzzer: GIO's GSocketClient connect, sync and async.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "glib_targets.h"

CONNFUZZ_FUZZER("glib", connfuzz::libraries::glib_targets)
