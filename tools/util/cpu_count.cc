#include "cpu_count.h"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace connfuzz::tools {

int usable_cpus() noexcept {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  // A mask of more than CPU_SETSIZE CPUs does not fit: the machine's count then.
  if (sched_getaffinity(0, sizeof(allowed), &allowed) == 0) return std::max(1, CPU_COUNT(&allowed));
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

}  // namespace connfuzz::tools
