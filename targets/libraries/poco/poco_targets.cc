// What each POCO target promises: a deadline (connect's timeout; connectNB's caller's
// poll), POCO's convention of errnos as exception codes.
#include "poco_targets.h"

#include "poco_result.h"

namespace connfuzz::poco {

std::vector<connfuzz::Target> poco_targets() {
  connfuzz::Traits traits{.deadline = true, .translations = error_convention()};
  return {{"poco_connect", connect_timeout, traits}, {"poco_connect_nb", connect_nb, traits}};
}

}  // namespace connfuzz::poco
