// The kernel fuzzer: the kernel's own connect(); every errno it returns must be documented.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "target_lists.h"

CONNFUZZ_FUZZER("kernel", connfuzz::targets::kernel_targets)
