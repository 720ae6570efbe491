#include "matrix.h"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <initializer_list>
#include <map>

#include "event_log.h"
#include "plan.h"
#include "text_lines.h"

namespace connfuzz::tools {
namespace {

using inject::Call;
using inject::ErrnoClass;

ErrnoClass class_of(Call call, int err) {
  const inject::ErrnoRow* row = inject::find_row(call, err);
  if (row != nullptr) return row->klass;
  return err == EINPROGRESS || err == EALREADY || err == EINTR ? ErrnoClass::StillConnecting : ErrnoClass::BadRequest;
}

bool malformed(int err) { return err == EINVAL || err == EFAULT || err == EAFNOSUPPORT; }
bool not_a_descriptor(int err) { return err == EBADF || err == ENOTSOCK; }

std::string call_text(const EventLine& e) {
  return std::string(inject::call_name(e.call)) + "#" + std::to_string(e.index);
}
std::string errno_text(int err) {
  const char* name = inject::errno_name(err);
  return name ? name : std::to_string(err);
}

// A socket as the log shows it, from socket() to close().
struct Socket {
  enum class Phase { fresh, pending, connected, failed } phase = Phase::fresh;
  bool final_failure = false;  // refused or malformed, not out of resources: never connect it again
  std::string created_by;      // "socket#1"
  std::string failed_by;       // "connect#1 failed with ECONNREFUSED"
  bool said_pending = false;   // the last call on it was a connect that said "still connecting"
  unsigned long waits_before = 0;  // the process's waits until then
};

// Follows every socket through the log and notes what a correct caller never does.
class LogJudge {
 public:
  LogJudge(const CleanRun& clean, bool is_clean) : clean_(clean), is_clean_(is_clean) {}

  void see(const EventLine& e) {
    if (e.call == Call::socket) {
      if (e.result >= 0) sockets_[{e.pid, e.fd}] = Socket{Socket::Phase::fresh, false, call_text(e), ""};
      check_kernel_error(e);
      return;
    }
    auto key = std::make_pair(e.pid, e.fd);
    auto it = sockets_.find(key);
    Waits& waits = waits_[e.pid];
    bool wait_interrupted = waits.last_interrupted;
    if (inject::is_wait_call(e.call)) {
      waits.last_interrupted = e.failed() && e.err == EINTR;
      ++waits.count;
    } else if (e.call != Call::close) {
      waits.last_interrupted = false;
    }
    if (e.call == Call::close) {
      if (it != sockets_.end()) {
        // The attempt goes on after EINTR or EINPROGRESS: closing before any wait,
        // SO_ERROR or getpeername has said how it ended, or right after an interrupted
        // wait, throws away an attempt that may well succeed.
        const Socket& s = it->second;
        bool unwaited = s.said_pending && s.waits_before == waits.count;
        if (clean_.sees_waits && s.phase == Socket::Phase::pending && (unwaited || wait_interrupted))
          add(Verdict::abandoned, call_text(e) + " closed fd " + std::to_string(e.fd) + " right after " +
                                      (unwaited ? s.failed_by : std::string("an interrupted wait")) +
                                      ", while its attempt was still going on");
        sockets_.erase(it);
      }
      check_kernel_error(e);
      return;
    }
    check_kernel_error(e);
    if (e.fd < 0) return;
    if (it == sockets_.end()) it = sockets_.emplace(key, Socket{Socket::Phase::fresh, false, "", ""}).first;
    Socket& s = it->second;
    s.said_pending = e.call == Call::connect && e.failed() && class_of(Call::connect, e.err) == ErrnoClass::StillConnecting;
    s.waits_before = waits.count;
    switch (e.call) {
      case Call::connect: on_connect(e, s); break;
      case Call::so_error:
        if (e.err == 0 && e.result == 0 && s.phase == Socket::Phase::pending) connected(s);
        else if (e.err != 0) failed(s, e, true);
        break;
      case Call::getpeername:
        if (e.result == 0) connected(s);
        break;
      default:
        if (inject::is_io_call(e.call)) on_io(e, s);
        break;
    }
  }

  std::vector<Finding> finish() {
    for (const auto& [key, s] : sockets_)
      if (s.phase == Socket::Phase::failed)
        add(Verdict::fd_leak, "fd " + std::to_string(key.second) + (s.created_by.empty() ? "" : " (" + s.created_by + ")") +
                                  ": " + s.failed_by + " and it was never closed");
    return std::move(findings_);
  }

