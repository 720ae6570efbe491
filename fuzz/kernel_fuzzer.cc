// The kernel fuzzer: the kernel's own connect(); every errno it returns must be documented.
#include "fuzzer_entry.h"

CONNFUZZ_FUZZER("kernel")
