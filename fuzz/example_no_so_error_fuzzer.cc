// The example_no_so_error fuzzer: the buggy example whose bug is described in modes.def; it must be found.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "target_lists.h"

static std::vector<connfuzz::Target> targets() { return connfuzz::targets::example_targets("example_no_so_error"); }

CONNFUZZ_FUZZER("example_no_so_error", targets)
