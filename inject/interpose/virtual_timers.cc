// The timerfd table: each timer's expiry kept in virtual time, the kernel's timer re-armed as the offset grows.
#include "virtual_timers.h"

#include <poll.h>

#include <algorithm>
#include <climits>

#include "clock_units.h"
#include "real_calls.h"

namespace connfuzz::inject {
namespace {

// How long the kernel may take to fire a timer armed in the past (an hrtimer fires from
// an interrupt, microseconds later, not inside timerfd_settime).
constexpr int kFireWaitMs = 100;

bool valid(const timespec& ts) { return ts.tv_sec >= 0 && ts.tv_nsec >= 0 && ts.tv_nsec < kNsPerSec; }

// A signal handler may set a timer while its thread holds the lock: it goes on
// unlocked rather than deadlock.
thread_local bool t_holding = false;

}  // namespace

class VirtualTimers::Lock {
 public:
  explicit Lock(std::atomic_flag& busy) : busy_(busy), owner_(!t_holding) {
    if (!owner_) return;
    while (busy_.test_and_set(std::memory_order_acquire)) {
    }
    t_holding = true;
  }
  ~Lock() {
    if (!owner_) return;
    t_holding = false;
    busy_.clear(std::memory_order_release);
  }
  Lock(const Lock&) = delete;
  Lock& operator=(const Lock&) = delete;

