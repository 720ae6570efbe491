// Connects to every destination of random_destinations(SEED, COUNT, DIR), one
// non-blocking socket each, and prints nothing: the event log is the record. Only for
// the guard property test, under `connfuzz run`. It refuses to run anywhere a packet
// could leave: in a network namespace with any interface but lo.
#include <net/if.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "random_destinations.h"

namespace {

bool only_loopback() {
  struct if_nameindex* names = if_nameindex();
  if (names == nullptr) return false;
  bool only_lo = true;
  for (struct if_nameindex* n = names; n->if_index != 0; ++n) only_lo &= std::string(n->if_name) == "lo";
  if_freenameindex(names);
  return only_lo;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: guard_property_client SEED COUNT DIR\n");
    return 2;
  }
  if (!only_loopback()) {
    std::fprintf(stderr, "guard_property_client: this network namespace has interfaces besides lo; refusing to run\n");
    return 3;
  }
  auto destinations = connfuzz::testing::random_destinations(std::strtoull(argv[1], nullptr, 10), std::atoi(argv[2]), argv[3]);
  for (const auto& d : destinations) {
    int fd = socket(d.domain, d.type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    (void)connect(fd, reinterpret_cast<const sockaddr*>(&d.addr), d.len);
    close(fd);
  }
  return 0;
}
