// The posix fuzzer: blocking, non-blocking and address-list connects written by the contract.
#include "fuzzer_entry.h"

CONNFUZZ_FUZZER("posix")
