// connfuzz's own fuzzers' targets, as each fuzzer registers them through the public
// API (CONNFUZZ_FUZZER in fuzz/<name>_fuzzer.cc): a name from fuzz/modes.def and the
// traits the target promises. Kept here, beside the targets, so that tests register
// the same lists.
#pragma once

#include <string_view>
#include <vector>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::targets {

std::vector<connfuzz::Target> posix_targets();
std::vector<connfuzz::Target> datagram_targets();
std::vector<connfuzz::Target> asio_targets();
std::vector<connfuzz::Target> endpoint_targets();
std::vector<connfuzz::Target> kernel_targets();
// The one target of the buggy example `name` ("example_eagain_spin"); empty if none.
std::vector<connfuzz::Target> example_targets(std::string_view name);

}  // namespace connfuzz::targets
