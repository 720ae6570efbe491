// Wrappers for the waits a thread hands a deadline as a time of day (condition variables,
// semaphores): the program read that time off its clock, which is not the kernel's (it
// holds the virtual time simulated waits let pass, or, in a harness, stands still while
// the program runs), so the kernel is handed the same moment on its own clock. Without
// it, a deadline set after a simulated 127 s timeout would last 127 s more for real.
#include <pthread.h>
#include <semaphore.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>

#include "clock_units.h"
#include "interpose.h"

using namespace connfuzz::inject;

namespace {

// Further than this from both clocks, a deadline means "no deadline": handed on as it is.
constexpr std::int64_t kFarNs = 365LL * 24 * 3600 * kNsPerSec;

bool translatable(const timespec* deadline) {
  return deadline != nullptr && deadline->tv_nsec >= 0 && deadline->tv_nsec < kNsPerSec && deadline->tv_sec >= 0 &&
         fits_in_ns(*deadline) && runtime().clock_is_virtual();
}

// pthread_cond_timedwait does not say which clock its deadline is on (the condition
// variable's attribute chose it): the one whose reading it is nearer to, the two being
// decades apart. None, when it is far from both.
bool clock_of(const timespec& deadline, clockid_t& clock) {
  Runtime& rt = runtime();
  std::int64_t at = ns_of(deadline);
  std::int64_t from_realtime = std::llabs(at - rt.clock_ns(CLOCK_REALTIME));
  std::int64_t from_monotonic = std::llabs(at - rt.clock_ns(CLOCK_MONOTONIC));
  clock = from_realtime < from_monotonic ? CLOCK_REALTIME : CLOCK_MONOTONIC;
  return std::min(from_realtime, from_monotonic) < kFarNs;
}

// A wait until `deadline`, a reading of the program's `clock`: the same moment on the
// kernel's clock, and, when the wait runs out, a steady clock moved as far as the
// deadline (for the input's thread, as its sleeps).
struct Waiting {
  std::int64_t began_ns, left_ns;
  timespec kernel_deadline;

  Waiting(clockid_t clock, const timespec& deadline) : began_ns(runtime().now_ns()) {
    left_ns = ns_of(deadline) - runtime().clock_ns(clock);
    kernel_deadline = timespec_of(real_now_ns(clock) + std::max<std::int64_t>(left_ns, 0));
  }
  void ran_out() const { runtime().note_slept(began_ns, left_ns); }
};

}  // namespace

extern "C" {

int pthread_cond_timedwait(pthread_cond_t* cond, pthread_mutex_t* mutex, const timespec* deadline) {
  clockid_t clock = CLOCK_REALTIME;
  if (!translatable(deadline) || !clock_of(*deadline, clock)) return real().pthread_cond_timedwait(cond, mutex, deadline);
  Waiting w(clock, *deadline);
  int result = real().pthread_cond_timedwait(cond, mutex, &w.kernel_deadline);
  if (result == ETIMEDOUT) w.ran_out();
  return result;
}

int pthread_cond_clockwait(pthread_cond_t* cond, pthread_mutex_t* mutex, clockid_t clock, const timespec* deadline) {
  if (real().pthread_cond_clockwait == nullptr) return ENOSYS;
  if (!translatable(deadline) || !Runtime::moves_with_time(clock))
    return real().pthread_cond_clockwait(cond, mutex, clock, deadline);
  Waiting w(clock, *deadline);
  int result = real().pthread_cond_clockwait(cond, mutex, clock, &w.kernel_deadline);
  if (result == ETIMEDOUT) w.ran_out();
  return result;
}

int sem_timedwait(sem_t* sem, const timespec* deadline) {
  if (!translatable(deadline)) return real().sem_timedwait(sem, deadline);
  Waiting w(CLOCK_REALTIME, *deadline);
  int result = real().sem_timedwait(sem, &w.kernel_deadline);
  if (result != 0 && errno == ETIMEDOUT) w.ran_out();
  return result;
}

int sem_clockwait(sem_t* sem, clockid_t clock, const timespec* deadline) {
  if (real().sem_clockwait == nullptr) {
    errno = ENOSYS;
    return -1;
  }
  if (!translatable(deadline) || !Runtime::moves_with_time(clock)) return real().sem_clockwait(sem, clock, deadline);
  Waiting w(clock, *deadline);
  int result = real().sem_clockwait(sem, clock, &w.kernel_deadline);
  if (result != 0 && errno == ETIMEDOUT) w.ran_out();
  return result;
}

}  // extern "C"
