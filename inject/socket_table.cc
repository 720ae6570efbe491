// Packs a socket's state into one atomic word per descriptor.
#include "socket_table.h"

namespace connfuzz::inject {

std::uint64_t SocketTable::pack(const SocketInfo& s) noexcept {
  std::uint64_t flags = (s.nonblocking ? 1u : 0u) | (s.abort_on_reconnect ? 2u : 0u) |
                        (s.epoll_watches_socket ? 4u : 0u) | (s.edge_reported ? 8u : 0u);
  return static_cast<std::uint64_t>(s.phase) | std::uint64_t{s.domain} << 8 | std::uint64_t{s.type} << 16 |
         flags << 24 | std::uint64_t{s.pending_err} << 32 | std::uint64_t{s.eventual} << 40 |
         std::uint64_t{s.port} << 48;
}

SocketInfo SocketTable::unpack(std::uint64_t w) noexcept {
  SocketInfo s;
  s.phase = static_cast<Phase>(w & 0xff);
  s.domain = static_cast<std::uint8_t>(w >> 8);
  s.type = static_cast<std::uint8_t>(w >> 16);
  std::uint64_t flags = (w >> 24) & 0xff;
  s.nonblocking = flags & 1;
  s.abort_on_reconnect = flags & 2;
  s.epoll_watches_socket = flags & 4;
  s.edge_reported = flags & 8;
  s.pending_err = static_cast<std::uint8_t>(w >> 32);
  s.eventual = static_cast<std::uint8_t>(w >> 40);
  s.port = static_cast<std::uint16_t>(w >> 48);
  return s;
}

void SocketTable::account(const SocketInfo& before, const SocketInfo& after) noexcept {
  int delta = static_cast<int>(after.is_simulated()) - static_cast<int>(before.is_simulated());
  if (delta) simulated_.fetch_add(delta, std::memory_order_relaxed);
}

void SocketTable::set(int fd, const SocketInfo& info) noexcept {
  if (fd < 0 || fd >= kMaxFd) return;
  SocketInfo before = unpack(slots_[fd].word.exchange(pack(info), std::memory_order_acq_rel));
  account(before, info);
  if (info.phase == Phase::Untracked) slots_[fd].epfd.store(-1, std::memory_order_relaxed);
  int high = high_water_.load(std::memory_order_relaxed);
  while (fd >= high && !high_water_.compare_exchange_weak(high, fd + 1, std::memory_order_relaxed)) {
  }
}

bool SocketTable::exchange(int fd, const SocketInfo& expected, const SocketInfo& desired) noexcept {
  if (fd < 0 || fd >= kMaxFd) return false;
  std::uint64_t want = pack(expected);
  if (!slots_[fd].word.compare_exchange_strong(want, pack(desired), std::memory_order_acq_rel)) return false;
  account(expected, desired);
  return true;
}

SocketTable::EpollRegistration SocketTable::registration(int fd) const noexcept {
  if (fd < 0 || fd >= kMaxFd) return {-1, 0, 0};
  const Slot& s = slots_[fd];
  return {s.epfd.load(std::memory_order_relaxed), s.epoll_events.load(std::memory_order_relaxed),
          s.epoll_data.load(std::memory_order_relaxed)};
}

void SocketTable::set_registration(int fd, int epfd, std::uint32_t events, std::uint64_t data) noexcept {
  if (fd < 0 || fd >= kMaxFd) return;
  slots_[fd].epoll_events.store(events, std::memory_order_relaxed);
  slots_[fd].epoll_data.store(data, std::memory_order_relaxed);
  slots_[fd].epfd.store(epfd, std::memory_order_release);
}

void SocketTable::clear() noexcept {
  int high = high_water_.load(std::memory_order_relaxed);
  for (int fd = 0; fd < high; ++fd) {
    slots_[fd].word.store(0, std::memory_order_relaxed);
    slots_[fd].epfd.store(-1, std::memory_order_relaxed);
  }
  simulated_.store(0, std::memory_order_relaxed);
  high_water_.store(0, std::memory_order_relaxed);
}

}  // namespace connfuzz::inject
