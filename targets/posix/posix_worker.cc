// connect() on a worker thread that may be cancelled inside it (the GNU C Library
// manual: connect is a cancellation point, and a cancelled thread must release what
// it holds). The lock stands for any shared state a connecting worker guards.
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "posix_connect.h"
#include "worker_thread.h"

namespace connfuzz::targets {
namespace {

pthread_mutex_t g_pool_lock = PTHREAD_MUTEX_INITIALIZER;

struct Job {
  const ConnectRequest* request;
  int fd = -1;
  ConnectResult result;
};

void release_on_cancel(void* argument) {
  auto* job = static_cast<Job*>(argument);
  if (job->fd >= 0) close(job->fd);
  job->fd = -1;
  pthread_mutex_unlock(&g_pool_lock);
}

void* connect_on_worker(void* argument) {
  auto* job = static_cast<Job*>(argument);
  const ConnectRequest& request = *job->request;
  const Endpoint& to = request.addresses.front();
  pthread_mutex_lock(&g_pool_lock);
  pthread_cleanup_push(release_on_cancel, job);
  job->fd = socket(request.domain, request.type | SOCK_CLOEXEC, request.protocol);
  if (job->fd < 0) {
    job->result = failure(errno, std::string("socket: ") + std::strerror(errno));
  } else {
    int err = connect(job->fd, to.addr, to.len) == 0 ? 0 : errno;
    if (err == EINTR || err == EINPROGRESS || err == EALREADY) err = wait_connected(job->fd, request.timeout_ms);
    if (err == 0) {
      job->result.fd = job->fd;
    } else {
      close(job->fd);
      job->result = failure(err, std::string("connect: ") + std::strerror(err));
    }
    job->fd = -1;
  }
  pthread_cleanup_pop(0);
  pthread_mutex_unlock(&g_pool_lock);
  return nullptr;
}

}  // namespace

ConnectResult posix_worker_connect(const ConnectRequest& request) {
  if (dissolves(request.addresses.front())) return unspec_refused();
  return run_on_worker<Job>(connect_on_worker, request);
}

}  // namespace connfuzz::targets
