// Finds the next definition of each intercepted libc function.
#include "real_calls.h"

#include <dlfcn.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

namespace connfuzz::inject {
namespace {

RealCalls g_real;
std::atomic<bool> g_resolved{false};

template <typename F>
void resolve(F& slot, const char* name) {
  slot = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
  if (slot == nullptr) {
    // Without the real function there is nothing safe to do: stop loudly.
    static constexpr char kMessage[] = "connfuzz: cannot find the real libc function ";
    ::write(2, kMessage, sizeof(kMessage) - 1);
    ::write(2, name, __builtin_strlen(name));
    ::write(2, "\n", 1);
    std::abort();
  }
}

// For functions older C libraries lack: null then, and their wrappers say ENOSYS.
template <typename F>
void resolve_optional(F& slot, const char* name) {
  slot = reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}

// A sanitizer's interceptor of `name` when one is linked into the program with the
// wrappers, else the next definition: a sanitizer that never saw a handler installed
// cannot keep its own signal handling right (ThreadSanitizer defers signals to safe
// points), nor one that never saw a condition variable give up its mutex its locks. Not
// from the preload library: there the program's own interceptor comes first and calls
// the preload's wrapper as its "real" function, so asking it back would loop for ever
// (an ASan program under `connfuzz run`).
template <typename F>
bool found_interceptor(F& slot, const char* interceptor) {
#ifndef CONNFUZZ_PRELOAD
  slot = reinterpret_cast<F>(dlsym(RTLD_DEFAULT, interceptor));
#else
  (void)interceptor;
  slot = nullptr;
#endif
  return slot != nullptr;
}

template <typename F>
void resolve_intercepted(F& slot, const char* name, const char* interceptor) {
  if (!found_interceptor(slot, interceptor)) resolve(slot, name);
}

template <typename F>
void resolve_intercepted_optional(F& slot, const char* name, const char* interceptor) {
  if (!found_interceptor(slot, interceptor)) resolve_optional(slot, name);
}

void resolve_all() {
  RealCalls r{};
  resolve(r.socket, "socket");
  resolve(r.connect, "connect");
  resolve(r.close, "close");
  resolve(r.dup, "dup");
  resolve(r.dup2, "dup2");
  resolve(r.dup3, "dup3");
  resolve_optional(r.close_range, "close_range");
  resolve_optional(r.closefrom, "closefrom");
  resolve(r.fcntl, "fcntl");
  resolve(r.ioctl, "ioctl");
  resolve(r.poll, "poll");
  resolve(r.ppoll, "ppoll");
  resolve(r.select, "select");
  resolve(r.pselect, "pselect");
  resolve(r.epoll_ctl, "epoll_ctl");
  resolve(r.epoll_wait, "epoll_wait");
  resolve(r.epoll_pwait, "epoll_pwait");
  resolve(r.getsockopt, "getsockopt");
  resolve(r.getpeername, "getpeername");
  resolve(r.read, "read");
  resolve(r.write, "write");
  resolve(r.send, "send");
  resolve(r.sendto, "sendto");
  resolve(r.sendmsg, "sendmsg");
  resolve(r.sendmmsg, "sendmmsg");
  resolve(r.recv, "recv");
  resolve(r.recvfrom, "recvfrom");
  resolve(r.recvmsg, "recvmsg");
  resolve(r.clock_gettime, "clock_gettime");
  resolve(r.nanosleep, "nanosleep");
  resolve(r.clock_nanosleep, "clock_nanosleep");
  resolve(r.usleep, "usleep");
  resolve(r.sleep, "sleep");
  resolve(r.timerfd_create, "timerfd_create");
  resolve(r.timerfd_settime, "timerfd_settime");
  resolve(r.setsockopt, "setsockopt");
  resolve_intercepted(r.pthread_cond_timedwait, "pthread_cond_timedwait", "__interceptor_pthread_cond_timedwait");
  resolve_intercepted_optional(r.pthread_cond_clockwait, "pthread_cond_clockwait", "__interceptor_pthread_cond_clockwait");
  resolve_intercepted(r.sem_timedwait, "sem_timedwait", "__interceptor_sem_timedwait");
  resolve_intercepted_optional(r.sem_clockwait, "sem_clockwait", "__interceptor_sem_clockwait");
  resolve_intercepted(r.sigaction, "sigaction", "__interceptor_sigaction");
  resolve_intercepted(r.signal, "signal", "__interceptor_signal");
  resolve(r.bsd_signal, "bsd_signal");
  resolve(r.sysv_signal, "sysv_signal");
  resolve(r.sysv_signal_internal, "__sysv_signal");
  resolve(r.sigset, "sigset");
  g_real = r;
  g_resolved.store(true, std::memory_order_release);
}

__attribute__((constructor(101))) void resolve_early() { resolve_all(); }

}  // namespace

const RealCalls& real() noexcept {
  if (!g_resolved.load(std::memory_order_acquire)) resolve_all();
  return g_real;
}

}  // namespace connfuzz::inject
