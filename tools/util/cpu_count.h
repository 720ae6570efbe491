// How many CPUs connfuzz may run on: the ones its affinity mask allows (taskset, a
// container's cpuset), where std::thread::hardware_concurrency counts the machine's. A
// CPU quota (docker --cpus) is not seen. At least 1.
#pragma once

namespace connfuzz::tools {

int usable_cpus() noexcept;

}  // namespace connfuzz::tools
