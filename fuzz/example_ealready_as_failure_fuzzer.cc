// The example_ealready_as_failure fuzzer: the buggy example whose bug is described in modes.def; it must be found.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "target_lists.h"

static std::vector<connfuzz::Target> targets() { return connfuzz::targets::example_targets("example_ealready_as_failure"); }

CONNFUZZ_FUZZER("example_ealready_as_failure", targets)