  bool saw_connection() const noexcept { return saw_connection_; }

 private:
  void on_connect(const EventLine& e, Socket& s) {
    if (s.final_failure)
      add(Verdict::reuse_after_failure, call_text(e) + " on fd " + std::to_string(e.fd) + " after " + s.failed_by +
                                            " (a failed socket's state is unspecified: retry on a new one)");
    if (e.result == 0 || e.err == EISCONN) {
      connected(s);
    } else if (e.failed()) {
      ErrnoClass klass = class_of(Call::connect, e.err);
      if (klass == ErrnoClass::StillConnecting) {
        s.phase = Socket::Phase::pending;
        s.failed_by = call_text(e) + " said " + errno_text(e.err);
      } else if (!not_a_descriptor(e.err)) {
        failed(s, e, klass != ErrnoClass::OutOfResources);
      }
    }
  }

  void on_io(const EventLine& e, Socket& s) {
    // A failure the kernel (or connfuzz standing in for it) gave, not the fault itself:
    // EAGAIN or ENOTCONN from a socket still connecting is the sign of writing too early.
    bool unconfirmed = s.phase == Socket::Phase::pending && e.failed() && e.mark != LineMark::injected && e.err != EINTR;
    if (s.phase == Socket::Phase::failed || unconfirmed)
      add(Verdict::use_before_connect, call_text(e) + " on fd " + std::to_string(e.fd) + " after " + s.failed_by +
                                           (s.phase == Socket::Phase::failed ? "" : ", before the attempt was seen to succeed"));
    else if (s.phase == Socket::Phase::pending && e.result > 0)
      connected(s);  // the kernel took the data: the attempt had succeeded
  }

  void connected(Socket& s) {
    s.phase = Socket::Phase::connected;
    s.final_failure = false;
    saw_connection_ = true;
  }

  void failed(Socket& s, const EventLine& e, bool final_failure) {
    s.phase = Socket::Phase::failed;
    s.final_failure = final_failure;
    s.failed_by = call_text(e) + (e.call == Call::so_error ? " read " : " failed with ") + errno_text(e.err);
  }

  // The kernel's own answers that show the program misusing a call: not injected, not
  // simulated, and (for the cells) not something the fault-free run did as well.
  void check_kernel_error(const EventLine& e) {
    if (!e.failed() || e.mark != LineMark::none || is_clean_) return;
    if (clean_.kernel_errors.count({e.call, e.err})) return;
    if (not_a_descriptor(e.err))
      add(Verdict::bad_fd, call_text(e) + (e.fd >= 0 ? " on fd " + std::to_string(e.fd) : "") + ": " + errno_text(e.err) +
                               ", a descriptor that is not an open socket");
    else if (malformed(e.err))
      add(Verdict::misuse, call_text(e) + ": the kernel answered " + errno_text(e.err) +
                               ", which the fault-free run never got");
  }

  void add(Verdict verdict, std::string detail) { findings_.push_back({verdict, std::move(detail)}); }

