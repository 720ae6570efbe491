// connect() on a worker thread that may be cancelled inside it (the GNU C Library
// manual: connect is a cancellation point, and a cancelled thread must release what
// it holds). The lock stands for any shared state a connecting worker guards.
#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "posix_connect.h"

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
  const Endpoint& to = request.endpoints.front();
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
  if (dissolves(request.endpoints.front())) return unspec_refused();
  Job job{&request};
  pthread_t worker;
  if (int err = pthread_create(&worker, nullptr, connect_on_worker, &job); err != 0)
    return failure(err, std::string("pthread_create: ") + std::strerror(err));
  void* status = nullptr;
  pthread_join(worker, &status);
  if (status == PTHREAD_CANCELED) return failure(ECANCELED, "connect: the worker thread was cancelled inside it");
  return job.result;
}

}  // namespace connfuzz::targets
