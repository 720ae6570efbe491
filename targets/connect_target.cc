// The shared piece of the target interface.
#include "connect_target.h"

namespace connfuzz::targets {

ConnectResult failure(int err, std::string how) {
  ConnectResult result;
  result.err = err;
  result.how = std::move(how);
  return result;
}

}  // namespace connfuzz::targets
