// The worker: the harness initialized once, then the cells, in the worker itself or in a
// forked cell runner: a cell in, the harness's verdict on it, the outcome out, the process
// reset for the next. A crash it can undo puts it back as it was before its first cell
// (crash_undo.h); a runner a cell kills is forked again from the initialized state, a
// worker a cell kills is started again by `connfuzz sweep`, which records the cell.
#include "sweep_worker.h"
#include "registry.h"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

#include "core_limit.h"
#include "crash_undo.h"
#include "environment.h"
#include "event_line.h"
#include "harness.h"
#include "real_calls.h"
#include "sweep_protocol.h"

namespace connfuzz::fuzz {
namespace {

// Out of the targets' way: their sockets then get the numbers they get in a fuzz run.
constexpr int kFirstQuietFd = 1000;

[[noreturn]] void fail(const std::string& message) {
  std::fprintf(stderr, "connfuzz: sweep worker: %s\n", message.c_str());
  _exit(2);
}

int move_out_of_the_way(int fd) {
  int moved = fcntl(fd, F_DUPFD_CLOEXEC, kFirstQuietFd);
  if (moved < 0) fail("descriptor " + std::to_string(fd) + " is not open (connfuzz sweep passes it): " + std::strerror(errno));
  close(fd);
  return moved;
}

void write_all(int fd, const std::string& text) {
  for (std::size_t done = 0; done < text.size();) {
    ssize_t n = inject::real().write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail(std::string("cannot write an outcome: ") + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

// A rule's lines carry its text first: "connect@1=EINTR" or "connect@1=EINTR: why not".
bool about_rule(const inject::EventLine& e, std::string_view rule) {
  return e.note.starts_with(rule) && (e.note.size() == rule.size() || e.note[rule.size()] == ':');
}

// Fired when every rule fired; refused when some rule never fired and realistic mode declined it.
Reach reach_of(const inject::Plan& plan, const std::vector<inject::EventLine>& events) {
  if (plan.rule_count == 0) return Reach::unreached;
  bool all_fired = true, refused = false;
  for (int i = 0; i < plan.rule_count; ++i) {
    std::string rule = inject::to_text(plan.rules[i]);
    bool fired = std::any_of(events.begin(), events.end(),
                             [&](const auto& e) { return e.mark == inject::LineMark::injected && about_rule(e, rule); });
    bool declined = std::any_of(events.begin(), events.end(),
                                [&](const auto& e) { return e.mark == inject::LineMark::refused && about_rule(e, rule); });
    all_fired &= fired;
    refused |= !fired && declined;
  }
  return all_fired ? Reach::fired : refused ? Reach::refused : Reach::unreached;
}

void read_calls(const std::vector<inject::EventLine>& events, SweepOutcome& o) {
  for (const inject::EventLine& e : events) {
    Site site{e.call, e.index};
    if (e.index > 0 && std::find(o.sites.begin(), o.sites.end(), site) == o.sites.end()) o.sites.push_back(site);
    const inject::ErrnoRow* row = inject::row_of(e);
    if (row == nullptr) continue;
    auto index = static_cast<std::size_t>(row - inject::errno_rows().data());
    auto& into = e.mark == inject::LineMark::injected ? o.injected : o.real;
    if (std::find(into.begin(), into.end(), index) == into.end()) into.push_back(index);
  }
}

// A socket the cell leaked would shift every later cell's descriptors: closed here, as
// a fresh process would not have it.
void close_leaked_sockets(const std::vector<inject::EventLine>& events) {
  std::set<int> open;
  for (const inject::EventLine& e : events) {
    if (e.call == inject::Call::socket && e.result >= 0) open.insert(e.fd);
    if (e.call == inject::Call::close) open.erase(e.fd);
  }
  for (int fd : open)
    if (fcntl(fd, F_GETFD) >= 0) close(fd);
}

SweepOutcome run_cell(std::string_view family, std::uint64_t id, const std::vector<std::uint8_t>& bytes) {
  Scenario scenario = for_family(decode(bytes), family);
  InputVerdict verdict = harness().run(scenario);
  std::vector<inject::EventLine> events = read_events(verdict.calls);
  SweepOutcome o;
  o.id = id;
  o.reach = reach_of(scenario.plan, events);
  read_calls(events, o);
  for (std::size_t i = 0; i < verdict.findings.size(); ++i)
    o.findings.push_back({std::string(verdict.findings[i].name()), verdict.documented_as[i], verdict.findings[i].reason});
  close_leaked_sockets(events);
  return o;
}

// A thread stuck on the lock it never released would hold up every later cell.
bool leaves_process_stuck(const SweepOutcome& o) {
  return std::any_of(o.findings.begin(), o.findings.end(),
                     [](const SweepFinding& f) { return f.verdict == verdict_name(Verdict::deadlock_after_cancel); });
}

// How a forked cell runner ends: the cells ran out, or it stopped between cells to be replaced.
constexpr int kCellsEnded = 0;
constexpr int kReplaceMe = 75;  // EX_TEMPFAIL

// How the cells' process ends, the cells run out or `replace` asked. A forked runner
// exits for its worker to read the status; a worker that ran the cells itself removes its
// harness's files and, to be replaced, says so first, so that `connfuzz sweep` sends its
// cells in flight again.
[[noreturn]] void end_cells(bool in_worker, int outcomes, bool replace) {
  if (!in_worker) _exit(replace ? kReplaceMe : kCellsEnded);
  if (replace) write_all(outcomes, std::string(kRetiredWord) + "\n");
  harness().remove_temporary_files();
  _exit(0);
}

// One cell a message (SOCK_SEQPACKET): a runner never reads past its own cell, so the
// cells after one that kills it wait, unread, for the next runner (or, when the worker
// itself dies, are sent again to the next worker). A crash the runner
// can undo in place brings it back here, as it was before its first cell; its state is
// in statics set before the snapshot, which a restore puts back, since a cell that
// smashed the stack may have reached this frame. The worker is its own runner when it
// can undo crashes (no fork, no copy-on-write faults, one process to end); it returns at
// once when it cannot, and forks runners instead.
void run_cells(const char* family_name, int cells_fd, int outcomes_fd, bool in_worker) {
  static char message[1 << 16];
  static const char* family;
  static int cells, outcomes;
  static bool worker;
  static sigjmp_buf after_crash;
  family = family_name, cells = cells_fd, outcomes = outcomes_fd, worker = in_worker;  // set on each call: a runner forked after the worker's own try
  if (sigsetjmp(after_crash, 1) == 0) {  // the whole condition, as the standard allows it
    if (!undo_crashes_in_place(&after_crash, outcomes) && worker) return;
  }
  for (;;) {
    ssize_t n = inject::real().read(cells, message, sizeof(message));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) end_cells(worker, outcomes, false);
    auto cell = parse_cell_line(std::string_view(message, static_cast<std::size_t>(n)));
    if (!cell) fail("not a cell: " + std::string(message, std::min<std::size_t>(static_cast<std::size_t>(n), 80)));
    // What a cell that kills the runner printed follows its marker.
    std::fprintf(stderr, "connfuzz: sweep: cell %llu\n", static_cast<unsigned long long>(cell->first));
    cell_begins();
    SweepOutcome outcome = run_cell(family, cell->first, cell->second);
    cell_ends();
    write_all(outcomes, outcome_line(outcome) + "\n");
    if (leaves_process_stuck(outcome)) end_cells(worker, outcomes, true);
  }
}

// The worker initializes the harness once, then runs the cells itself when it can undo
// their crashes in place; otherwise (a sanitizer's build, CONNFUZZ_SWEEP_RESTORE=0, or a
// worker that replaces one a cell ended) it forks a cell runner from that state, and
// another when one dies: a crash costs a fork at most. The death of a runner inside a
// cell is one line on the outcomes: "died\t<wait status>".
[[noreturn]] void run_worker(const char* family) {
  int cells = move_out_of_the_way(kSweepCellsFd);
  int outcomes = move_out_of_the_way(kSweepOutcomesFd);
  // The harness keeps an input's calls for the verdict only when tracing; the worker
  // reads the sites, rows and reach of every cell off them.
  setenv("CONNFUZZ_TRACE", "1", 1);
  inject::warn_unknown_environment(family);
  // A cell that kills its runner is a finding read off its output: a core file for each
  // would land in the user's directory and cost more than the cell. `connfuzz repro` of
  // the cell's file dumps one, when the user's limit asks for it.
  inject::disable_core_files();
  harness().initialize(family);
  write_all(outcomes, identity_line(family) + "\n");  // who answers, before any cell
  if (std::string_view(inject::env_value(inject::EnvVar::sweep)) != kForkRunnersValue)
    run_cells(family, cells, outcomes, true);
  for (;;) {
    pid_t runner = fork();
    if (runner < 0) fail(std::string("fork: ") + std::strerror(errno));
    if (runner == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // a worker killed with connfuzz takes its runner along
      run_cells(family, cells, outcomes, false);
      _exit(kCellsEnded);  // not reached: a runner ends in run_cells
    }
    int status = 0;
    while (waitpid(runner, &status, 0) < 0 && errno == EINTR) {
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == kCellsEnded) break;
    if (WIFEXITED(status) && WEXITSTATUS(status) == kReplaceMe) continue;
    write_all(outcomes, std::string(kDiedWord) + "\t" + std::to_string(status) + "\n");
  }
  harness().remove_temporary_files();
  _exit(0);
}

}  // namespace

void serve_sweep_if_asked(const char* family) {
  if (inject::env_value(inject::EnvVar::identify) != nullptr) {
    std::vector<std::string> own;  // a user's targets, by name
    for (const RegisteredTarget& t : registered_targets())
      if (is_user_mode(t.mode)) own.push_back(t.target.name);
    std::printf("%s\n", identity_line(family, own).c_str());
    std::fflush(stdout);
    _exit(0);
  }
  if (inject::env_value(inject::EnvVar::sweep) != nullptr) run_worker(family);
}

}  // namespace connfuzz::fuzz
