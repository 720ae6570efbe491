// Holds the calling thread blocked in a real connect() while a helper thread delivers
// a real signal to it or cancels it, so that the kernel and the C library, not
// connfuzz, decide what follows: EINTR, a restart under SA_RESTART, EINTR despite
// SA_RESTART when SO_SNDTIMEO is set, or a cancellation that unwinds the caller
// through its cleanup handlers.
#pragma once

namespace connfuzz::inject {

struct HeldConnect {
  int result = 0;             // the blocked connect's own result
  int err = 0;                // EINTR: interrupted; EAGAIN: the send timeout ran out first
  bool delivered = false;     // the signal left the pending set (a handler ran)
  const char* failure = nullptr;  // the wait could not be set up: why
};

// Blocks in connect() on a private AF_UNIX socket whose listener's backlog is full, with
// `like_fd`'s SO_SNDTIMEO, until a helper thread has sent `signal` to this thread (then
// it lets the wait end) or, with `cancel`, has called pthread_cancel on it (a cancelled
// thread does not return from here). Not async-signal-safe: it starts a thread.
HeldConnect hold_in_connect(int like_fd, int signal, bool cancel);

}  // namespace connfuzz::inject
