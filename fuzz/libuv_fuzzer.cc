// The libuv fuzzer: uv_tcp_connect and uv_pipe_connect on a loop with a deadline, libuv
// built from Debian's source with the fuzzer's instrumentation where it was fetched.
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "libuv_targets.h"

CONNFUZZ_FUZZER("libuv", connfuzz::libraries::libuv::libuv_targets)

// libuv ends the process with abort() on errors it takes for fatal (docs/FINDINGS.md,
// libuv-epoll-abort). Under AddressSanitizer, its report of the abort names where it came
// from, so that `connfuzz repro` recognizes the finding in an AFL++ crash file as
// libFuzzer's own stack does; without ASan this option is never read.
extern "C" const char* __asan_default_options() { return "handle_abort=1"; }
