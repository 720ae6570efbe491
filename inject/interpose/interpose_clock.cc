// Wrappers for the clocks and timerfds: the virtual time that simulated waits let
// pass is added, so a program's deadlines agree with the timeouts connfuzz let expire.
#include <sys/time.h>
#include <sys/timerfd.h>

#include "interpose.h"

using namespace connfuzz::inject;

extern "C" {

int clock_gettime(clockid_t clock, timespec* ts) {
  int result = real().clock_gettime(clock, ts);
  std::int64_t offset = runtime().clock_offset_ns();
  if (result == 0 && offset != 0 && clock != CLOCK_PROCESS_CPUTIME_ID &&
      clock != CLOCK_THREAD_CPUTIME_ID) {
    std::int64_t ns = ts->tv_nsec + offset % 1'000'000'000;
    ts->tv_sec += offset / 1'000'000'000 + ns / 1'000'000'000;
    ts->tv_nsec = ns % 1'000'000'000;
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
  return rt.timers().set(fd, flags, *value, old, rt.clock_offset());
}

time_t time(time_t* out) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out != nullptr) *out = ts.tv_sec;
  return ts.tv_sec;
}

}  // extern "C"
