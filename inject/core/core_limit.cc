#include "core_limit.h"

#include <sys/resource.h>

namespace connfuzz::inject {

void disable_core_files() noexcept {
  rlimit limit{};
  if (getrlimit(RLIMIT_CORE, &limit) != 0) return;
  limit.rlim_cur = 0;
  setrlimit(RLIMIT_CORE, &limit);
}

}  // namespace connfuzz::inject
