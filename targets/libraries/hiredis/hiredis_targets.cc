// What each hiredis target promises. Every trait is a claim about hiredis 0.14.1 (or, for
// the non-blocking mode, about the caller's loop in hiredis_async.cc).
#include "hiredis_targets.h"

#include "hiredis_result.h"

namespace connfuzz::hiredis {

std::vector<connfuzz::Target> hiredis_targets() {
  // redisConnectWithTimeout polls no longer than its timeout (redisContextWaitReady); the
  // TCP connects report socket() and EHOSTUNREACH as REDIS_ERR_OTHER (tcp_convention).
  connfuzz::Traits tcp{.deadline = true, .translations = tcp_convention()};
  // redisConnectUnixWithTimeout: the same wait, and errno for every failure.
  connfuzz::Traits unix_socket{.deadline = true};
  // redisAsyncConnect returns at once; the deadline is the caller's wait (hiredis_async.cc).
  connfuzz::Traits nonblock{.deadline = true, .translations = tcp_convention()};
  return {{"hiredis_connect", connect_tcp, tcp},
          {"hiredis_connect_unix", connect_unix, unix_socket},
          {"hiredis_connect_nonblock", connect_nonblock, nonblock}};
}

}  // namespace connfuzz::hiredis
