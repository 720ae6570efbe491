// The buggy examples as targets: each is registered alone by its own fuzzer, with the
// traits its (correct) part promises, so that only its bug is left to find.
#include "buggy_connect.h"
#include "target_lists.h"

namespace connfuzz::targets {
namespace {

namespace ex = examples;

struct Example {
  std::string_view name;
  ConnectTarget connect;
  connfuzz::Traits traits;
};

const Example kExamples[] = {
    {"example_eintr_reconnect", ex::eintr_reconnect, {}},
    {"example_inprogress_success", ex::inprogress_success, {}},
    {"example_no_so_error", ex::no_so_error, {}},
    {"example_eagain_spin", ex::eagain_spin, {}},
    {"example_leak_on_refused", ex::leak_on_refused, {}},
    {"example_unknown_errno", ex::unknown_errno, {}},
    {"example_unbounded_path", ex::unbounded_path, {}},
    {"example_cancel_no_cleanup", ex::cancel_no_cleanup, {.threads = true}},
    {"example_cancel_keeps_lock", ex::cancel_keeps_lock, {.threads = true}},
    {"example_timeout_not_reduced", ex::timeout_not_reduced, {.deadline = true}},
    {"example_timeout_on_eintr", ex::timeout_on_eintr, {.deadline = true}},
    {"example_sndtimeo_as_success", ex::sndtimeo_as_success, {}},
    {"example_sndtimeo_as_failure", ex::sndtimeo_as_failure, {}},
    {"example_epoll_error_ignored", ex::epoll_error_ignored, {.deadline = true}},
    {"example_ealready_as_failure", ex::ealready_as_failure, {}},
};

}  // namespace

std::vector<connfuzz::Target> example_targets(std::string_view name) {
  for (const Example& e : kExamples)
    if (e.name == name) return {{std::string(e.name), e.connect, e.traits}};
  return {};
}

}  // namespace connfuzz::targets
