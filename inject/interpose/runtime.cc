// The preload layer's process-wide state: configuration from the environment, the
// call budget, the virtual clock; the plan's decisions are the Decider's.
#include "runtime.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>

#include "clock_units.h"
#include "environment.h"
#include "real_calls.h"
#include "zero_pages.h"

namespace connfuzz::inject {

// A program that keeps calling after its budget and its grace is spinning: say so in
// the log (the matrix's "spin" verdict reads this line) and end it, as a fuzzer's budget does.
static void stop_spinning(std::uint32_t calls, std::int64_t let_run_ns) {
  char line[160];
  runtime().log().write_raw(line, format_budget_exhausted(calls, line, sizeof(line), let_run_ns));
  _exit(kBudgetExitStatus);
}

static void call_past_budget(std::uint32_t calls) { runtime().on_call_past_budget(calls); }

constexpr std::int64_t kNsPerMs = 1'000'000;

bool Runtime::moves_with_time(clockid_t clock) noexcept {
  switch (clock) {
    case CLOCK_REALTIME:
    case CLOCK_MONOTONIC:
    case CLOCK_MONOTONIC_RAW:
    case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE:
    case CLOCK_BOOTTIME:
    case CLOCK_REALTIME_ALARM:
    case CLOCK_BOOTTIME_ALARM:
    case CLOCK_TAI:
      return true;
    default:
      return false;
  }
}

// How far a clock reads from CLOCK_MONOTONIC, in whole milliseconds, learnt once a
// process: read afresh each time, the two readings' few nanoseconds apart would move
// the digits a steady clock promises to keep.
static std::int64_t steady_distance_ns(clockid_t clock) noexcept {
  constexpr int kClocks = CLOCK_TAI + 1;
  static std::atomic<std::int64_t> distances[kClocks];
  static std::atomic<bool> known[kClocks];
  if (clock == CLOCK_MONOTONIC || clock < 0 || clock >= kClocks) return 0;
  if (!known[clock].load(std::memory_order_acquire)) {
    std::int64_t distance = real_now_ns(clock) - real_now_ns(CLOCK_MONOTONIC);
    distances[clock].store(distance - distance % kNsPerMs, std::memory_order_relaxed);
    known[clock].store(true, std::memory_order_release);
  }
  return distances[clock].load(std::memory_order_relaxed);
}

static void raise_to(std::atomic<std::int64_t>& value, std::int64_t at_least) noexcept {
  std::int64_t seen = value.load(std::memory_order_relaxed);
  while (seen < at_least && !value.compare_exchange_weak(seen, at_least, std::memory_order_relaxed)) {
  }
}

std::int64_t simulated_latency_ns(int err) noexcept { return err == ETIMEDOUT ? 127'000'000'000LL : 0; }

void Runtime::install(const Plan& plan) {
  decider_.install(plan);
  reset_for_input();
}

void Runtime::clear_plan() { install(Plan{}); }

void Runtime::reset_for_input() noexcept {
  decider_.reset_counts();
  sockets_.clear();
  log_.clear();
  timers_.rebase(offset_ns_.exchange(0, std::memory_order_relaxed), 0);
  anchor_steady_clock();
  kernel_connects_.store(0, std::memory_order_relaxed);
  let_run_ns_.store(0, std::memory_order_relaxed);
  calls_past_horizon_.store(0, std::memory_order_relaxed);
}

void Runtime::reset_in_forked_child() noexcept {
  timers_.reset_lock_in_forked_child();
  decider_.reset_counts();
  log_.clear();
}

std::int64_t Runtime::timers_now_ns() noexcept { return real_now_ns(CLOCK_MONOTONIC) + clock_offset_ns(); }

std::int64_t Runtime::now_ns() noexcept {
  std::int64_t virtual_ns = timers_now_ns();
  if (!steady_.load(std::memory_order_relaxed)) return virtual_ns;
  return std::max(steady_ns_.load(std::memory_order_relaxed), virtual_ns - kSteadyLagNs);
}

std::int64_t Runtime::clock_ns(clockid_t clock) noexcept {
  if (!steady_.load(std::memory_order_relaxed)) return real_now_ns(clock) + clock_offset_ns();
  return now_ns() + steady_distance_ns(clock);
}

void Runtime::set_steady_clock(bool on) noexcept {
  steady_.store(on, std::memory_order_relaxed);
  anchor_steady_clock();
}

void Runtime::anchor_steady_clock() noexcept {
  std::int64_t anchor = real_now_ns(CLOCK_MONOTONIC) / kNsPerMs * kNsPerMs;
  anchor_ns_.store(anchor, std::memory_order_relaxed);
  steady_ns_.store(anchor, std::memory_order_relaxed);
}

void Runtime::note_wait_ran_out(std::int64_t began_ns, std::int64_t timeout_ns) noexcept {
  if (!steady_.load(std::memory_order_relaxed) || timeout_ns <= 0) return;
  // The real wait lasted its timeout at least, so this stays within the real clock plus
  // the offset (the timerfds' reckoning): the bound never cuts it short.
  std::int64_t bound = real_now_ns(CLOCK_MONOTONIC) + clock_offset_ns();
  raise_to(steady_ns_, timeout_ns >= bound - began_ns ? bound : began_ns + timeout_ns);
}

static thread_local bool t_runs_the_input = false;

void Runtime::mark_input_thread(bool runs_the_input) noexcept { t_runs_the_input = runs_the_input; }

void Runtime::note_slept(std::int64_t began_ns, std::int64_t slept_ns) noexcept {
  if (t_runs_the_input) note_wait_ran_out(began_ns, slept_ns);
}

void Runtime::advance_clock_to(std::int64_t t_ns) noexcept {
  std::int64_t now = now_ns();
  if (t_ns <= now) return;
  if (steady_.load(std::memory_order_relaxed)) move_steady_clock_to(t_ns);
  else moved_by(offset_ns_.fetch_add(t_ns - now, std::memory_order_relaxed) + t_ns - now);
}

void Runtime::advance_clock_by(std::int64_t ns) noexcept {
  if (ns <= 0) return;
  if (steady_.load(std::memory_order_relaxed)) move_steady_clock_to(now_ns() + ns);
  else moved_by(offset_ns_.fetch_add(ns, std::memory_order_relaxed) + ns);
}

void Runtime::move_steady_clock_to(std::int64_t target) noexcept {
  // The real clock plus the offset first: a thread that reads the program's clock in
  // between must not find it past a timer the kernel has yet to fire.
  raise_to(offset_ns_, target - real_now_ns(CLOCK_MONOTONIC));
  raise_to(steady_ns_, target);
  moved_by(target - anchor_ns_.load(std::memory_order_relaxed));
}

void Runtime::moved_by(std::int64_t since_input_ns) noexcept {
  timers_.rearm(offset_ns_);
  std::int64_t passed = since_input_ns - time_let_run_ns();
  if (clock_limit_ns_ > 0 && passed > clock_limit_ns_ && on_clock_limit_ != nullptr) on_clock_limit_(passed);
}

void Runtime::set_call_budget(std::uint32_t calls, SpinHook on_spin) noexcept {
  call_budget_ = calls;
  on_spin_ = on_spin;
  log_.set_budget(calls, on_spin != nullptr ? call_past_budget : nullptr);
}

void Runtime::on_call_past_budget(std::uint32_t calls) noexcept {
  int saved = errno;
  std::int64_t let_run = time_let_run_ns();
  if (let_run < kSpinHorizonNs) {
    std::uint32_t doublings = std::min<std::uint32_t>(calls - call_budget_, 32);
    std::int64_t step = std::min(kFirstGraceStepNs << doublings, kSpinHorizonNs - let_run);
    let_run_ns_.fetch_add(step, std::memory_order_relaxed);
    // The network stands still: what ends the loop must be the program's own deadline,
    // not a slow attempt's answer that the time let run brought nearer.
    for (int fd = 0; fd < sockets_.high_water(); ++fd) {
      Phase phase = sockets_.get(fd).phase;
      std::int64_t due = sockets_.due_ns(fd);
      if ((phase == Phase::SimPending || phase == Phase::Held) && due > 0) sockets_.set_due_ns(fd, due + step);
    }
    offset_ns_.fetch_add(step, std::memory_order_relaxed);
    steady_ns_.fetch_add(step, std::memory_order_relaxed);
    timers_.rearm(offset_ns_);
  } else if (calls_past_horizon_.fetch_add(1, std::memory_order_relaxed) + 1 == kCallsPastHorizon && on_spin_) {
    on_spin_(calls, let_run);
  }
  errno = saved;
}

bool Runtime::configure_from_environment() {
  const char* dirs = env_value(EnvVar::allow_unix);
  if (dirs == nullptr || *dirs == '\0') {
    const char* tmp = std::getenv("TMPDIR");
    guard_.allow_unix_dir(tmp && *tmp ? tmp : "/tmp");
  } else {
    std::string list(dirs);
    for (std::size_t start = 0; start <= list.size();) {
      std::size_t end = list.find(':', start);
      if (end == std::string::npos) end = list.size();
      std::string dir = list.substr(start, end - start);
      // As with a bad plan: stop rather than run with fewer directories than asked for.
      if (!dir.empty() && !guard_.allow_unix_dir(dir.c_str())) {
        std::fprintf(stderr,
                     "connfuzz: %s: the guard cannot take '%s' (not a directory, a path of %zu "
                     "characters or more, or more than %d directories)\n",
                     env_name(EnvVar::allow_unix), dir.c_str(), GuardConfig::kMaxPath, GuardConfig::kMaxDirs);
        return false;
      }
      start = end + 1;
    }
  }
  if (const char* log = env_value(EnvVar::log); log && *log) log_.set_file(log);
  if (const char* budget = env_value(EnvVar::call_budget); budget && *budget) {
    char* end = nullptr;
    unsigned long calls = std::strtoul(budget, &end, 10);
    if (*end != '\0' || calls == 0 || calls > UINT32_MAX) {
      std::fprintf(stderr, "connfuzz: %s: expected a count from 1 to %u, got '%s'\n", env_name(EnvVar::call_budget),
                   UINT32_MAX, budget);
      return false;
    }
    set_call_budget(static_cast<std::uint32_t>(calls), stop_spinning);
  }
  const char* text = env_value(EnvVar::plan);
  if (text == nullptr || *text == '\0') return true;
  PlanError error;
  auto plan = parse_plan(text, error);
  if (!plan) {
    std::fprintf(stderr, "connfuzz: %s: %s\n", env_name(EnvVar::plan), error.what().c_str());
    return false;
  }
  install(*plan);
  return true;
}

Runtime* g_runtime = nullptr;

// Not with operator new: the first intercepted call can come from inside a sanitizer's
// allocator (ASan's asks clock_gettime while it holds its lock), and a malloc there
// waits for that lock for ever.
static Runtime* new_runtime() noexcept { return new (zero_pages(sizeof(Runtime), "runtime")) Runtime; }

Runtime& make_runtime() noexcept {
  static Runtime* instance = new_runtime();
  g_runtime = instance;
  return *instance;
}

namespace {
void reset_forked_child() { runtime().reset_in_forked_child(); }

// Fail closed: a plan that does not parse stops the program rather than letting it
// run without the faults the user asked for.
__attribute__((constructor(102))) void configure_early() {
  warn_unknown_environment(program_invocation_short_name);
  if (!runtime().configure_from_environment()) _exit(2);
  // Registered here, not at the first intercepted call: registering allocates.
  pthread_atfork(nullptr, nullptr, reset_forked_child);
}
}  // namespace

}  // namespace connfuzz::inject
