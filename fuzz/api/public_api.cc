// The public API's entry points (include/connfuzz/): the registration of a fuzzer's
// targets, one input at a time, and the adapters of the dial shapes.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include <connfuzz/connfuzz.h>
#include <connfuzz/connfuzz.hpp>

#include "contract.h"
#include "harness.h"
#include "registry.h"

namespace connfuzz::fuzz {
namespace {

std::string& fuzzer_name() {
  static std::string name;
  return name;
}

std::string& first_breach() {
  static thread_local std::string what;
  return what;
}

[[noreturn]] void refuse(const char* fuzzer, const std::string& problem) {
  std::fprintf(stderr, "connfuzz: fuzzer '%s': %s\n", fuzzer != nullptr ? fuzzer : "(null)", problem.c_str());
  std::exit(2);
}

constexpr unsigned kKnownTraits = CONNFUZZ_DEADLINE | CONNFUZZ_EVERY_ADDRESS | CONNFUZZ_THREADS | CONNFUZZ_NO_SIGNAL_HANDLERS;

Traits traits_of(const connfuzz_target& c) {
  Traits t;
  t.deadline = c.traits & CONNFUZZ_DEADLINE;
  t.every_address = c.traits & CONNFUZZ_EVERY_ADDRESS;
  t.threads = c.traits & CONNFUZZ_THREADS;
  t.catches_signals = !(c.traits & CONNFUZZ_NO_SIGNAL_HANDLERS);
  for (std::size_t i = 0; i < c.translation_count; ++i)
    t.translations.push_back({c.translations[i].from_errno, c.translations[i].reported});
  return t;
}

Result result_of(const connfuzz_target& c, const connfuzz_result& r) {
  Result out;
  out.fd = r.fd;
  if (r.error != 0) out.error = std::error_code(r.error, std::system_category());
  out.message.assign(r.message, strnlen(r.message, sizeof(r.message)));
  out.rejected_input = r.rejected_input != 0;
  if (r.owner != nullptr && c.release == nullptr)
    note_broken_contract("it set result->owner, but its connfuzz_target has no release function to end it");
  else if (r.owner != nullptr)
    out.owner = std::shared_ptr<void>(r.owner, c.release);
  return out;
}

Target target_of(const connfuzz_target& c) {
  Target t{c.name != nullptr ? c.name : "", nullptr, traits_of(c)};
  if (c.connect == nullptr) return t;
  t.connect = [c](const Request& request) {
    connfuzz_request req{request.domain, request.type,       request.protocol, request.addresses.data(),
                         request.addresses.size(), request.timeout_ms, c.context};
    connfuzz_result res{};
    res.fd = -1;
    c.connect(&req, &res);
    return result_of(c, res);
  };
  return t;
}

// What a dial returned, as a result: a descriptor, or -1 and errno.
void take_dial_answer(int fd, int err, const char* shape, connfuzz_result* result) {
  if (fd >= 0) {
    result->fd = fd;
    return;
  }
  if (fd != -1) note_broken_contract("it returned " + std::to_string(fd) + ", which is neither a descriptor nor -1");
  else if (err == 0) note_broken_contract("it returned -1 with errno 0: its caller cannot tell why it failed");
  result->fd = -1;
  result->error = err;
  std::snprintf(result->message, sizeof(result->message), "%s: %s", shape, std::strerror(err));
}

}  // namespace

void note_broken_contract(std::string what) {
  if (first_breach().empty()) first_breach() = std::move(what);
}

std::string take_broken_contract() { return std::exchange(first_breach(), std::string()); }

}  // namespace connfuzz::fuzz

namespace connfuzz {

int initialize(const char* fuzzer, std::vector<Target> targets, int api_version) {
  return fuzz::initialize_with_entries(fuzzer, std::move(targets), {}, api_version);
}

}  // namespace connfuzz

namespace connfuzz::fuzz {

int initialize_with_entries(const char* fuzzer, std::vector<Target> targets, std::vector<const void*> entries,
                            int api_version) {
  if (api_version != CONNFUZZ_API_VERSION)
    refuse(fuzzer, "built for connfuzz API version " + std::to_string(api_version) + ", this library is version " +
                             std::to_string(CONNFUZZ_API_VERSION) + ": rebuild it against these headers");
  std::string name = fuzzer != nullptr ? fuzzer : "";
  if (std::string problem = register_targets(name, std::move(targets), std::move(entries)); !problem.empty())
    refuse(fuzzer, problem);
  fuzzer_name() = name;
  initialize_fuzzer(fuzzer_name().c_str());
  return 0;
}

}  // namespace connfuzz::fuzz

extern "C" {

int connfuzz_initialize(const char* fuzzer, const struct connfuzz_target* targets, size_t count, int api_version) {
  std::vector<connfuzz::Target> list;
  std::vector<const void*> entries;
  for (std::size_t i = 0; i < count; ++i) {
    if (unsigned unknown = targets[i].traits & ~connfuzz::fuzz::kKnownTraits; unknown != 0) {
      char bits[16];
      std::snprintf(bits, sizeof(bits), "%#x", unknown);
      connfuzz::fuzz::refuse(fuzzer, "target '" + std::string(targets[i].name != nullptr ? targets[i].name : "") +
                                         "' has traits bits connfuzz does not know: " + bits);
    }
    list.push_back(connfuzz::fuzz::target_of(targets[i]));
    entries.push_back(reinterpret_cast<const void*>(targets[i].connect));
  }
  return connfuzz::fuzz::initialize_with_entries(fuzzer, std::move(list), std::move(entries), api_version);
}

int connfuzz_test_one_input(const uint8_t* data, size_t size) {
  return connfuzz::fuzz::fuzz_one_input(connfuzz::fuzz::fuzzer_name(), data, size);
}

void connfuzz_call_dial(connfuzz_dial_fn dial, const struct connfuzz_request* request, struct connfuzz_result* result) {
  errno = 0;
  int fd = dial(request->addresses[0].addr, request->addresses[0].len, request->timeout_ms);
  connfuzz::fuzz::take_dial_answer(fd, errno, "dial", result);
}

void connfuzz_call_dial_list(connfuzz_dial_list_fn dial, const struct connfuzz_request* request,
                             struct connfuzz_result* result) {
  std::vector<const sockaddr*> addrs;
  std::vector<socklen_t> lens;
  for (std::size_t i = 0; i < request->address_count; ++i) {
    addrs.push_back(request->addresses[i].addr);
    lens.push_back(request->addresses[i].len);
  }
  errno = 0;
  int fd = dial(addrs.data(), lens.data(), addrs.size(), request->timeout_ms);
  connfuzz::fuzz::take_dial_answer(fd, errno, "dial_list", result);
}

}  // extern "C"