 private:
  std::atomic_flag& busy_;
  bool owner_;
};

VirtualTimers::Timer* VirtualTimers::find(int fd) noexcept {
  for (Timer& t : timers_)
    if (t.fd == fd) return &t;
  return nullptr;
}

const VirtualTimers::Timer* VirtualTimers::find(int fd) const noexcept {
  for (const Timer& t : timers_)
    if (t.fd == fd) return &t;
  return nullptr;
}

void VirtualTimers::mark(int fd, bool timer) noexcept {
  if (fd >= kMarkedFds) return;
  std::uint64_t bit = std::uint64_t{1} << (fd % 64);
  if (timer) marked_[fd / 64].fetch_or(bit, std::memory_order_relaxed);
  else marked_[fd / 64].fetch_and(~bit, std::memory_order_relaxed);
}

void VirtualTimers::track(int fd, clockid_t clock) noexcept {
  if (fd < 0 || clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID) return;
  Lock lock(busy_);
  Timer* slot = find(fd);  // a descriptor reused behind connfuzz's back (dup2 onto it)
  if (slot == nullptr) slot = find(-1);
  if (slot == nullptr) return;
  if (slot->fd < 0) tracked_.fetch_add(1, std::memory_order_relaxed);
  *slot = Timer{fd, clock};
  mark(fd, true);
}

void VirtualTimers::forget(int fd) noexcept {
  if (!any()) return;
  Lock lock(busy_);
  if (Timer* t = find(fd)) {
    *t = Timer{};
    tracked_.fetch_sub(1, std::memory_order_relaxed);
    mark(fd, false);
  }
}

bool VirtualTimers::tracks(int fd) const noexcept {
  if (!any() || fd < 0) return false;
  if (fd < kMarkedFds) return marked_[fd / 64].load(std::memory_order_relaxed) & (std::uint64_t{1} << (fd % 64));
  Lock lock(busy_);
  return find(fd) != nullptr;
}

std::int64_t VirtualTimers::next_unread_ns(const Timer& t) noexcept {
  if (t.first_ns == 0) return 0;
  if (t.interval_ns == 0) return t.read == 0 ? t.first_ns : 0;
  return t.first_ns + static_cast<std::int64_t>(t.read) * t.interval_ns;
}

bool VirtualTimers::arm_kernel(const Timer& t, std::int64_t offset_ns, itimerspec* old, int* result) noexcept {
  std::int64_t expiry = next_unread_ns(t);
  // The kernel takes no expiry at or before its epoch; 1 ns is long past, as Asio's own
  // "fire now" uses it.
  std::int64_t real_expiry = expiry == 0 ? 0 : std::max<std::int64_t>(expiry - offset_ns, 1);
  itimerspec spec{timespec_of(t.interval_ns), timespec_of(real_expiry)};
  int r = real().timerfd_settime(t.fd, TFD_TIMER_ABSTIME, &spec, old);
  if (result != nullptr) *result = r;
  return r == 0 && expiry != 0 && real_expiry <= real_now_ns(t.clock);
}

int VirtualTimers::set(int fd, int flags, const itimerspec& value, itimerspec* old,
                       const std::atomic<std::int64_t>& offset, ClockReader program_now) noexcept {
  Lock lock(busy_);
  Timer* t = find(fd);
  bool translatable = (flags & ~TFD_TIMER_ABSTIME) == 0 && valid(value.it_value) && valid(value.it_interval);
  if (t == nullptr || !translatable) {
    if (t != nullptr) t->first_ns = 0;  // the kernel's clock from now on, until set again
    return real().timerfd_settime(fd, flags, &value, old);
  }
  std::int64_t offset_ns = offset.load(std::memory_order_relaxed);
  std::int64_t value_ns = ns_of(value.it_value);
  Timer updated = *t;
  updated.read = 0;
  updated.settled = false;
  updated.interval_ns = ns_of(value.it_interval);
  if (value_ns == 0) updated.first_ns = 0, updated.interval_ns = 0;
  else if (flags & TFD_TIMER_ABSTIME) updated.first_ns = value_ns;
  else updated.first_ns = program_now(t->clock) + value_ns;
  int result = 0;
  arm_kernel(updated, offset_ns, old, &result);
  if (result == 0) *t = updated;
  return result;
}

void VirtualTimers::count_read(int fd, std::uint64_t ticks) noexcept {
  Lock lock(busy_);
  if (Timer* t = find(fd)) t->read += ticks;
}

std::int64_t VirtualTimers::next_expiry_ns(std::int64_t now_ns) const noexcept {
  if (!any()) return INT64_MAX;
  Lock lock(busy_);
  std::int64_t earliest = INT64_MAX;
  for (const Timer& t : timers_) {
    std::int64_t expiry = t.fd < 0 ? 0 : next_unread_ns(t);
    if (expiry == 0) continue;
    // Onto the monotonic clock: the two real clocks differ by what the virtual ones do.
    if (t.clock != CLOCK_MONOTONIC) expiry -= real_now_ns(t.clock) - real_now_ns(CLOCK_MONOTONIC);
    if (expiry <= now_ns) {
      if (t.interval_ns == 0) continue;  // due already: the kernel has it readable
      expiry += ((now_ns - expiry) / t.interval_ns + 1) * t.interval_ns;
    }
    if (expiry < earliest) earliest = expiry;
  }
  return earliest;
}

void VirtualTimers::rearm(const std::atomic<std::int64_t>& offset) noexcept {
  if (!any()) return;
  Lock lock(busy_);
  std::int64_t offset_ns = offset.load(std::memory_order_relaxed);
  for (Timer& t : timers_) {
    if (t.fd < 0 || t.settled || next_unread_ns(t) == 0) continue;
    if (!arm_kernel(t, offset_ns, nullptr, nullptr)) continue;
    if (t.interval_ns == 0) t.settled = true;
    pollfd due{t.fd, POLLIN, 0};
    real().poll(&due, 1, kFireWaitMs);
  }
}

void VirtualTimers::rebase(std::int64_t old_offset_ns, std::int64_t offset_ns) noexcept {
  if (!any()) return;
  Lock lock(busy_);
  for (Timer& t : timers_)
    if (t.fd >= 0 && t.first_ns != 0) t.first_ns = std::max<std::int64_t>(t.first_ns + offset_ns - old_offset_ns, 1);
}

}  // namespace connfuzz::inject
