// A connect run on a worker thread of its own, as pools and async wrappers do: the
// caller waits for the worker and learns whether it was cancelled.
#pragma once

#include <pthread.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "connect_target.h"

namespace connfuzz::targets {

// Runs `body` on a new thread with a Job{&request} and returns the job's result, or
// ECANCELED when the worker was cancelled (inside connect, a cancellation point).
template <typename Job>
ConnectResult run_on_worker(void* (*body)(void*), const ConnectRequest& request) {
  Job job{&request};
  pthread_t worker;
  if (int err = pthread_create(&worker, nullptr, body, &job); err != 0)
    return failure(err, std::string("pthread_create: ") + std::strerror(err));
  void* status = nullptr;
  pthread_join(worker, &status);
  if (status == PTHREAD_CANCELED) return failure(ECANCELED, "connect: the worker thread was cancelled inside it");
  return job.result;
}

}  // namespace connfuzz::targets
