// BUG: only the errors its author thought of are in the table; .at() throws on the rest.
#include <map>
#include <string>

#include "example_common.h"

namespace connfuzz::targets::examples {

ConnectResult unknown_errno(const ConnectRequest& request) {
  static const std::map<int, std::string> kMessages = {
      {ECONNREFUSED, "nobody listens there"}, {ETIMEDOUT, "no answer"}, {ENETUNREACH, "no route"}};
  const Endpoint& to = request.addresses.front();
  if (dissolves(to)) return unspec_refused();  // every example refuses it: its only bug is its own
  int fd = open_socket(request, false);
  if (fd < 0) return failure(errno, "socket");
  if (connect(fd, to.addr, to.len) != 0) {
    int err = errno;
    close(fd);
    return failure(err, kMessages.at(err));
  }
  return connected(fd);
}

}  // namespace connfuzz::targets::examples
