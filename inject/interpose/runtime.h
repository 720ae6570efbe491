// The injector's process-wide state: the plan, its counters, the sockets, the log,
// the guard and the virtual clock. Configuring is not thread-safe; deciding is.
#pragma once

#include <time.h>

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

  // The virtual clock: the offset is what simulated waits let pass, added to the real
  // clocks and to the program's timerfds (with a steady clock, as much as it must be
  // for the kernel's timers to fire when the program's clock reaches them).
  std::int64_t clock_offset_ns() const noexcept { return offset_ns_.load(std::memory_order_relaxed); }
  const std::atomic<std::int64_t>& clock_offset() const noexcept { return offset_ns_; }
  std::int64_t now_ns() noexcept;  // CLOCK_MONOTONIC as the program sees it
  // The clocks that tell the time, which the virtual clock moves (not the CPU-time
  // ones, nor a process's, thread's or device's dynamic ones).
  static bool moves_with_time(clockid_t clock) noexcept;
  // `clock`, one of those, as the program sees it (ns since its epoch).
  std::int64_t clock_ns(clockid_t clock) noexcept;

  // The steady clock (a harness's; off in a whole program): an input's calls must not
  // depend on how fast the machine ran it, or a sweep's two runs and a repro disagree.
  // The program's clocks then stand still while it runs, and move only by what the
  // injector lets pass (a simulated wait, a delay, the budget's grace) and by the
  // timeouts of real waits that ran out. From reset_for_input() they read a whole
  // millisecond (a program that rounds sees the same digits every run), and never fall
  // more than kSteadyLagNs behind the real clock plus the offset: a program waiting on
  // something the injector does not see (a futex, a sleep) still reaches its deadline.
  void set_steady_clock(bool on) noexcept;
  // CLOCK_MONOTONIC as the kernel's timers for the program's timerfds count it: the
  // real clock plus the offset, ahead of a steady clock by as long as the program ran
  // since the clock last moved.
  std::int64_t timers_now_ns() noexcept;
  bool steady_clock() const noexcept { return steady_.load(std::memory_order_relaxed); }
  // The program's clocks read other than the kernel's (a steady clock, or virtual time let pass).
  bool clock_is_virtual() const noexcept { return steady_clock() || clock_offset_ns() != 0; }
  // A real wait of the program that ran out after `timeout_ns`, having begun when the
  // program's clock read `began_ns`: a steady clock moves by its timeout.
  void note_wait_ran_out(std::int64_t began_ns, std::int64_t timeout_ns) noexcept;
  // A sleep of `slept_ns` that ran its course: the same, for the thread that runs the
  // input (a harness marks it); another thread's sleeps (libFuzzer's memory watch sleeps
  // a second at a time) keep time of their own, not the input's.
  void note_slept(std::int64_t began_ns, std::int64_t slept_ns) noexcept;
  static void mark_input_thread(bool runs_the_input) noexcept;
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

  // The call budget. A loop that keeps calling is not called a spin at once: its own
  // deadline may be what ends it, and virtual time stands still while every call fails
  // at once. From the call that makes the log `calls` long, each intercepted call lets
  // virtual time run forward (kFirstGraceStepNs, twice as much each call) up to
  // kSpinHorizonNs; a program still calling kCallsPastHorizon calls after that is a
  // spin, and `on_spin` runs inside that call. Time let run so moves the program's
  // clocks and timers, not the network (a slow attempt's end is postponed as much),
  // and does not count towards the clock limit: a loop ends by itself or not at all.
  using SpinHook = void (*)(std::uint32_t calls, std::int64_t let_run_ns);
  void set_call_budget(std::uint32_t calls, SpinHook on_spin) noexcept;
  // How much virtual time the budget let run since reset_for_input().
  std::int64_t time_let_run_ns() const noexcept { return let_run_ns_.load(std::memory_order_relaxed); }

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
  // In the child of a fork (a pthread_atfork handler, so async-signal-safe): the
  // process's calls count from 1 and its log starts empty, as the README promises;
  // the sockets, the clock and the timers are the parent's, inherited; locks that
  // another thread of the parent held are free again.
  void reset_in_forked_child() noexcept;

  // A call past the budget (EventLog::BudgetHook's caller): time runs, or it is a spin.
  void on_call_past_budget(std::uint32_t calls) noexcept;

  // Reads CONNFUZZ_PLAN, CONNFUZZ_LOG, CONNFUZZ_ALLOW_UNIX, CONNFUZZ_CALL_BUDGET;
  // returns false with a message on stderr when one of them does not parse.
  bool configure_from_environment();

 private:
  Decider decider_;
  GuardConfig guard_;
  EventLog log_;
  SocketTable sockets_;
  VirtualTimers timers_;
  // The virtual clock moved (a steady one: to `target`); `since_input_ns`: how far it
  // has moved since reset_for_input(), for the clock limit.
  void move_steady_clock_to(std::int64_t target) noexcept;
  // A steady clock starts again on the whole millisecond the real one is in.
  void anchor_steady_clock() noexcept;
  void moved_by(std::int64_t since_input_ns) noexcept;

  std::atomic<std::int64_t> offset_ns_{0};
  std::atomic<bool> steady_{false};
  std::atomic<std::int64_t> steady_ns_{0};  // the least a steady CLOCK_MONOTONIC reads
  std::atomic<std::int64_t> anchor_ns_{0};  // what it read at reset_for_input()
  std::atomic<std::uint64_t> kernel_connects_{0};
  std::int64_t clock_limit_ns_ = 0;
  std::uint32_t call_budget_ = 0;
  SpinHook on_spin_ = nullptr;
  std::atomic<std::int64_t> let_run_ns_{0};
  std::atomic<std::uint32_t> calls_past_horizon_{0};
  const char* cancel_unavailable_ = nullptr;
  SignalHandlers signal_handlers_ = SignalHandlers::tracked;
  ClockHook on_clock_limit_ = nullptr;
};

// The one Runtime, made at the first intercepted call (which may come before any
// static constructor) and never destroyed: wrappers run during exit.
Runtime& make_runtime() noexcept;
extern Runtime* g_runtime;
inline Runtime& runtime() noexcept { return g_runtime != nullptr ? *g_runtime : make_runtime(); }

// The budget's grace (Runtime::set_call_budget): the first step of virtual time let run,
// the horizon (well past any timeout a program gives a wait), and the calls a loop may
// still make after it.
inline constexpr std::int64_t kFirstGraceStepNs = 1'000'000;
inline constexpr std::int64_t kSpinHorizonNs = 3600 * 1'000'000'000LL;
inline constexpr std::uint32_t kCallsPastHorizon = 100;

// How far a steady clock may fall behind the real one plus the offset: far more than a
// fuzz input or a sweep's cell runs for between two moves of the virtual clock, little
// next to the deadlines programs wait for.
inline constexpr std::int64_t kSteadyLagNs = 100'000'000;

// With CONNFUZZ_CALL_BUDGET=N, a program still calling past the N-th logged call and its
// grace is ended: the log says so (format_budget_exhausted) and the process exits with
// this status.
inline constexpr int kBudgetExitStatus = 125;


}  // namespace connfuzz::inject
