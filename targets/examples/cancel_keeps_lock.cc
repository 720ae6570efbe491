// BUG: its cleanup handler closes the socket of a worker cancelled inside connect()
// but never unlocks the lock the worker held: the next connect waits for ever.
#include <pthread.h>

#include "example_common.h"

namespace connfuzz::targets::examples {
namespace {

pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

struct Job {
  const ConnectRequest* request;
  ConnectResult result;
  int fd = -1;
};

void close_socket(void* argument) {
  auto* job = static_cast<Job*>(argument);
  if (job->fd >= 0) close(job->fd);
}

void* worker(void* argument) {
  auto* job = static_cast<Job*>(argument);
  const Endpoint& to = job->request->addresses.front();
  pthread_mutex_lock(&g_lock);
  pthread_cleanup_push(close_socket, job);
  job->fd = open_socket(*job->request, false);
  if (job->fd < 0) {
    job->result = failure(errno, "socket");
  } else {
    int err = connect_blocking(job->fd, to.addr, to.len, job->request->timeout_ms);
    job->result = err == 0 ? connected(job->fd) : closed_failure(job->fd, err);
  }
  pthread_cleanup_pop(0);
  pthread_mutex_unlock(&g_lock);
  return nullptr;
}

}  // namespace

ConnectResult cancel_keeps_lock(const ConnectRequest& request) {
  if (dissolves(request.addresses.front())) return unspec_refused();
  return run_on_worker<Job>(worker, request);
}

}  // namespace connfuzz::targets::examples
