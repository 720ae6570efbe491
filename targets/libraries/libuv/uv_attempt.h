// One libuv connect on a loop of its own: the handles it needs, the deadline, and the
// outcome as libuv reports it (the connect callback's status) turned into a Result.
#pragma once

#include <uv.h>

#include <connfuzz/connfuzz.hpp>
#include <memory>
#include <string>

namespace connfuzz::libraries::libuv {

// The loop and every handle of one attempt, on the heap because libuv keeps pointers to
// them. When a connected Result's owner drops it, its destructor closes the handles (libuv
// closes the socket then) and runs the loop until they are gone.
struct Attempt {
  uv_loop_t loop{};
  uv_tcp_t tcp{};
  uv_pipe_t pipe{};
  uv_timer_t deadline{};
  uv_connect_t request{};
  bool loop_ready = false;
  bool done = false;     // the connect callback ran
  bool expired = false;  // the deadline passed first
  int status = 0;        // the connect callback's status: 0 or a UV_E* code

  Attempt() = default;
  Attempt(const Attempt&) = delete;
  Attempt& operator=(const Attempt&) = delete;
  ~Attempt();
};

// A fresh attempt with its loop initialized, or nullptr with `status` set to libuv's error.
std::shared_ptr<Attempt> new_attempt(int& status);

// What the connect call passes as its callback: records the status on the Attempt.
void on_connect(uv_connect_t* request, int status);

// Runs the loop until the connect callback ran or `timeout_ms` passed (the deadline
// closes the stream, which cancels the connect), then says what libuv reported.
connfuzz::Result await_connect(std::shared_ptr<Attempt> attempt, uv_stream_t* stream, int timeout_ms, const char* call);

// libuv's status (UV__ERR(errno), -errno on Unix) as the Result's error.
connfuzz::Result uv_failure(int status, const std::string& call);

}  // namespace connfuzz::libraries::libuv
