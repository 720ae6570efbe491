// The endpoint fuzzer: Asio endpoints filled from raw sockaddr bytes.
#include "fuzzer_entry.h"

CONNFUZZ_FUZZER("endpoint")
