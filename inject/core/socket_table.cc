// Packs a socket's state into one atomic word per descriptor.
#include "socket_table.h"

namespace connfuzz::inject {

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
