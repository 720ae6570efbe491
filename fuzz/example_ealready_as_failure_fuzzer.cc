// The example_ealready_as_failure fuzzer: the buggy example whose bug is described in modes.def; it must be found.
#include "fuzzer_entry.h"

CONNFUZZ_FUZZER("example_ealready_as_failure")
