// The example_eintr_reconnect fuzzer: the buggy example whose bug is described in modes.def; it must be found.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "target_lists.h"

static std::vector<connfuzz::Target> targets() { return connfuzz::targets::example_targets("example_eintr_reconnect"); }

CONNFUZZ_FUZZER("example_eintr_reconnect", targets)
