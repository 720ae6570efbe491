// What libuv's connects promise, and how libuv reports errors: each trait and each row
// is a claim about libuv 1.44.2 (Debian 12's), checked by the verdicts.
#include "libuv_targets.h"

namespace connfuzz::libraries::libuv {
namespace {

// libuv's error convention on Unix: a status is UV__ERR(errno), the errno negated
// (src/uv-common.h, UV__ERR; include/uv/errno.h, UV__E* = -E*), and the connect path
// reports the errno it met unchanged: socket()'s (uv__socket, src/unix/core.c), connect()'s
// (uv__tcp_connect, src/unix/tcp.c, where ECONNREFUSED is only delayed to the next loop
// turn; uv_pipe_connect, src/unix/pipe.c) and SO_ERROR's (uv__stream_connect,
// src/unix/stream.c). uv_failure() turns the status back into that errno, so no errno is
// reported as another: the table is empty. (A UV_* code of libuv's own, UV_ECANCELED or
// UV_EOF, comes back as no errno and matches none.)
const std::vector<connfuzz::Translation> kLibuvErrorConvention = {};

connfuzz::Traits on_a_loop() {
  // The uv_timer is the deadline; libuv makes no threads for a connect (its thread pool
  // serves file system and getaddrinfo requests only).
  return {.deadline = true, .translations = kLibuvErrorConvention};
}

}  // namespace

std::vector<connfuzz::Target> libuv_targets() {
  return {{"libuv_tcp_connect", libuv_tcp_connect, on_a_loop()},
          {"libuv_pipe_connect", libuv_pipe_connect, on_a_loop()}};
}

}  // namespace connfuzz::libraries::libuv
