// Wrappers for the clocks and timerfds: the program reads the virtual clock (the real
// one plus what simulated waits let pass, or in a harness the steady clock), so that its
// deadlines agree with the timeouts connfuzz let expire.
#include <sys/time.h>
#include <sys/timerfd.h>

#include "interpose.h"

using namespace connfuzz::inject;

extern "C" {

int clock_gettime(clockid_t clock, timespec* ts) {
  int result = real().clock_gettime(clock, ts);
  Runtime& rt = runtime();
  if (result == 0 && Runtime::moves_with_time(clock) && (rt.steady_clock() || rt.clock_offset_ns() != 0)) {
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

// Sleeps: on a steady clock, the thread that runs the input finds as much time passed as
// it slept (a retry loop that counts its sleeps against a deadline).
int nanosleep(const timespec* request, timespec* remaining) {
  Runtime& rt = runtime();
  std::int64_t began = rt.now_ns();
  int result = real().nanosleep(request, remaining);
  if (result == 0) rt.note_slept(began, request->tv_sec * 1'000'000'000LL + request->tv_nsec);
  return result;
}

int clock_nanosleep(clockid_t clock, int flags, const timespec* request, timespec* remaining) {
  Runtime& rt = runtime();
  std::int64_t began = rt.now_ns();
  std::int64_t asked = request->tv_sec * 1'000'000'000LL + request->tv_nsec;
  // An absolute wake-up is on the program's reading of `clock`, which the kernel's own
  // reading may be past already: the sleep is as long as the program's clock makes it.
  if (flags & TIMER_ABSTIME && Runtime::moves_with_time(clock)) asked -= rt.clock_ns(clock);
  int result = real().clock_nanosleep(clock, flags, request, remaining);
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
  rt.note_slept(began, (seconds - left) * 1'000'000'000LL);
  return left;
}

time_t time(time_t* out) {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  if (out != nullptr) *out = ts.tv_sec;
  return ts.tv_sec;
}

}  // extern "C"
