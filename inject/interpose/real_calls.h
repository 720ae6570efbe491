// The libc functions behind connfuzz's wrappers, found with dlsym(RTLD_NEXT).
#pragma once

#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <time.h>

namespace connfuzz::inject {

struct RealCalls {
  int (*socket)(int, int, int);
  int (*connect)(int, const sockaddr*, socklen_t);
  int (*close)(int);
  int (*dup)(int);
  int (*dup2)(int, int);
  int (*dup3)(int, int, int);
  int (*close_range)(unsigned int, unsigned int, int);  // null before glibc 2.34
  void (*closefrom)(int);                                // null before glibc 2.34
  int (*fcntl)(int, int, ...);
  int (*ioctl)(int, unsigned long, ...);
  int (*poll)(pollfd*, nfds_t, int);
  int (*ppoll)(pollfd*, nfds_t, const timespec*, const sigset_t*);
  int (*select)(int, fd_set*, fd_set*, fd_set*, timeval*);
  int (*pselect)(int, fd_set*, fd_set*, fd_set*, const timespec*, const sigset_t*);
  int (*epoll_ctl)(int, int, int, epoll_event*);
  int (*epoll_wait)(int, epoll_event*, int, int);
  int (*epoll_pwait)(int, epoll_event*, int, int, const sigset_t*);
  int (*getsockopt)(int, int, int, void*, socklen_t*);
  int (*getpeername)(int, sockaddr*, socklen_t*);
  ssize_t (*read)(int, void*, size_t);
  ssize_t (*write)(int, const void*, size_t);
  ssize_t (*send)(int, const void*, size_t, int);
  ssize_t (*sendto)(int, const void*, size_t, int, const sockaddr*, socklen_t);
  ssize_t (*sendmsg)(int, const msghdr*, int);
  int (*sendmmsg)(int, mmsghdr*, unsigned int, int);
  ssize_t (*recv)(int, void*, size_t, int);
  ssize_t (*recvfrom)(int, void*, size_t, int, sockaddr*, socklen_t*);
  ssize_t (*recvmsg)(int, msghdr*, int);
  int (*clock_gettime)(clockid_t, timespec*);
  int (*nanosleep)(const timespec*, timespec*);
  int (*clock_nanosleep)(clockid_t, int, const timespec*, timespec*);
  int (*usleep)(useconds_t);
  unsigned int (*sleep)(unsigned int);
  int (*timerfd_create)(clockid_t, int);
  int (*timerfd_settime)(int, int, const itimerspec*, itimerspec*);
  int (*setsockopt)(int, int, int, const void*, socklen_t);
  // Waits until a time of day (interpose_timed_waits.cc); ThreadSanitizer's interceptors
  // where it is linked in, which must see the mutex a condition variable gives up.
  int (*pthread_cond_timedwait)(pthread_cond_t*, pthread_mutex_t*, const timespec*);
  int (*pthread_cond_clockwait)(pthread_cond_t*, pthread_mutex_t*, clockid_t, const timespec*);  // null before glibc 2.30
  int (*sem_timedwait)(sem_t*, const timespec*);
  int (*sem_clockwait)(sem_t*, clockid_t, const timespec*);  // null before glibc 2.30
  // The program's signal dispositions (interpose_signals.cc). sigaction and signal are
  // a sanitizer's interceptors where one is linked in, so that it still sees them.
  int (*sigaction)(int, const struct sigaction*, struct sigaction*);
  sighandler_t (*signal)(int, sighandler_t);
  sighandler_t (*bsd_signal)(int, sighandler_t);
  sighandler_t (*sysv_signal)(int, sighandler_t);
  sighandler_t (*sysv_signal_internal)(int, sighandler_t);  // __sysv_signal: signal() under strict standards
  sighandler_t (*sigset)(int, sighandler_t);
};

// Resolved once, before main or at the first intercepted call.
const RealCalls& real() noexcept;

}  // namespace connfuzz::inject
