// The shared piece of the target interface.
#include "connect_target.h"

#include <cerrno>

namespace connfuzz::targets {

ConnectResult failure(int err, std::string how) {
  ConnectResult result;
  result.error = std::error_code(err, std::system_category());
  result.message = std::move(how);
  return result;
}

ConnectResult rejected_input(int err, std::string how) {
  ConnectResult result = failure(err, std::move(how));
  result.rejected_input = true;
  return result;
}

bool dissolves(const Endpoint& to) noexcept {
  return to.len >= sizeof(sa_family_t) && to.addr->sa_family == AF_UNSPEC;
}

ConnectResult unspec_refused() { return rejected_input(EAFNOSUPPORT, "AF_UNSPEC is no destination"); }

}  // namespace connfuzz::targets
