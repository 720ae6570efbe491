// One input from bytes to verdict: plan installed, target run, oracles read, peers drained.
#include "harness.h"
#include "one_write_terminate.h"
#include "watched_call.h"

#include <pthread.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <fcntl.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <set>

#include "address_bytes.h"
#include "contract.h"
#include "core_limit.h"
#include "environment.h"
#include "errno_table.h"
#include "private_network.h"
#include "real_calls.h"
#include "registry.h"
#include "runtime.h"
#include "sweep_worker.h"

namespace connfuzz::fuzz {
namespace {

// What the spin hook needs: it fires inside the target's call, far from run().
const Scenario* g_current = nullptr;
std::int64_t g_deadline_ns = 0;  // the current target's promised deadline (0: none)
const char* g_no_unwinder = nullptr;  // why CANCEL cannot be carried out in this build
bool g_inside_target = false;         // exit() now is the target's, not the engine's

std::string calls_text(std::span<const inject::Event* const> events) {
  std::string text;
  for (const auto* e : events) {
    char line[512];
    text.append(line, inject::format_event(*e, line, sizeof(line)));
  }
  return text;
}

// A finding made inside the target's call (it cannot be let go on, documented or not):
// say which it is, with the last calls, and stop.
[[noreturn]] void stop_inside_call(Finding finding) {
  auto events = logged_events();
  auto last = std::span(events).last(std::min<std::size_t>(events.size(), 20));
  InputVerdict verdict;
  verdict.documented_as.emplace_back(documented_finding(*g_current, targets::ConnectResult{}, events, finding));
  verdict.findings.push_back(std::move(finding));
  verdict.calls = "  ... (the last 20 calls)\n" + calls_text(last);
  std::cerr << Harness::report(verdict, *g_current);
  g_inside_target = false;
  std::abort();
}

// Still calling after the budget and the virtual time it let run (a deadline would have passed).
void on_call_budget_exhausted(std::uint32_t calls, std::int64_t let_run_ns) {
  stop_inside_call(endless_loop_finding(calls, let_run_ns, g_deadline_ns));
}

// A target still waiting long past its own deadline would wait for ever.
void on_clock_limit(std::int64_t passed_ns) { stop_inside_call(overrun_finding(passed_ns, g_deadline_ns)); }

// A target that aborts (a library's abort() on a failure it will not take back) dies
// without a word of its own where no sanitizer reports it: the harness names it with the
// call it made last, on one line that docs/findings' patterns can match, so that one
// abort is told from another. Then the signal goes on as before (libFuzzer's handler,
// or the default). A finding of the harness's own (stop_inside_call) is no target's abort.
struct sigaction g_abort_before {};
void on_target_abort(int sig, siginfo_t* info, void* context) {
  const inject::EventLog& log = inject::runtime().log();
  if (g_inside_target && g_current != nullptr) {
    g_inside_target = false;
    static const char kSaid[] = "connfuzz: the target aborted (SIGABRT) after: ";
    char line[512];
    std::size_t len = log.size() > 0 ? inject::format_event(log.at(log.size() - 1), line, sizeof(line)) : 0;
    if (len == 0) len = static_cast<std::size_t>(std::snprintf(line, sizeof(line), "no call\n"));
    [[maybe_unused]] ssize_t ignored = write(STDERR_FILENO, kSaid, sizeof(kSaid) - 1);
    ignored = write(STDERR_FILENO, line, len);
  }
  inject::real().sigaction(SIGABRT, &g_abort_before, nullptr);
  if ((g_abort_before.sa_flags & SA_SIGINFO) != 0 && g_abort_before.sa_sigaction != nullptr)
    g_abort_before.sa_sigaction(sig, info, context);
  else if (g_abort_before.sa_handler != SIG_DFL && g_abort_before.sa_handler != SIG_IGN)
    g_abort_before.sa_handler(sig);
  // Returning: abort() raises SIGABRT again, now with the handler that was there before.
}

// Only while the target runs: an engine installs its own SIGABRT handler only where it
// finds none (libFuzzer's keeps the crash file), so ours must not be there when it looks,
// and it hands every abort on to the engine's. Set with the real call: the interposer's
// sigaction reads each signal's disposition back for its count of the program's
// handlers, which leaves fault signals out, and that read doubled these two calls' cost
// on every input.
struct TargetAbortsNamed {
  TargetAbortsNamed() {
    struct sigaction action {};
    action.sa_sigaction = on_target_abort;
    action.sa_flags = SA_SIGINFO;
    sigemptyset(&action.sa_mask);
    inject::real().sigaction(SIGABRT, &action, &g_abort_before);
  }
  ~TargetAbortsNamed() { inject::real().sigaction(SIGABRT, &g_abort_before, nullptr); }
  TargetAbortsNamed(const TargetAbortsNamed&) = delete;
  TargetAbortsNamed& operator=(const TargetAbortsNamed&) = delete;
};

// While the target runs, this thread's sleeps are the input's: the steady clock moves by them.
struct InputThread {
  InputThread() { inject::Runtime::mark_input_thread(true); }
  ~InputThread() { inject::Runtime::mark_input_thread(false); }
  InputThread(const InputThread&) = delete;
  InputThread& operator=(const InputThread&) = delete;
};

// What a target sees when a plan signals it: SIGALRM without SA_RESTART (unless
// libFuzzer handles it already, also without), SIGVTALRM with SA_RESTART.
void handle_plan_signals() {
  static volatile sig_atomic_t received = 0;
  auto install = [](int sig, int flags) {
    struct sigaction current {};
    sigaction(sig, nullptr, &current);
    if (current.sa_handler != SIG_DFL || (current.sa_flags & SA_SIGINFO)) return;
    struct sigaction action {};
    action.sa_handler = [](int) { received = received + 1; };
    action.sa_flags = flags;
    sigaction(sig, &action, nullptr);
  };
  install(SIGALRM, 0);
  install(SIGVTALRM, SA_RESTART);
}

// Whether a thread cancelled in a C++ frame unwinds cleanly in this process: glibc's
// forced unwinding needs an unwinder the C++ runtime's personality agrees with (Debian's
// libc++ with LLVM's libunwind does not). Tried in a child, which may crash: quietly,
// so that its sanitizer report is not read as a finding of the fuzzer's. The child runs
// while the harness makes its namespace and peers (waiting for it first was 0.3-0.5 ms
// of a fuzzer's 2.5 ms start).
pid_t start_cancellation_probe() {
  pid_t child = fork();
  if (child != 0) return child;
  inject::disable_core_files();  // nor a core file: its crash is an answer, not a finding
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null >= 0) dup2(null, STDERR_FILENO), dup2(null, STDOUT_FILENO);
  pthread_t thread;
  pthread_create(&thread, nullptr, [](void*) -> void* {
    struct Held {
      ~Held() { asm volatile("" ::: "memory"); }
    } held;
    for (;;) pause();  // a cancellation point
  }, nullptr);
  pthread_cancel(thread);
  pthread_join(thread, nullptr);
  _exit(0);
}

// Only a target with threads of its own is ever cancelled: without one, the question
// is never asked and its fork is not paid (on every fuzzer's start, and a sweep's).
bool any_target_has_threads() {
  auto targets = registered_targets();
  return std::any_of(targets.begin(), targets.end(), [](const RegisteredTarget& t) { return t.target.traits.threads; });
}

bool cancellation_unwinds(pid_t probe) {
  if (probe < 0) return false;
  int status = 0;
  while (waitpid(probe, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

bool tracing() {
  static const bool trace = inject::env_value(inject::EnvVar::trace) != nullptr;
  return trace;
}

std::string indent(std::string_view text) {
  std::string out;
  for (std::size_t start = 0; start < text.size();) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    out.append("  ").append(text.substr(start, end - start)).append("\n");
    start = end + 1;
  }
  return out;
}

}  // namespace

Harness& harness() noexcept {
  static Harness instance;
  return instance;
}

void Harness::initialize(std::string_view family) {
  family_ = family;
  bool asked = any_target_has_threads();
  pid_t probe = asked ? start_cancellation_probe() : -1;
  stats_.rows_fired.assign(inject::errno_rows().size(), false);
  if (inject::env_value(inject::EnvVar::no_netns) == nullptr) {
    std::string why = inject::enter_private_network();
    network_note_ = why.empty() ? "private network namespace, lo only" : "no private network namespace (" + why + ")";
  } else {
    network_note_ = "no private network namespace (" + std::string(inject::env_name(inject::EnvVar::no_netns)) + ")";
  }
  listeners_.open();
  // Fuzzed AF_UNIX paths reach only the harness's own directory.
  auto& guard = inject::runtime().guard();
  guard = inject::GuardConfig{};
  guard.allow_unix_dir(listeners_.directory().c_str());
  inject::runtime().set_call_budget(kCallBudget, on_call_budget_exhausted);
  // An input replays alike in a sweep's every run, in repro and in the fuzzer that found it.
  inject::runtime().set_steady_clock(true);
  say_uncaught_exceptions_in_one_write();
  handle_plan_signals();
  if (asked && !cancellation_unwinds(probe)) g_no_unwinder = "a cancelled thread cannot unwind in this build (its C++ runtime's unwinder); CANCEL is not carried out";
  inject::runtime().clear_plan();
}

// What the kernel and the injector say once the target returned: the facts the engine
// cannot read off the calls.
static void read_after_return(InputRun& in) {
  if (in.result.connected()) {
    inject::SocketInfo held = inject::runtime().sockets().get(in.result.fd);
    in.result_held = held.phase == inject::Phase::Held || held.phase == inject::Phase::SimPending;
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    if (inject::real().getpeername(in.result.fd, reinterpret_cast<sockaddr*>(&peer), &len) != 0) in.result_peer_errno = errno;
    int type = 0;
    socklen_t type_len = sizeof(type);
    if (inject::real().fcntl(in.result.fd, F_GETFD) < 0)
      note_broken_contract("it returned descriptor " + std::to_string(in.result.fd) + ", which is not open");
    else if (inject::real().getsockopt(in.result.fd, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 && errno == ENOTSOCK)
      note_broken_contract("it returned descriptor " + std::to_string(in.result.fd) + ", which is not a socket");
  }
  std::set<int> open;
  for (const inject::Event* e : in.events) {
    if (e->call == inject::Call::socket && e->result >= 0) open.insert(static_cast<int>(e->result));
    if (e->call == inject::Call::close) open.erase(e->fd);  // on Linux close frees the fd even when it fails
  }
  open.erase(in.result.fd);
  for (int fd : open)
    if (inject::real().fcntl(fd, F_GETFD) >= 0) in.still_open.push_back(fd);  // else closed where connfuzz does not see
}

// Realistic mode injects only what the target's program can meet: EINTR when it has
// signal handlers, a CANCEL when it connects on threads of its own.
static void apply_traits(const Traits& traits) {
  inject::Runtime& rt = inject::runtime();
  rt.set_signal_handlers(traits.catches_signals ? inject::SignalHandlers::caught : inject::SignalHandlers::not_caught);
  rt.set_cancel_unavailable(!traits.threads ? "the target declared no threads of its own (CONNFUZZ_THREADS): CANCEL is not carried out"
                                            : g_no_unwinder);
}

// The call. An exception out of it is outside the contract (a target returns its
// result): said by name, then let go on, so that it ends the fuzzer as it would end a
// program that does not catch it (a crash, with the input kept).
static connfuzz::Result call_target(const RegisteredTarget& target, const connfuzz::Request& request) {
  TargetAbortsNamed named;
  InputThread input_thread;
  g_inside_target = true;
  try {
    connfuzz::Result result = target.target.connect(request);
    g_inside_target = false;
    return result;
  } catch (const std::exception& e) {
    g_inside_target = false;
    // One string, one write: std::cerr writes each << at once, and a sweep pays them per crash.
    std::cerr << "connfuzz: target " + target.target.name + " threw an exception instead of returning its result (the " +
                     "contract: a target returns): " + e.what() + "\n";
    throw;
  } catch (...) {
    g_inside_target = false;
    std::cerr << "connfuzz: target " + target.target.name + " threw something that is no std::exception (the " +
                     "contract: a target returns)\n";
    throw;
  }
}

InputVerdict Harness::run(const Scenario& scenario) {
  const RegisteredTarget* target = registered_target(scenario.mode);
  if (target == nullptr) {
    std::cerr << "connfuzz: internal error: no target registered for mode " << mode_name(scenario.mode) << "\n";
    std::abort();
  }
  const Traits& traits = target->target.traits;
  std::vector<AddressBytes> addresses;
  std::vector<connfuzz::Address> endpoints;
  for (const Address& a : scenario.addresses) addresses.push_back(build_address(a, scenario.type, listeners_));
  for (const AddressBytes& a : addresses) endpoints.push_back({a.addr(), a.len});
  connfuzz::Request request;
  request.domain = scenario.domain;
  request.type = scenario.type;
  request.protocol = scenario.protocol;
  request.addresses = endpoints;

  g_current = &scenario;
  inject::Runtime& rt = inject::runtime();
  apply_traits(traits);
  rt.install(scenario.plan);
  std::int64_t deadline = traits.deadline ? std::int64_t{request.timeout_ms} * 1'000'000 : 0;
  g_deadline_ns = deadline;
  rt.set_clock_limit(deadline ? overrun_limit_ns(deadline) : 0, on_clock_limit);
  std::int64_t start = rt.now_ns();
  take_broken_contract();
  connfuzz::Result result = call_target(*target, request);
  auto events = logged_events();
  // Only a connect the kernel was handed leaves anything at a peer (no target sends
  // with a destination), and an input whose faults were all injected has nothing to
  // drain: seven syscalls that were most of its cost. Counted since install();
  // clear_plan() below starts the count again.
  bool peers_reached = rt.kernel_connects() > 0;
  InputRun in{result, events, scenario.plan};
  in.translations = traits.translations;
  if (traits.every_address) in.addresses_to_try = addresses_to_try(scenario);
  in.kernel = scenario.mode == Mode::kernel_raw;
  in.deadline_ns = deadline;
  in.elapsed_ns = rt.now_ns() - start;
  read_after_return(in);
  in.broken_contract = take_broken_contract();
  InputVerdict verdict;
  verdict.findings = check_input(in);
  // Formatting every call costs more than many targets: only for a finding or a trace.
  bool cancelled = verdict.findings.empty() && cancelled_inside_connect(events);
  if (verdict.any() || cancelled || tracing()) verdict.calls = calls_text(events);
  for (const Finding& f : verdict.findings)
    verdict.documented_as.emplace_back(documented_finding(scenario, result, events, f));
  count_rows_fired(events);
  rt.clear_plan();
  rt.set_clock_limit(0, nullptr);
  if (result.owner) result.owner.reset();
  else if (result.fd >= 0) close(result.fd);
  if (cancelled) check_next_call_returns(*target, request, verdict);
  rt.clear_plan();
  g_current = nullptr;
  if (peers_reached || cancelled) listeners_.drain();
  count(verdict, peers_reached);
  return verdict;
}

void Harness::count_rows_fired(std::span<const inject::Event* const> events) {
  for (const auto* e : events) {
    if (e->mark != inject::Mark::Injected) continue;
    if (const inject::ErrnoRow* row = inject::find_row(e->call, e->err)) {
      stats_.classes |= 1u << static_cast<int>(row->klass);
      stats_.rows_fired[static_cast<std::size_t>(row - inject::errno_rows().data())] = true;
    }
  }
}

// A cancelled thread must have released its locks: the next call, unplanned, returns.
void Harness::check_next_call_returns(const RegisteredTarget& target, const connfuzz::Request& request,
                                      InputVerdict& verdict) {
  // The watch tells a deadlock from sleeping threads within milliseconds; the cap only
  // ends a call that keeps running, and is short because every input pays it.
  constexpr int kCapSeconds = 2;
  CallEnd end = run_watched(
      [&target, request] {
        connfuzz::Result next = target.target.connect(request);
        if (next.owner) next.owner.reset();
        else if (next.fd >= 0) close(next.fd);
      },
      kCapSeconds);
  if (end == CallEnd::returned) return;
  verdict.findings.push_back(deadlock_finding(end == CallEnd::deadlocked, kCapSeconds));
  verdict.documented_as.emplace_back();
}

std::vector<const inject::Event*> logged_events() {
  const inject::EventLog& log = inject::runtime().log();
  std::vector<const inject::Event*> events;
  for (std::uint32_t i = 0; i < log.size(); ++i) events.push_back(&log.at(i));
  return events;
}

std::size_t addresses_to_try(const Scenario& scenario) noexcept {
  std::size_t n = 0;
  for (const Address& a : scenario.addresses) n += a.family != AF_UNSPEC;
  return std::max<std::size_t>(n, 1);
}

bool InputVerdict::all_documented() const noexcept {
  return std::all_of(documented_as.begin(), documented_as.end(), [](const std::string& d) { return !d.empty(); });
}

void Harness::count(const InputVerdict& verdict, bool kernel_reached) {
  ++stats_.executions;
  if (kernel_reached) ++stats_.kernel_inputs;
  if (verdict.any()) ++stats_.findings;
  if (verdict.any() && verdict.all_documented()) ++stats_.known_findings;
  // A crash ends the process without exit handlers: keep the file recent. Often enough
  // that a crash loses a few seconds of counts at most, rarely enough to cost nothing.
  constexpr std::uint64_t kStatsEveryExecutions = 4096;
  if (stats_.executions % kStatsEveryExecutions == 0) write_stats();
}

std::string Harness::report(const InputVerdict& verdict, const Scenario& scenario) {
  std::string pid = "==" + std::to_string(getpid()) + "== ";
  std::string errors;
  const Finding* first = nullptr;
  // The undocumented first: the first ERROR: line is the finding a reader (and `repro`) looks at.
  for (bool documented : {false, true})
    for (std::size_t i = 0; i < verdict.findings.size(); ++i) {
      const Finding& f = verdict.findings[i];
      const std::string& known = verdict.documented_as[i];
      if (known.empty() == documented) continue;
      if (first == nullptr) first = &f;
      errors += pid + "ERROR: connfuzz: " + std::string(f.name()) + ": " + f.reason +
                (known.empty() ? "" : " (documented: " + known + ")") + "\n";
    }
  std::string text = errors;
  // Where the target's own code starts: `connfuzz report` places the finding there.
  if (!errors.empty()) text += "target: " + target_location(scenario.mode) + "\n";
  text += "scenario:\n" + indent(to_text(scenario));
  text += "calls:\n" + indent(verdict.calls);
  if (first != nullptr)
    text += "SUMMARY: connfuzz: " + std::string(first->name()) + " in " + std::string(mode_name(scenario.mode)) + "\n";
  return text;
}

void Harness::write_stats() const {
  const char* path = inject::env_value(inject::EnvVar::stats);
  if (path == nullptr) return;
  FILE* out = std::fopen(path, "w");
  if (out == nullptr) return;
  std::string classes;
  for (int k = 0; k < inject::kErrnoClassCount; ++k) {
    if (!(stats_.classes & (1u << k))) continue;
    if (!classes.empty()) classes += ", ";
    classes += "\"" + std::string(inject::class_name(static_cast<inject::ErrnoClass>(k))) + "\"";
  }
  std::size_t rows = 0;
  for (bool fired : stats_.rows_fired) rows += fired;
  std::fprintf(out,
               "{\"fuzzer\": \"%s\", \"executions\": %llu, \"findings\": %llu, \"known_findings\": %llu, "
               "\"kernel_inputs\": %llu, \"classes\": [%s], \"rows_fired\": %zu, \"rows\": %zu, \"network\": \"%s\"}\n",
               family_.c_str(), static_cast<unsigned long long>(stats_.executions),
               static_cast<unsigned long long>(stats_.findings), static_cast<unsigned long long>(stats_.known_findings),
               static_cast<unsigned long long>(stats_.kernel_inputs), classes.c_str(), rows, stats_.rows_fired.size(), network_note_.c_str());
  std::fclose(out);
}

// exit() called by the target ends the fuzzer from inside an input: the contract says a
// target returns. Said as a finding, then abort() so that the engine keeps the input.
static void exit_inside_target() {
  if (!g_inside_target || g_current == nullptr) return;
  g_inside_target = false;
  InputVerdict verdict;
  verdict.findings.push_back(
      Finding{Verdict::broken_contract, "it called exit() instead of returning a result (the contract: a target returns)"});
  verdict.documented_as.emplace_back();
  verdict.calls = calls_text(logged_events());
  std::cerr << Harness::report(verdict, *g_current);
  std::abort();
}

void initialize_fuzzer(const char* family) {
  serve_sweep_if_asked(family);  // `connfuzz sweep`'s worker or identity probe, when asked (then it never returns)
  inject::warn_unknown_environment(family);
  std::atexit(exit_inside_target);
  harness().initialize(family);
  std::atexit([] { harness().remove_temporary_files(); });
  if (inject::env_value(inject::EnvVar::stats) != nullptr)
    std::atexit([] { harness().write_stats(); });
  std::cerr << "connfuzz: " << family << " fuzzer: " << harness().network_note() << "\n";
}

// Outside `connfuzz repro`, an input that would end in a documented endless loop runs
// without the rule that drives it (known_findings.h: OSS-Fuzz would file each stop).
void steer(Scenario& scenario) {
  static const bool reproducing = inject::env_value(inject::EnvVar::repro) != nullptr;
  if (reproducing) return;
  std::string_view section = steer_around_documented_stops(scenario);
  static bool told = false;
  if (section.empty() || told) return;
  told = true;
  std::cerr << "connfuzz: steering around the documented finding " << section
            << ": the rule that drives its loop is dropped from such inputs (CONNFUZZ_REPRO=1 keeps it)\n";
}

int fuzz_one_input(std::string_view family, const std::uint8_t* data, std::size_t size) {
  Scenario scenario = for_family(decode({data, size}), family);
  steer(scenario);
  InputVerdict verdict = harness().run(scenario);
  if (!verdict.any()) {
    if (tracing()) std::cerr << "scenario:\n" << indent(to_text(scenario)) << "calls:\n" << indent(verdict.calls)
                             << "connfuzz: no finding\n";
    return 0;
  }
  // `connfuzz repro` asks for every finding to stop the process, documented or not.
  static const bool stop_on_documented = inject::env_value(inject::EnvVar::repro) != nullptr;
  if (verdict.all_documented() && !stop_on_documented) {
    static bool told = false;
    if (!told)
      std::cerr << "connfuzz: documented finding (" << verdict.documented_as.front() << "): " << verdict.findings.front().name()
                << "; counted, not stopping (first of its kind shown once)\n";
    told = true;
    return 0;
  }
  std::cerr << Harness::report(verdict, scenario);
  std::abort();
}

}  // namespace connfuzz::fuzz
