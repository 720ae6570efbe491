// Timerfds on the virtual clock.
//
// A program that learns of its deadlines from a timerfd (Asio's reactor does) must see
// it fire when virtual time reaches the deadline, not when the kernel's time does. Each
// timer's expiry is kept in the program's (virtual) time; the kernel's timer is armed at
// that expiry minus the clock's offset, and moved whenever the offset grows. The kernel
// itself then makes the descriptor readable and counts the expirations, so epoll, poll,
// select and read need nothing of their own.
#pragma once

#include <sys/timerfd.h>

#include <atomic>
#include <cstdint>

namespace connfuzz::inject {

class VirtualTimers {
 public:
  // More timers than this stay on the kernel's clock (a program has one or a few).
  static constexpr int kMaxTimers = 64;

  // A timerfd the program created on `clock` (all but the CPU-time clocks move).
  void track(int fd, clockid_t clock) noexcept;
  void forget(int fd) noexcept;
  bool any() const noexcept { return tracked_.load(std::memory_order_relaxed) > 0; }
  // Asked on every read() of a program with a timer: lock-free below kMarkedFds.
  bool tracks(int fd) const noexcept;

  // The program's timerfd_settime: the expiry is remembered in virtual time and the
  // kernel's timer armed at its real counterpart (an untracked `fd` goes to the kernel
  // as it is). Returns what the kernel returned.
  // Flags the kernel alone understands (TFD_TIMER_CANCEL_ON_SET) leave the timer on
  // the kernel's clock.
  // A relative expiry counts from `program_now(clock)`, the timer's clock as the program
  // reads it.
  using ClockReader = std::int64_t (*)(clockid_t clock);
  int set(int fd, int flags, const itimerspec& value, itimerspec* old, const std::atomic<std::int64_t>& offset,
          ClockReader program_now) noexcept;

  // The program read `ticks` expirations from `fd`.
  void count_read(int fd, std::uint64_t ticks) noexcept;

  // The earliest expiry after `now_ns` (CLOCK_MONOTONIC as the program sees it) of
  // any timer, or INT64_MAX: how far a simulated wait may let virtual time run at once.
  std::int64_t next_expiry_ns(std::int64_t now_ns) const noexcept;

  // The offset grew: every timer's kernel expiry moves with it. A timer that is now
  // due is left readable before this returns, so the wait that follows sees it.
  void rearm(const std::atomic<std::int64_t>& offset) noexcept;

  // The offset goes back to `offset_ns` from `old_offset_ns` (between fuzz inputs):
  // the timers keep their real expiries.
  void rebase(std::int64_t old_offset_ns, std::int64_t offset_ns) noexcept;

  // In the child of a fork: a thread of the parent that held the lock does not exist
  // here, and would hold it for ever. (What it was writing may be half-written: one
  // timer's bookkeeping, not a deadlock.)
  void reset_lock_in_forked_child() noexcept { busy_.clear(std::memory_order_relaxed); }

 private:
  struct Timer {
    int fd = -1;
    clockid_t clock = CLOCK_MONOTONIC;
    std::int64_t first_ns = 0;     // virtual, on the timer's clock; 0: disarmed
    std::int64_t interval_ns = 0;  // 0: one-shot
    std::uint64_t read = 0;        // expirations the program has read since it was set
    bool settled = false;          // a one-shot timer already made due in the kernel
  };
  Timer* find(int fd) noexcept;
  const Timer* find(int fd) const noexcept;
  // The expiry the kernel has yet to report (virtual), or 0 when there is none.
  static std::int64_t next_unread_ns(const Timer& t) noexcept;
  // Arms the kernel's timer at `t`'s next unread expiry; true when that is already due.
  static bool arm_kernel(const Timer& t, std::int64_t offset_ns, itimerspec* old, int* result) noexcept;

  static constexpr int kMarkedFds = 1024;
  void mark(int fd, bool timer) noexcept;

  class Lock;
  mutable std::atomic_flag busy_ = ATOMIC_FLAG_INIT;
  std::atomic<int> tracked_{0};
  std::atomic<std::uint64_t> marked_[kMarkedFds / 64] = {};  // a bit per tracked descriptor
  Timer timers_[kMaxTimers];
};

}  // namespace connfuzz::inject
