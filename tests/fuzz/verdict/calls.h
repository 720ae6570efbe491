// Test helper: an input's calls written out by hand, as the in-process log would hold them.
#pragma once

#include <netinet/in.h>

#include <cstring>
#include <deque>
#include <span>
#include <vector>

#include "connect_target.h"
#include "event_log.h"

namespace connfuzz::testing {

class Calls {
 public:
  // A call that failed (err != 0 with result -1) or returned `result`.
  Calls& add(inject::Call call, int fd, long result, int err = 0, inject::Mark mark = inject::Mark::None,
             const char* args = "") {
    inject::Event& e = events_.emplace_back();
    e.call = call;
    e.fd = fd;
    e.result = result;
    e.err = err;
    e.mark = mark;
    std::strncpy(e.args, args, sizeof(e.args) - 1);
    pointers_.push_back(&e);
    return *this;
  }
  Calls& injected(inject::Call call, int fd, int err, const char* args = "") {
    return add(call, fd, -1, err, inject::Mark::Injected, args);
  }
  Calls& kernel_failed(inject::Call call, int fd, int err) { return add(call, fd, -1, err); }
  Calls& socket(int fd) { return add(inject::Call::socket, -1, fd); }
  // A connect the kernel answered, to `to`.
  Calls& connect_to(int fd, const sockaddr* to, socklen_t len, long result, int err = 0) {
    add(inject::Call::connect, fd, result, err);
    events_.back().set_address(to, len, true);
    return *this;
  }
  std::span<const inject::Event* const> events() const { return pointers_; }

 private:
  std::deque<inject::Event> events_;  // stable addresses
  std::vector<const inject::Event*> pointers_;
};

// What a target that failed with `err` returns.
inline targets::ConnectResult failed_with(int err) {
  targets::ConnectResult r;
  r.error = std::error_code(err, std::system_category());
  return r;
}

}  // namespace connfuzz::testing
