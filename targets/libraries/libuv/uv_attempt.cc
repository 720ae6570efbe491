// The loop around one libuv connect: a deadline timer, the callback's status, and the
// socket handed over with the Attempt as its owner.
#include "uv_attempt.h"

#include <cerrno>
#include <system_error>

namespace connfuzz::libraries::libuv {
namespace {

void close_handle(uv_handle_t* handle, void*) {
  if (!uv_is_closing(handle)) uv_close(handle, nullptr);
}

// The deadline closes the stream: libuv then calls the connect callback with UV_ECANCELED.
void on_deadline(uv_timer_t* timer) {
  auto* attempt = static_cast<Attempt*>(timer->data);
  attempt->expired = true;
  close_handle(reinterpret_cast<uv_handle_t*>(attempt->request.handle), nullptr);
}

}  // namespace

Attempt::~Attempt() {
  if (!loop_ready) return;
  uv_walk(&loop, close_handle, nullptr);
  // With every handle closing, one run calls their close callbacks and returns.
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
}

std::shared_ptr<Attempt> new_attempt(int& status) {
  auto attempt = std::make_shared<Attempt>();
  status = uv_loop_init(&attempt->loop);
  if (status != 0) return nullptr;
  attempt->loop_ready = true;
  attempt->request.data = attempt.get();
  return attempt;
}

void on_connect(uv_connect_t* request, int status) {
  auto* attempt = static_cast<Attempt*>(request->data);
  attempt->done = true;
  attempt->status = status;
}

connfuzz::Result await_connect(std::shared_ptr<Attempt> attempt, uv_stream_t* stream, int timeout_ms, const char* call) {
  uv_timer_init(&attempt->loop, &attempt->deadline);
  attempt->deadline.data = attempt.get();
  uv_timer_start(&attempt->deadline, on_deadline, static_cast<std::uint64_t>(timeout_ms), 0);
  // The pending connect and the timer keep the loop alive: each turn runs callbacks or
  // waits for them, and the deadline ends the attempt, so this ends at the latest then.
  while (!attempt->done && uv_run(&attempt->loop, UV_RUN_ONCE) != 0) {
  }
  uv_timer_stop(&attempt->deadline);
  connfuzz::Result result;
  if (attempt->expired) return uv_failure(UV_ETIMEDOUT, std::string(call) + ": deadline passed");
  // A loop that ran dry without calling back leaves no error: the contract's verdict says so.
  if (!attempt->done) return result;
  if (attempt->status < 0) return uv_failure(attempt->status, call);
  uv_os_fd_t fd = -1;
  int status = uv_fileno(reinterpret_cast<const uv_handle_t*>(stream), &fd);
  if (status != 0) return uv_failure(status, "uv_fileno");
  result.fd = fd;
  result.owner = std::move(attempt);
  return result;
}

connfuzz::Result uv_failure(int status, const std::string& call) {
  connfuzz::Result result;
  result.error = std::error_code(-status, std::system_category());
  // The _r forms: uv_err_name and uv_strerror leak a string for a code libuv does not
  // know (an errno outside its table, ENOSR), as uv.h says.
  char name[64], text[128];
  result.message = call + ": " + uv_err_name_r(status, name, sizeof(name)) + " (" +
                   uv_strerror_r(status, text, sizeof(text)) + ")";
  return result;
}

}  // namespace connfuzz::libraries::libuv
