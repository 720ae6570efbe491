// Packs a socket's state into one atomic word per descriptor.
#include "socket_table.h"
#include "zero_pages.h"

#include <sys/mman.h>

namespace connfuzz::inject {

SocketTable::SocketTable() noexcept
    : slots_(static_cast<Slot*>(zero_pages(sizeof(Slot) * kMaxFd, "socket table"))) {}

SocketTable::~SocketTable() { munmap(slots_, sizeof(Slot) * kMaxFd); }

void SocketTable::account(const SocketInfo& before, const SocketInfo& after) noexcept {
  int delta = static_cast<int>(after.is_simulated()) - static_cast<int>(before.is_simulated());
  if (delta) simulated_.fetch_add(delta, std::memory_order_relaxed);
}

void SocketTable::set(int fd, const SocketInfo& info) noexcept {
  if (fd < 0 || fd >= kMaxFd) return;
  SocketInfo before = unpack(__atomic_exchange_n(&slots_[fd].word, pack(info), __ATOMIC_ACQ_REL));
  account(before, info);
  if (info.phase == Phase::Untracked) __atomic_store_n(&slots_[fd].epfd_plus_one, 0, __ATOMIC_RELAXED);
  int high = high_water_.load(std::memory_order_relaxed);
  while (fd >= high && !high_water_.compare_exchange_weak(high, fd + 1, std::memory_order_relaxed)) {
  }
}

bool SocketTable::exchange(int fd, const SocketInfo& expected, const SocketInfo& desired) noexcept {
  if (fd < 0 || fd >= kMaxFd) return false;
  std::uint64_t want = pack(expected);
  if (!__atomic_compare_exchange_n(&slots_[fd].word, &want, pack(desired), false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return false;
  account(expected, desired);
  return true;
}

SocketTable::EpollRegistration SocketTable::registration(int fd) const noexcept {
  if (fd < 0 || fd >= kMaxFd) return {-1, 0, 0};
  const Slot& s = slots_[fd];
  return {__atomic_load_n(&s.epfd_plus_one, __ATOMIC_ACQUIRE) - 1, __atomic_load_n(&s.epoll_events, __ATOMIC_RELAXED),
          __atomic_load_n(&s.epoll_data, __ATOMIC_RELAXED)};
}

void SocketTable::set_registration(int fd, int epfd, std::uint32_t events, std::uint64_t data) noexcept {
  if (fd < 0 || fd >= kMaxFd) return;
  __atomic_store_n(&slots_[fd].epoll_events, events, __ATOMIC_RELAXED);
  __atomic_store_n(&slots_[fd].epoll_data, data, __ATOMIC_RELAXED);
  __atomic_store_n(&slots_[fd].epfd_plus_one, epfd + 1, __ATOMIC_RELEASE);
}

void SocketTable::clear() noexcept {
  int high = high_water_.load(std::memory_order_relaxed);
  for (int fd = 0; fd < high; ++fd) {
    __atomic_store_n(&slots_[fd].word, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&slots_[fd].epfd_plus_one, 0, __ATOMIC_RELAXED);
  }
  simulated_.store(0, std::memory_order_relaxed);
  high_water_.store(0, std::memory_order_relaxed);
}

}  // namespace connfuzz::inject
