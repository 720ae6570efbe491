// connfuzz's public C++ API: the C API (connfuzz.h) with std::span, std::error_code,
// lambdas that capture, and an owner object that keeps whatever holds the socket (an
// io_context, an event loop) alive until connfuzz has checked it.
//
//     #include <connfuzz/connfuzz.hpp>
//     std::vector<connfuzz::Target> my_targets() {
//       return {{"my_client", [](const connfuzz::Request& r) { return my_connect(r); },
//                {.deadline = true}}};
//     }
//     CONNFUZZ_FUZZER("my_client", my_targets)
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "connfuzz.h"

namespace connfuzz {

using Address = connfuzz_address;

struct Request {
  int domain = AF_INET;
  int type = SOCK_STREAM;
  int protocol = 0;
  std::span<const Address> addresses;  // at least one; single-address targets use the first
  int timeout_ms = 2000;               // the deadline, for a target that promises one
};

struct Result {
  int fd = -1;               // >= 0: connected; connfuzz checks it, then closes it unless `owner` holds it
  std::error_code error;     // on failure: errno as std::system_category, or the target's own code
  std::string message;       // the error as the target words it ("connect: Connection refused")
  bool rejected_input = false;  // refused the input before any connect (an endpoint too long)
  std::shared_ptr<void> owner;  // keeps what owns `fd` (an Asio socket and its io_context)

  bool connected() const noexcept { return fd >= 0; }

  // The input refused before any connect, for a reason the target states (an address
  // its API has no way to take): `err` is the errno it reports for it.
  static Result rejected(int err, std::string message) {
    Result result;
    result.error = std::error_code(err, std::system_category());
    result.message = std::move(message);
    result.rejected_input = true;
    return result;
  }
};

// One row of the target's error convention: `from_errno` is reported as `reported`.
struct Translation {
  int from_errno = 0;
  int reported = 0;
};

// What a target promises; the verdicts hold it to each (README: "the contract").
struct Traits {
  bool deadline = false;       // gives up within Request::timeout_ms
  bool every_address = false;  // tries each address in turn, fails only when all did
  bool threads = false;        // connects on threads of its own (a CANCEL can reach them)
  bool catches_signals = true; // the program around it has signal handlers, so EINTR can happen
  std::vector<Translation> translations;
};

struct Target {
  std::string name;  // [A-Za-z0-9_]; its name in reports and in a scenario's text
  std::function<Result(const Request&)> connect;
  Traits traits;
};

// What CONNFUZZ_FUZZER calls. The order of the targets is their mode in stored inputs:
// append new ones. Exits with status 2 and a message on a malformed list.
int initialize(const char* fuzzer, std::vector<Target> targets, int api_version = CONNFUZZ_API_VERSION);
inline int test_one_input(const std::uint8_t* data, std::size_t size) { return connfuzz_test_one_input(data, size); }

}  // namespace connfuzz

// The fuzzer: `make_targets` is a function returning std::vector<connfuzz::Target>.
#define CONNFUZZ_FUZZER(name, make_targets)                                                \
  extern "C" int LLVMFuzzerInitialize(int*, char***) { return connfuzz::initialize(name, make_targets()); } \
  extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {     \
    return connfuzz::test_one_input(data, size);                                           \
  }
