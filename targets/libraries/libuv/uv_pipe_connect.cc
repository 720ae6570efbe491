// uv_pipe_connect on the request's first address, an AF_UNIX path: libuv takes the path
// as a C string and builds the sockaddr_un itself.
#include <sys/un.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstring>
#include <string>

#include "libuv_targets.h"
#include "uv_attempt.h"

namespace connfuzz::libraries::libuv {
namespace {

constexpr std::size_t kPathAt = offsetof(sockaddr_un, sun_path);

// The path a caller of uv_pipe_connect would pass: sun_path's bytes up to its NUL, or
// all of them. A path longer than sun_path goes as it is: libuv 1.44 cuts it to fit
// (uv__strscpy in src/unix/pipe.c), and that is libuv's to do.
std::string path_of(const connfuzz::Address& to) {
  std::size_t size = std::min<std::size_t>(to.len, sizeof(sockaddr_storage)) - kPathAt;
  const char* bytes = reinterpret_cast<const char*>(to.addr) + kPathAt;
  return std::string(bytes, strnlen(bytes, size));
}

}  // namespace

connfuzz::Result libuv_pipe_connect(const connfuzz::Request& request) {
  const connfuzz::Address& to = request.addresses.front();
  // What uv_pipe_connect cannot be asked for is refused here, as its caller would have to:
  // anything but an AF_UNIX path, and abstract names (an empty C string; libuv 1.44 has
  // no uv_pipe_connect2).
  if (to.len <= kPathAt || to.addr->sa_family != AF_UNIX)
    return connfuzz::Result::rejected(EAFNOSUPPORT, "uv_pipe_connect takes a file system path: the address is no AF_UNIX path");
  std::string path = path_of(to);
  if (path.empty()) return connfuzz::Result::rejected(EINVAL, "uv_pipe_connect takes a file system path: an abstract or empty name");
  int status = 0;
  auto attempt = new_attempt(status);
  if (!attempt) return uv_failure(status, "uv_loop_init");
  uv_pipe_init(&attempt->loop, &attempt->pipe, 0);
  // No status: a failure, from socket() or connect(), comes through the callback.
  uv_pipe_connect(&attempt->request, &attempt->pipe, path.c_str(), on_connect);
  auto* stream = reinterpret_cast<uv_stream_t*>(&attempt->pipe);
  return await_connect(std::move(attempt), stream, request.timeout_ms, "uv_pipe_connect");
}

}  // namespace connfuzz::libraries::libuv
