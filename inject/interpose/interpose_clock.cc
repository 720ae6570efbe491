// Wrappers for the clocks and timerfds: the virtual time that simulated waits let
// pass is added, so a program's deadlines agree with the timeouts connfuzz let expire.
#include <sys/time.h>
#include <sys/timerfd.h>

#include "interpose.h"

using namespace connfuzz::inject;

extern "C" {

int clock_gettime(clockid_t clock, timespec* ts) {
  int result = real().clock_gettime(clock, ts);
  Runtime& rt = runtime();
  if (result == 0 && (rt.steady_clock() || rt.clock_offset_ns() != 0)) {
    std::int64_t ns = rt.clock_ns(clock);
    *ts = {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
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

time_t time(time_t* out) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out != nullptr) *out = ts.tv_sec;
  return ts.tv_sec;
}

}  // extern "C"
