// The libuv fuzzer: uv_tcp_connect and uv_pipe_connect on a loop with a deadline, libuv
// built from Debian's source with the fuzzer's instrumentation where it was fetched.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "libuv_targets.h"

CONNFUZZ_FUZZER("libuv", connfuzz::libraries::libuv::libuv_targets)
