// libuv's connects, as a program on libuv makes them: uv_tcp_connect and uv_pipe_connect
// on an event loop, with a uv_timer as the deadline.
#pragma once

#include <connfuzz/connfuzz.hpp>
#include <vector>

namespace connfuzz::libraries::libuv {

connfuzz::Result libuv_tcp_connect(const connfuzz::Request& request);
connfuzz::Result libuv_pipe_connect(const connfuzz::Request& request);

// The list the libuv fuzzer registers, in modes.def's order (codes 30 and 31).
std::vector<connfuzz::Target> libuv_targets();

}  // namespace connfuzz::libraries::libuv
