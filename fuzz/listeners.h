// The harness's own loopback peers: listeners that accept, ports and paths that
// refuse, in a temporary directory it made itself. Scenario addresses point at them.
#pragma once

#include <sys/socket.h>
#include <sys/types.h>

#include <string>

namespace connfuzz::fuzz {

struct Peer {
  int fd = -1;
  sockaddr_storage addr{};
  socklen_t len = 0;  // the true size of the address
};

class Listeners {
 public:
  // Creates the directory and every peer; throws std::runtime_error naming what failed.
  void open();
  // Accepts and closes whatever connected meanwhile, so backlogs never fill.
  void drain() noexcept;
  // Removes the sockets' paths and the directory (at exit; a later harness removes what
  // a crash left). Only in the process that opened them: a forked child that exits
  // (an AFL++ persistent child, a sweep's cell runner) leaves its parent's peers alone.
  void remove_directory() noexcept;
  const std::string& directory() const noexcept { return dir_; }

  // The peer a scenario address means: by socket type, then by address family
  // (AF_INET6 and AF_UNIX have their own; anything else means the IPv4 one).
  const Peer& accepting(int type, int family) const noexcept;
  // Bound, never listening: a stream connect is refused; for a datagram socket the
  // port or path is one no datagram socket holds.
  const Peer& refusing(int family) const noexcept;

 private:
  enum Slot { kInet, kInet6, kUnix, kSlots };
  static Slot slot_of(int family) noexcept;
  std::string dir_;
  pid_t owner_ = -1;
  Peer stream_[kSlots], dgram_[kSlots], seqpacket_;
  Peer refusing_[kSlots];
};

}  // namespace connfuzz::fuzz
