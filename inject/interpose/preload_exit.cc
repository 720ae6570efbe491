// For programs under the preload backend: when the program exits normally, one log
// line per socket that is connected for real at that moment. A program that connects
// and exits without a call that shows it (a health check) is still seen to have
// connected, so the matrix can tell a true success from a false one.
#include <sys/socket.h>

#include "runtime.h"
#include "real_calls.h"

namespace connfuzz::inject {
namespace {

__attribute__((destructor)) void log_connected_sockets_at_exit() {
  Runtime& rt = runtime();
  SocketTable& table = rt.sockets();
  for (int fd = 0; fd < table.high_water(); ++fd) {
    Phase phase = table.get(fd).phase;
    if (phase != Phase::Connecting && phase != Phase::Held && phase != Phase::Connected) continue;
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    if (real().getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) continue;
    char line[96];
    rt.log().write_raw(line, format_connected_note("exit", fd, line, sizeof(line)));
  }
}

}  // namespace
}  // namespace connfuzz::inject
