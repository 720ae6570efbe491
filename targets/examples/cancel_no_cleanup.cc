// BUG: connects on a worker thread with no cleanup handler: a cancellation inside
// connect() (a cancellation point) leaks the socket.
#include <pthread.h>

#include "example_common.h"

namespace connfuzz::targets::examples {
namespace {

struct Job {
  const ConnectRequest* request;
  ConnectResult result;
};

void* worker(void* argument) {
  auto* job = static_cast<Job*>(argument);
  const Endpoint& to = job->request->addresses.front();
  int fd = open_socket(*job->request, false);
  if (fd < 0) return job->result = failure(errno, "socket"), nullptr;
  int err = connect_blocking(fd, to.addr, to.len, job->request->timeout_ms);
  job->result = err == 0 ? connected(fd) : closed_failure(fd, err);
  return nullptr;
}

}  // namespace

ConnectResult cancel_no_cleanup(const ConnectRequest& request) {
  if (dissolves(request.addresses.front())) return unspec_refused();
  return run_on_worker<Job>(worker, request);
}

}  // namespace connfuzz::targets::examples
