// Wrappers for the clocks and timerfds: the program reads the virtual clock (the real
// one plus what simulated waits let pass, or in a harness the steady clock), so that its
// deadlines agree with the timeouts connfuzz let expire.
#include <sys/time.h>
#include <sys/timerfd.h>

#include <algorithm>
#include <climits>

#include "clock_units.h"
#include "interpose.h"

using namespace connfuzz::inject;

namespace {

constexpr std::int64_t kSleepsForever = INT64_MAX;

// A sleep's length, "for ever" (a tv_sec near its type's limit) where nanoseconds overflow.
std::int64_t sleep_ns(const timespec& t) {
  return fits_in_ns(t) ? ns_of(t) : kSleepsForever;
}

}  // namespace

extern "C" {

int clock_gettime(clockid_t clock, timespec* ts) {
  int result = real().clock_gettime(clock, ts);
  Runtime& rt = runtime();
  if (result == 0 && Runtime::moves_with_time(clock) && rt.clock_is_virtual()) {
    *ts = timespec_of(rt.clock_ns(clock));
  }
  return result;
}

int gettimeofday(timeval* tv, void*) {
  timespec ts{};
  int result = clock_gettime(CLOCK_REALTIME, &ts);
  if (result == 0) *tv = {ts.tv_sec, ts.tv_nsec / 1000};
  return result;
}

int timerfd_create(clockid_t clock, int flags) {
  int fd = real().timerfd_create(clock, flags);
  if (fd >= 0) runtime().timers().track(fd, clock);
  return fd;
}

int timerfd_settime(int fd, int flags, const itimerspec* value, itimerspec* old) {
  Runtime& rt = runtime();
  if (value == nullptr || !rt.timers().any()) return real().timerfd_settime(fd, flags, value, old);
  return rt.timers().set(fd, flags, *value, old, rt.clock_offset(), [](clockid_t clock) { return runtime().clock_ns(clock); });
}

// Sleeps: on a steady clock, the thread that runs the input finds as much time passed as
// it slept (a retry loop that counts its sleeps against a deadline). An interrupted one
// says nothing of the clock: like a wait that ended early, it did not run out.
int nanosleep(const timespec* request, timespec* remaining) {
  Runtime& rt = runtime();
  std::int64_t began = rt.now_ns();
  int result = real().nanosleep(request, remaining);
  if (result == 0) rt.note_slept(began, sleep_ns(*request));
  return result;
}

int clock_nanosleep(clockid_t clock, int flags, const timespec* request, timespec* remaining) {
  Runtime& rt = runtime();
  if (request == nullptr || !Runtime::moves_with_time(clock) || !rt.clock_is_virtual())
    return real().clock_nanosleep(clock, flags, request, remaining);
  std::int64_t began = rt.now_ns();
  std::int64_t asked = sleep_ns(*request);
  int result = 0;
  if (flags & TIMER_ABSTIME) {
    // A wake-up time is a reading of the program's clock, which the kernel's is not (it
    // lacks the virtual time, or runs ahead of a steady clock): slept for as long as the
    // program's clock has still to go.
    if (asked != kSleepsForever) asked = std::max<std::int64_t>(asked - rt.clock_ns(clock), 0);
    timespec relative = timespec_of(asked);
    result = real().clock_nanosleep(clock, flags & ~TIMER_ABSTIME, &relative, nullptr);
  } else {
    result = real().clock_nanosleep(clock, flags, request, remaining);
  }
  if (result == 0) rt.note_slept(began, asked);
  return result;
}

int usleep(useconds_t microseconds) {
  Runtime& rt = runtime();
  std::int64_t began = rt.now_ns();
  int result = real().usleep(microseconds);
  if (result == 0) rt.note_slept(began, microseconds * 1'000LL);
  return result;
}

unsigned int sleep(unsigned int seconds) {
  Runtime& rt = runtime();
  std::int64_t began = rt.now_ns();
  unsigned int left = real().sleep(seconds);
  if (left == 0) rt.note_slept(began, seconds * kNsPerSec);
  return left;
}

time_t time(time_t* out) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out != nullptr) *out = ts.tv_sec;
  return ts.tv_sec;
}

}  // extern "C"
