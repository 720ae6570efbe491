// Opens the harness's loopback peers (see listeners.h).
#include "listeners.h"

#include <netinet/in.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <stdexcept>

#include "harness_directory.h"
#include "real_calls.h"

namespace connfuzz::fuzz {
namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("connfuzz harness: " + what + ": " + std::strerror(errno));
}

Peer bound(int family, int type, const std::string& path, bool listening) {
  Peer peer;
  peer.fd = socket(family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (peer.fd < 0) fail("socket for a loopback peer");
  if (family == AF_INET) {
    auto* in = reinterpret_cast<sockaddr_in*>(&peer.addr);
    in->sin_family = AF_INET;
    in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    peer.len = sizeof(sockaddr_in);
  } else if (family == AF_INET6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&peer.addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_addr = in6addr_loopback;
    peer.len = sizeof(sockaddr_in6);
  } else {
    auto* un = reinterpret_cast<sockaddr_un*>(&peer.addr);
    un->sun_family = AF_UNIX;
    std::strncpy(un->sun_path, path.c_str(), sizeof(un->sun_path) - 1);
    peer.len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + 1);
  }
  if (bind(peer.fd, reinterpret_cast<sockaddr*>(&peer.addr), peer.len) != 0) fail("bind " + path);
  if (listening && listen(peer.fd, SOMAXCONN) != 0) fail("listen");
  // The kernel chose the port: read it back.
  socklen_t len = sizeof(peer.addr);
  if (family != AF_UNIX && getsockname(peer.fd, reinterpret_cast<sockaddr*>(&peer.addr), &len) != 0)
    fail("getsockname");
  return peer;
}

}  // namespace

void Listeners::open() {
  dir_ = make_harness_directory();
  owner_ = getpid();
  stream_[kInet] = bound(AF_INET, SOCK_STREAM, "", true);
  stream_[kInet6] = bound(AF_INET6, SOCK_STREAM, "", true);
  stream_[kUnix] = bound(AF_UNIX, SOCK_STREAM, dir_ + "/stream", true);
  dgram_[kInet] = bound(AF_INET, SOCK_DGRAM, "", false);
  dgram_[kInet6] = bound(AF_INET6, SOCK_DGRAM, "", false);
  dgram_[kUnix] = bound(AF_UNIX, SOCK_DGRAM, dir_ + "/dgram", false);
  seqpacket_ = bound(AF_UNIX, SOCK_SEQPACKET, dir_ + "/seqpacket", true);
  // Bound and never listening: a stream connect there is refused.
  refusing_[kInet] = bound(AF_INET, SOCK_STREAM, "", false);
  refusing_[kInet6] = bound(AF_INET6, SOCK_STREAM, "", false);
  refusing_[kUnix] = bound(AF_UNIX, SOCK_STREAM, dir_ + "/refusing", false);
}

void Listeners::drain() noexcept {
  // Only the peers that have something: an accept4() on an empty queue still makes and
  // frees a socket and its file (3-4 us here, four listeners per input). One poll asks
  // them all, through connfuzz's real call: the harness's own wait is no target's.
  // The four that accept connections first, then the three datagram sockets.
  const Peer* peers[] = {&stream_[kInet], &stream_[kInet6], &stream_[kUnix], &seqpacket_,
                         &dgram_[kInet], &dgram_[kInet6], &dgram_[kUnix]};
  constexpr std::size_t kStreams = 4;
  pollfd ready[std::size(peers)];
  for (std::size_t i = 0; i < std::size(peers); ++i) ready[i] = {peers[i]->fd, POLLIN, 0};
  if (inject::real().poll(ready, std::size(peers), 0) <= 0) return;
  char sink[512];
  // A bound on one peer's queue: no input makes this many connections, so a peer that
  // still has more is flooded and the rest wait for the next drain.
  constexpr int kMaxDrainedPerPeer = 4096;
  for (std::size_t i = 0; i < std::size(peers); ++i) {
    if (!(ready[i].revents & POLLIN)) continue;
    for (int n = 0; n < kMaxDrainedPerPeer; ++n) {
      if (i < kStreams) {
        int fd = accept4(peers[i]->fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) break;
        close(fd);
      } else if (recv(peers[i]->fd, sink, sizeof(sink), MSG_DONTWAIT) < 0) {
        break;
      }
    }
  }
}

void Listeners::remove_directory() noexcept {
  if (getpid() == owner_) remove_harness_directory(dir_);
}

Listeners::Slot Listeners::slot_of(int family) noexcept {
  return family == AF_INET6 ? kInet6 : family == AF_UNIX ? kUnix : kInet;
}

const Peer& Listeners::accepting(int type, int family) const noexcept {
  if (type == SOCK_DGRAM) return dgram_[slot_of(family)];
  if (type == SOCK_SEQPACKET && family == AF_UNIX) return seqpacket_;
  return stream_[slot_of(family)];
}

const Peer& Listeners::refusing(int family) const noexcept { return refusing_[slot_of(family)]; }

}  // namespace connfuzz::fuzz
