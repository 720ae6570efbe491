// The injector's process-wide state: the plan, its counters, the sockets, the log,
// the guard and the virtual clock. Configuring is not thread-safe; deciding is.
#pragma once

#include <atomic>
#include <cstdint>

#include "decider.h"
#include "event_log.h"
#include "guard.h"
#include "plan.h"
#include "socket_table.h"
#include "virtual_timers.h"

namespace connfuzz::inject {

// How long after it starts a simulated attempt ends with `err`: ETIMEDOUT takes
// Linux's default SYN retries (tcp_syn_retries=6: 1+2+4+...+64 = 127 s); the
// peer's other answers arrive at once on loopback.
std::int64_t simulated_latency_ns(int err) noexcept;

// How realistic mode knows whether the program catches signals (an EINTR needs a
// handler, signal(7)): from the program's own sigaction() and signal() calls (the
// preload), or as a harness declares it for the targets it runs in-process.
enum class SignalHandlers : std::uint8_t { tracked, caught, not_caught };

class Runtime {
 public:
  void install(const Plan& plan);  // resets counters; not while calls are in flight
  void clear_plan();
  bool has_plan() const noexcept { return decider_.plan().rule_count > 0; }
  const Plan& plan() const noexcept { return decider_.plan(); }
  Mode mode() const noexcept { return decider_.plan().mode; }

  Decision decide(Call call, const Facts& facts) noexcept { return decider_.decide(call, facts); }
  const char* rule_text(int rule) const noexcept { return decider_.rule_text(rule); }

  GuardConfig& guard() noexcept { return guard_; }
  EventLog& log() noexcept { return log_; }
  SocketTable& sockets() noexcept { return sockets_; }
  VirtualTimers& timers() noexcept { return timers_; }

  // The virtual clock: what simulated waits let pass, added to the real clocks and
  // to the program's timerfds.
  std::int64_t clock_offset_ns() const noexcept { return offset_ns_.load(std::memory_order_relaxed); }
  const std::atomic<std::int64_t>& clock_offset() const noexcept { return offset_ns_; }
  std::int64_t now_ns() noexcept;  // CLOCK_MONOTONIC as the program sees it
  // When the next of the program's timerfds fires (CLOCK_MONOTONIC as the program sees
  // it), or INT64_MAX: a simulated wait lets virtual time run no further at once.
  std::int64_t next_timer_ns(std::int64_t now) const noexcept { return timers_.next_expiry_ns(now); }
  void advance_clock_to(std::int64_t t_ns) noexcept;
  void advance_clock_by(std::int64_t ns) noexcept;
  // Calls `on_passed` from inside the wait that moves the virtual clock more than
  // `ns` past where reset_for_input() left it (0: no limit): how a fuzzer stops a
  // target that waits far beyond its own deadline.
  using ClockHook = void (*)(std::int64_t passed_ns);
  void set_clock_limit(std::int64_t ns, ClockHook on_passed) noexcept {
    clock_limit_ns_ = ns;
    on_clock_limit_ = on_passed;
  }

  // How many connects connfuzz handed to the kernel (the guard's tests count them).
  std::uint64_t kernel_connects() const noexcept { return kernel_connects_.load(std::memory_order_relaxed); }
  void count_kernel_connect() noexcept { kernel_connects_.fetch_add(1, std::memory_order_relaxed); }

  // Why CANCEL cannot be carried out in this process (nullptr: it can): a C++ runtime
  // whose unwinder cannot run glibc's forced unwinding would crash the cancelled thread.
  const char* cancel_unavailable() const noexcept { return cancel_unavailable_; }
  void set_cancel_unavailable(const char* why) noexcept { cancel_unavailable_ = why; }

  SignalHandlers signal_handlers() const noexcept { return signal_handlers_; }
  void set_signal_handlers(SignalHandlers handlers) noexcept { signal_handlers_ = handlers; }

  // Between fuzz inputs: counters, sockets, log and clock start again.
  void reset_for_input() noexcept;

  // Reads CONNFUZZ_PLAN, CONNFUZZ_LOG, CONNFUZZ_ALLOW_UNIX, CONNFUZZ_CALL_BUDGET;
  // returns false with a message on stderr when one of them does not parse.
  bool configure_from_environment();

 private:
  Decider decider_;
  GuardConfig guard_;
  EventLog log_;
  SocketTable sockets_;
  VirtualTimers timers_;
  std::atomic<std::int64_t> offset_ns_{0};
  std::atomic<std::uint64_t> kernel_connects_{0};
  std::int64_t clock_limit_ns_ = 0;
  const char* cancel_unavailable_ = nullptr;
  SignalHandlers signal_handlers_ = SignalHandlers::tracked;
  ClockHook on_clock_limit_ = nullptr;
};

// The one Runtime, made at the first intercepted call (which may come before any
// static constructor) and never destroyed: wrappers run during exit.
Runtime& make_runtime() noexcept;
extern Runtime* g_runtime;
inline Runtime& runtime() noexcept { return g_runtime != nullptr ? *g_runtime : make_runtime(); }

// With CONNFUZZ_CALL_BUDGET=N, the N-th logged call ends the program: the log says so
// (format_budget_exhausted) and the process exits with this status.
inline constexpr int kBudgetExitStatus = 125;


}  // namespace connfuzz::inject
