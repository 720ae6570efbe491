// A network namespace of the process's own with only loopback up: the second wall behind the guard.
#pragma once

#include <string>

namespace connfuzz::inject {

// Moves the calling process (a user namespace too when not root) into a new network
// namespace and brings `lo` up. Returns "" on success, or why it is not available.
std::string enter_private_network();

}  // namespace connfuzz::inject
