// What the buggy examples share, so that each example file holds only its bug.
#pragma once

#include <fcntl.h>
#include <pthread.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "buggy_connect.h"
#include "posix/posix_connect.h"

namespace connfuzz::targets::examples {

inline ConnectResult connected(int fd) {
  ConnectResult result;
  result.fd = fd;
  return result;
}

inline ConnectResult closed_failure(int fd, int err) {
  close(fd);
  return failure(err, std::strerror(err));
}

inline int open_socket(const ConnectRequest& request, bool nonblocking) {
  return socket(request.domain, request.type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0), request.protocol);
}

// connect() on a blocking socket with an interrupted attempt waited out, as a correct
// caller does: 0 or the errno. Examples whose bug lies elsewhere connect with this.
inline int connect_blocking(int fd, const sockaddr* addr, socklen_t len, int timeout_ms) {
  int err = connect(fd, addr, len) == 0 ? 0 : errno;
  return err == EINTR ? wait_connected(fd, timeout_ms) : err;
}

inline void set_send_timeout(int fd, int timeout_ms) {
  timeval timeout{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
}

// Runs `body` on a worker thread of its own with a Job{&request} and returns the job's
// result, or ECANCELED when the worker was cancelled.
template <typename Job>
ConnectResult run_on_worker(void* (*body)(void*), const ConnectRequest& request) {
  Job job{&request};
  pthread_t worker;
  if (int err = pthread_create(&worker, nullptr, body, &job); err != 0) return failure(err, "pthread_create");
  void* status = nullptr;
  pthread_join(worker, &status);
  if (status == PTHREAD_CANCELED) return failure(ECANCELED, "the worker was cancelled inside connect");
  return job.result;
}

}  // namespace connfuzz::targets::examples