  const CleanRun& clean_;
  bool is_clean_;
  std::map<std::pair<long, int>, Socket> sockets_;
  std::vector<Finding> findings_;
  bool saw_connection_ = false;
  // Per process: its waits so far (their lines name no socket), and whether its last
  // call was a wait that said EINTR.
  struct Waits {
    unsigned long count = 0;
    bool last_interrupted = false;
  };
  std::map<long, Waits> waits_;
};

}  // namespace

std::string_view verdict_name(Verdict verdict) noexcept {
  switch (verdict) {
    case Verdict::crash: return "crash";
    case Verdict::hang: return "hang";
    case Verdict::spin: return "spin";
    case Verdict::misuse: return "misuse";
    case Verdict::bad_fd: return "bad-fd";
    case Verdict::use_before_connect: return "use-before-connect";
    case Verdict::reuse_after_failure: return "reuse-after-failure";
    case Verdict::fd_leak: return "fd-leak";
    case Verdict::false_success: return "false-success";
    case Verdict::spurious_failure: return "spurious-failure";
    case Verdict::abandoned: return "abandoned";
    case Verdict::ok: return "ok";
  }
  return "?";
}

std::vector<EventLine> read_events(std::string_view log) {
  std::vector<EventLine> events;
  for_each_line(log, [&](std::string_view line) {
    if (auto e = parse_event_line(line)) events.push_back(*e);
    return true;
  });
  return events;
}

CleanRun learn_clean_run(std::string_view log) {
  std::vector<EventLine> events = read_events(log);
  CleanRun clean;
  clean.events = events.size();
  LogJudge follow(clean, true);
  for (const EventLine& e : events) {
    follow.see(e);
    if (e.index > 0 && std::find(clean.sites.begin(), clean.sites.end(), std::make_pair(e.call, e.index)) == clean.sites.end())
      clean.sites.emplace_back(e.call, e.index);
    if (e.failed() && e.mark == LineMark::none) clean.kernel_errors.insert({e.call, e.err});
  }
  clean.connected = follow.saw_connection() || log.find(inject::kConnectedNote) != std::string_view::npos;
  return clean;
}

bool MatrixCell::only_still_connecting() const noexcept {
  // A signal inside connect is EINTR or a restart: a correct caller connects. A slow
  // network may outlast the program's own deadline, and a cancelled thread fails.
  if (action == inject::Action::signal) return true;
  return action == inject::Action::errno_value && eventual == 0 && class_of(call, err) == ErrnoClass::StillConnecting;
}

MatrixCell cell_for_plan(const std::string& plan_text) {
  inject::Plan plan = inject::parse_plan(plan_text);
  MatrixCell cell;
  cell.plan = inject::to_text(plan);
  if (plan.rule_count == 0) return cell;
  const inject::Rule& rule = plan.rules[0];
  cell.call = rule.call;
  cell.index = rule.first;
  cell.onward = rule.last == inject::Rule::kOpenEnd;
  cell.err = rule.err;
  cell.eventual = rule.eventual;
  cell.action = rule.action;
  return cell;
}

namespace {

// The action cells of one connect site: a real signal, slow networks (faster and slower
// than common deadlines, past Linux's own SYN give-up, ending refused), a slow network
// whose every wait is interrupted, a cancellation.
void add_action_cells(std::vector<MatrixCell>& cells, const CleanRun& clean, const CellFilter& filter,
                      unsigned long index) {
  constexpr std::int64_t kMs = 1'000'000;
  auto add = [&](std::initializer_list<inject::Rule> rules) {
    inject::Plan plan;
    for (const inject::Rule& r : rules) plan.rules[plan.rule_count++] = r;
    if (filter.any_mode) plan.mode = inject::Mode::Any;
    MatrixCell cell = cell_for_plan(inject::to_text(plan));
    cells.push_back(cell);
  };
  auto connect_rule = [&](inject::Action action) {
    inject::Rule rule;
    rule.call = Call::connect;
    rule.first = rule.last = static_cast<std::uint32_t>(index);
    rule.action = action;
    return rule;
  };
  for (inject::Action action : filter.actions) {
    inject::Rule rule = connect_rule(action);
    switch (action) {
      case inject::Action::signal:
        rule.signal = SIGALRM;
        add({rule});
        break;
      case inject::Action::cancel: add({rule}); break;
      case inject::Action::delay:
        for (std::int64_t delay : {250 * kMs, 3000 * kMs, 130'000 * kMs}) {
          rule.delay_ns = delay;
          add({rule});
        }
        rule.delay_ns = 3000 * kMs;
        rule.eventual = ECONNREFUSED;
        add({rule});
        // Every wait the program makes interrupted every 400 ms of a handshake that
        // takes the longest a plan allows: a program must give up on its own deadline.
        rule.delay_ns = inject::kMaxDelayNs;
        rule.eventual = 0;
        for (auto [call, wait_index] : clean.sites) {
          if (!inject::is_wait_call(call) || wait_index != 1) continue;
          inject::Rule wait;
          wait.call = call;
          wait.first = 1;
          wait.last = inject::Rule::kOpenEnd;
          wait.action = inject::Action::delay;
          wait.delay_ns = 400 * kMs;
          wait.eventual = EINTR;
          add({rule, wait});
        }
        break;
      default: break;
    }
  }
}

}  // namespace

std::vector<MatrixCell> plan_cells(const CleanRun& clean, const CellFilter& filter) {
  std::vector<MatrixCell> cells;
  auto add = [&](Call call, unsigned long index, bool onward, int err, int eventual) {
    inject::Plan plan;
    inject::Rule& rule = plan.rules[plan.rule_count++];
    rule.call = call;
    rule.first = static_cast<std::uint32_t>(index);
    rule.last = onward ? inject::Rule::kOpenEnd : static_cast<std::uint32_t>(index);
    rule.err = err;
    rule.eventual = eventual;
    if (filter.any_mode) plan.mode = inject::Mode::Any;
    cells.push_back({call, index, onward, err, eventual, inject::to_text(plan)});
  };
  for (auto [call, index] : clean.sites) {
    if (index > filter.max_index) continue;
    if (!filter.calls.empty() && std::find(filter.calls.begin(), filter.calls.end(), call) == filter.calls.end()) continue;
    for (const inject::ErrnoRow& row : inject::errno_rows()) {
      if (row.call != call || ((row.when & inject::Never) && !filter.any_mode)) continue;
      if (!filter.errnos.empty() && std::find(filter.errnos.begin(), filter.errnos.end(), row.err) == filter.errnos.end())
        continue;
      add(call, index, false, row.err, 0);
      // "From this index on" too, except where an endless fault is no documented failure:
      // retrying on EINTR is the documented answer, and signals that never stop do not
      // happen, so an endless EINTR would make every correct loop "spin".
      // connect is the exception: calling it again after EINTR is the misstep to catch.
      // Likewise EAGAIN on I/O: on a non-blocking socket it means "not ready yet", and one
      // that never ends while poll says ready is a world no kernel makes.
      bool endless_is_realistic = call == Call::connect || (row.err != EINTR && !(row.err == EAGAIN && inject::is_io_call(call)));
      if (endless_is_realistic) add(call, index, true, row.err, 0);
      // A pending attempt that fails later: what the caller reads after its wait.
      if (call == Call::connect && (row.err == EINPROGRESS || row.err == EINTR)) add(call, index, false, row.err, ECONNREFUSED);
    }
  }
  for (auto [call, index] : clean.sites)
    if (call == Call::connect && index <= filter.max_index) add_action_cells(cells, clean, filter, index);
  return cells;
}

Judgement judge(const MatrixCell* cell, const CleanRun& clean, const CellRun& run) {
  Judgement j;
  std::vector<EventLine> events = read_events(run.log);
  LogJudge follow(clean, cell == nullptr);
  bool fired = false, refused = false;
  bool connected_by_note = run.log.find(inject::kConnectedNote) != std::string::npos;
  for (const EventLine& e : events) {
    follow.see(e);
    fired |= e.mark == LineMark::injected;
    refused |= e.mark == LineMark::refused;
  }
  if (cell != nullptr) j.reach = fired ? Reach::fired : refused ? Reach::refused : Reach::unreached;
  std::vector<Finding> findings = follow.finish();
  auto add = [&](Verdict v, std::string detail) { findings.push_back({v, std::move(detail)}); };

  if (run.log.find(inject::kBudgetExhausted) != std::string::npos)
    add(Verdict::spin, "still calling after " + std::to_string(clean.events) + " calls in the fault-free run grew to the budget");
  else if (run.timed_out)
    add(Verdict::hang, "did not end within the timeout");
  else if (run.signal != 0)
    add(Verdict::crash, "killed by signal " + std::to_string(run.signal) + " (SIG" + std::string(sigabbrev_np(run.signal) ? sigabbrev_np(run.signal) : "?") + ")");
  else if (run.exit_status == 0 && clean.connected && !follow.saw_connection() && !connected_by_note)
    add(Verdict::false_success, "exit status 0, but no socket was ever connected");
  else if (run.exit_status != 0 && cell != nullptr && fired && cell->only_still_connecting())
    add(Verdict::spurious_failure,
        "exit status " + std::to_string(run.exit_status) + " after " +
            (cell->action == inject::Action::signal ? std::string("a signal inside") : errno_text(cell->err) + " from") + " " +
            std::string(inject::call_name(cell->call)) +
            (cell->call == Call::connect ? ", which says the attempt goes on (and it succeeded)"
                                         : ", which is no failure (the documented answer is to go on)"));
  std::stable_sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) { return a.verdict < b.verdict; });
  j.findings = std::move(findings);
  return j;
}

}  // namespace connfuzz::tools
