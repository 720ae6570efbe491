// The workers' event loop: cells out on each worker's descriptor 3 (a message each),
// outcomes back on its descriptor 4, its stderr kept for the cell that may kill it. A
// runner's death is a line of its worker; a hang, or a worker's own death, replaces it.
#include "sweep_workers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <deque>
#include <stdexcept>

#include "child_spawn.h"
#include "cpu_count.h"
#include "fuzzer_process.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

using Clock = std::chrono::steady_clock;
using fuzz::SweepOutcome;

// Cells a worker holds at once, so that it never waits for us, even while we read what
// a dead cell printed: with 2, a crash-heavy example sweep (example_unknown_errno) took
// 21.6-25.8 ms; with 8, 19.2-21.7 ms. A worker's cells past a hang are sent again.
constexpr std::size_t kWindow = 8;
// Cells a worker ends before the sweep trusts its measure of a cell's cost to decide on
// another worker: the time its latest this many took, from the end of the one before
// them (so not its first cell, which pays the snapshot, or a runner's fork). Outcomes are
// read in batches, so a cell's own interval means nothing; a span of them does. A cell
// that killed its runner counts, with the undo or the fork that followed: on a target
// that crashes often, that is most of the work. 32, not 16: a worker's first cells pay
// their page faults, and 16 of them made a second worker look worth its start-up on a
// 115-cell sweep that it only slowed.
constexpr std::size_t kCellsToMeasure = 32;
// How much more a worker must save when it would share a core with connfuzz or another
// worker: its start-up then slows the workers running, and two cells on a shared core
// take nearer the time of two than of one. bench/RESULTS.md's "one worker or two" shows
// what the rule gives: one worker for a short sweep on 2 CPUs, both for a long one.
constexpr long kOversubscribed = 4;
// The most of a worker's stderr kept: more than any report of a finding.
constexpr std::size_t kMaxOutput = 1u << 20;
// The longest connfuzz looks for an outcome before it sleeps in poll (Pool::worth_looking).
constexpr auto kLongestLook = std::chrono::milliseconds(1);

volatile sig_atomic_t g_stop = 0;

std::string marker(std::uint64_t id) { return "connfuzz: sweep: cell " + std::to_string(id) + "\n"; }

struct Worker {
  pid_t pid = -1;
  int cells = -1, outcomes = -1, errors = -1;
  std::deque<std::size_t> in_flight;  // oldest first: the one it runs
  std::string partial;                // outcome bytes short of a line
  std::string output;                 // its stderr since the oldest cell in flight began
  std::size_t finished = 0;           // cells it gave an outcome for
  std::deque<Clock::time_point> ended;  // when its latest cells ended, at most kCellsToMeasure + 1
  std::string family;                 // from its first line, which says which fuzzer it is
  bool retired = false;               // it said it ends between cells: those in flight never ran
  Clock::time_point cell_started;
  Clock::time_point spawned;
};

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

void start_worker(Worker& w, const WorkerOptions& o, bool fork_runners) {
  int cells[2], outcomes[2], errors[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cells) != 0 || pipe2(outcomes, O_CLOEXEC) != 0 ||
      pipe2(errors, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("socketpair/pipe2: ") + std::strerror(errno));
  SpawnRequest r;
  r.argv = {o.binary, "/dev/null"};  // the replay driver wants an input before it starts
  // LD_BIND_NOW: the worker binds every symbol once, as it starts, where lazy binding
  // would bind them again after each crash, since a restore puts back the unbound
  // entries with the rest of the memory (crash_undo.h), and in each forked runner; and a
  // restore then never calls through a half-restored binder.
  r.set_environment = {"CONNFUZZ_SWEEP=" + std::string(fork_runners ? fuzz::kForkRunnersValue : "1"),
                       "TMPDIR=" + o.scratch_dir, "LD_BIND_NOW=1"};
  r.unset_environment = {"CONNFUZZ_IDENTIFY", "CONNFUZZ_STATS", "CONNFUZZ_REPRO", "CONNFUZZ_TRACE"};
  r.descriptors = {{fuzz::kSweepCellsFd, cells[1]}, {fuzz::kSweepOutcomesFd, outcomes[1]}, {1, errors[1]}, {2, errors[1]}};
  r.dies_with_parent = true;  // a killed sweep (or nightly) leaves no worker behind
  w = Worker{};
  Clock::time_point spawned = Clock::now();  // its start-up includes the exec spawn_child waits for
  w.pid = spawn_child(r);
  close(cells[1]);
  close(outcomes[1]);
  close(errors[1]);
  w.cells = cells[0];
  w.outcomes = outcomes[0];
  w.errors = errors[0];
  // Read as it comes, between outcomes, never waited for: most cells print only their marker.
  fcntl(w.errors, F_SETFL, O_NONBLOCK);
  w.spawned = spawned;
  w.cell_started = Clock::now();
}

void send(Worker& w, std::size_t index, const std::vector<std::uint8_t>& bytes) {
  std::string message = fuzz::cell_line(index, bytes);
  if (w.in_flight.empty()) w.cell_started = Clock::now();
  w.in_flight.push_back(index);
  // A dead worker's EPIPE is seen when its outcomes end; no SIGPIPE, which connfuzz does
  // not ignore: an ignored signal stays ignored in the workers it starts, and a target's
  // write to a peer that is gone must end it as it would in the fuzzer.
  while (send(w.cells, message.data(), message.size(), MSG_NOSIGNAL) < 0 && errno == EINTR) {
  }
}

// Keeps the output from the marker of the oldest cell in flight on, and bounded.
void keep_output(Worker& w, const char* data, std::size_t n) {
  w.output.append(data, n);
  if (w.output.size() < 65536) return;
  std::size_t from = w.in_flight.empty() ? std::string::npos : w.output.rfind(marker(w.in_flight.front()));
  if (from != std::string::npos) w.output.erase(0, from);
  if (w.output.size() > kMaxOutput) w.output.erase(0, w.output.size() - kMaxOutput);
}

// Reads what is there; false at the end of the stream.
bool read_some(int fd, std::string& into) {
  char buffer[16384];
  ssize_t n = read(fd, buffer, sizeof(buffer));
  if (n < 0) return errno == EINTR || errno == EAGAIN;
  if (n == 0) return false;
  into.append(buffer, static_cast<std::size_t>(n));
  return true;
}

// What the worker wrote to stderr and we have not read: all of it that is in the pipe
// now (`wait_ms` 0), or until it ends.
void drain_errors(Worker& w, int wait_ms) {
  for (int round = 0; round < 256 && w.errors >= 0; ++round) {
    pollfd p{w.errors, POLLIN, 0};
    if (poll(&p, 1, wait_ms) <= 0) return;
    std::string chunk;
    if (!read_some(w.errors, chunk)) return close_fd(w.errors);
    keep_output(w, chunk.data(), chunk.size());
  }
}

std::string line_after(const std::string& text, std::string_view needle) {
  std::size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  at += needle.size();
  return text.substr(at, text.find('\n', at) - at);
}

int exit_code(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

// SIGINT and SIGTERM stop the sweep (a dead worker's socket is written with MSG_NOSIGNAL).
struct SignalScope {
  struct sigaction old_int {}, old_term {};
  SignalScope() {
    g_stop = 0;
    struct sigaction stop {};
    stop.sa_handler = [](int) { g_stop = 1; };
    sigaction(SIGINT, &stop, &old_int);
    sigaction(SIGTERM, &stop, &old_term);
  }
  ~SignalScope() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
};

}  // namespace

struct SweepWorkers::Pool {
  // For as long as there are workers: a Ctrl-C while the first one starts, or between
  // two phases, stops the sweep as one while cells run does (run() and family() look).
  SignalScope signals;
  WorkerOptions options;
  std::vector<Worker> workers;
  std::size_t restarts = 0;
  std::size_t undone_in_place = 0;
  std::size_t started = 0;  // slots that have had a worker
  // Once a cell has ended a worker, the workers started after it fork a runner for their
  // cells: a crash that cannot be undone in place then costs a fork, not a worker's start.
  bool fork_runners = false;
  std::size_t cores = static_cast<std::size_t>(usable_cpus());
  // One run's cells:
  const std::vector<std::vector<std::uint8_t>>* cells = nullptr;
  std::vector<SweepOutcome>* outcomes = nullptr;
  const std::function<void(std::size_t)>* on_done = nullptr;
  std::deque<std::size_t> queue;
  std::size_t done = 0;
  // What the sweep has measured: a worker's start-up (spawn to its first line) and the
  // cells' time, for deciding whether another worker pays for itself.
  Clock::duration startup{};
  Clock::time_point last_heard;  // the latest outcome (or run's start): Pool::worth_looking

  static void cell_ended(Worker& w, Clock::time_point now) {
    w.ended.push_back(now);
    if (w.ended.size() > kCellsToMeasure + 1) w.ended.pop_front();
  }

  // Whether connfuzz may look for the next outcome a while (kLongestLook) before it sleeps
  // in poll: when it sleeps between outcomes, its worker's cells take longer on a VM (the
  // write that ends the poll wakes a sleeping virtual CPU; bench/RESULTS.md, the sweep's
  // ninth run). Only while connfuzz has a CPU no worker needs (as far as the
  // affinity mask tells: a quota or other programs' load are not seen), and only while
  // outcomes come faster than a look lasts: a slow target's cells, a hang or a worker's
  // start-up cost one look, then connfuzz sleeps.
  bool worth_looking() const {
    auto running = std::count_if(workers.begin(), workers.end(), [](const Worker& w) { return w.pid > 0; });
    return running > 0 && static_cast<std::size_t>(running) < cores && Clock::now() - last_heard < kLongestLook;
  }

  // A worker's time per cell, averaged over the workers that have measured theirs;
  // zero while none has.
  Clock::duration cell_cost() const {
    Clock::duration sum{};
    long measured = 0;
    for (const Worker& w : workers) {
      if (w.pid < 0 || w.ended.size() != kCellsToMeasure + 1) continue;
      sum += (w.ended.back() - w.ended.front()) / static_cast<long>(kCellsToMeasure);
      ++measured;
    }
    return measured ? sum / measured : Clock::duration{};
  }

  void finish(std::size_t index, SweepOutcome outcome) {
    outcome.id = index;
    (*outcomes)[index] = std::move(outcome);
    ++done;
    (*on_done)(index);
  }

  // The first worker always; another only when it saves more than its start-up costs.
  // The work left, split over `slot` running workers or over one more, saves
  // work / (slot * (slot + 1)) of the wall time, against a start-up on a busy core;
  // kOversubscribed times that when it would leave connfuzz (which reads every outcome)
  // no core of its own.
  bool worth_starting(std::size_t slot) const {
    if (slot == 0) return true;
    Clock::duration cost = cell_cost();
    if (cost == Clock::duration{} || startup == Clock::duration{}) return false;
    auto work_left = cost * static_cast<long>(queue.size());
    long weight = static_cast<long>(slot * (slot + 1)) * (slot + 2 > cores ? kOversubscribed : 1);
    return work_left > startup * weight;
  }

  void top_up(Worker& w) {
    if (w.pid < 0 || w.retired) return;  // a retired worker runs no more cells
    while (w.in_flight.size() < kWindow && !queue.empty()) {
      send(w, queue.front(), (*cells)[queue.front()]);
      queue.pop_front();
    }
  }

  // The oldest cell in flight ended its runner (or its worker): what it printed says how.
  void record_killer(Worker& w, int status, bool timed_out, bool undone = false) {
    std::size_t killer = w.in_flight.front();
    std::size_t at = w.output.rfind(marker(killer));
    if (at == std::string::npos && w.finished == 0)
      throw UsageError("sweep: " + options.binary + ": its sweep worker ended before its first cell (exit status " +
                       std::to_string(exit_code(status)) + "):\n" + w.output.substr(0, 4000));
    // Its output ends where the next runner's first marker begins.
    std::size_t from = at == std::string::npos ? 0 : at;
    std::size_t next = w.output.find("connfuzz: sweep: cell ", from + 1);
    std::string said = w.output.substr(from, next == std::string::npos ? std::string::npos : next - from);
    finish(killer, dead_cell_outcome(killer, said, status, timed_out, options.cell_timeout_seconds));
    w.in_flight.pop_front();
    w.output.erase(0, next == std::string::npos ? std::string::npos : next);
    Clock::time_point now = Clock::now();
    if (!timed_out) cell_ended(w, now);
    w.cell_started = now;
    ++(undone ? undone_in_place : restarts);
  }

  // "died\t<status>": the worker forks a new runner, which reads the cells after it;
  // "died\t<status>\tundone": the runner undid the crash and reads on.
  void runner_died(Worker& w, std::string_view status_text) {
    int status = 0;
    std::from_chars(status_text.data(), status_text.data() + status_text.size(), status);
    bool undone = status_text.ends_with("\t" + std::string(fuzz::kUndoneWord));
    drain_errors(w, 0);
    if (!w.in_flight.empty()) record_killer(w, status, false, undone);
  }

  void introduce(Worker& w, const std::string& line) {
    auto id = fuzz::parse_identity_line(line);
    if (!id) throw UsageError("sweep: " + options.binary + " is not a connfuzz fuzzer (its worker began with '" + line + "')");
    if (id->second != fuzz::kScenarioFormat)
      throw UsageError("sweep: " + options.binary + " reads '" + id->second + "' inputs; this connfuzz writes '" +
                       std::string(fuzz::kScenarioFormat) + "' ones");
    w.family = id->first;
    if (startup == Clock::duration{}) startup = Clock::now() - w.spawned;
  }

  void read_outcomes(Worker& w) {
    for (std::size_t end; (end = w.partial.find('\n')) != std::string::npos;) {
      std::string line = w.partial.substr(0, end);
      w.partial.erase(0, end + 1);
      if (w.family.empty()) {
        introduce(w, line);
        continue;
      }
      if (line == fuzz::kRetiredWord) {
        w.retired = true;
        continue;
      }
      if (line.starts_with(std::string(fuzz::kDiedWord) + "\t")) {
        runner_died(w, std::string_view(line).substr(fuzz::kDiedWord.size() + 1));
        continue;
      }
      auto o = fuzz::parse_outcome_line(line);
      if (!o || w.in_flight.empty() || o->id != w.in_flight.front())
        throw std::runtime_error("the sweep worker wrote an outcome out of turn: " + line);
      w.in_flight.pop_front();
      Clock::time_point now = Clock::now();
      cell_ended(w, now);
      w.cell_started = now;
      ++w.finished;
      finish(o->id, std::move(*o));
    }
  }

  // The worker is gone (or must go): its oldest cell ended it (unless it said it retired
  // between two); the others wait again. The workers started after it fork a runner for
  // their cells, so that the next such loss costs a fork, not a worker's start.
  void bury(Worker& w, bool timed_out) {
    int status = kill_and_reap(w.pid);
    drain_errors(w, 200);
    close_fd(w.cells), close_fd(w.outcomes), close_fd(w.errors);
    w.pid = -1;
    fork_runners = true;
    if (w.in_flight.empty()) return;
    if (!w.retired) record_killer(w, status, timed_out);
    queue.insert(queue.begin(), w.in_flight.begin(), w.in_flight.end());
    w.in_flight.clear();
  }

  void serve(Worker& w, const pollfd& out) {
    std::string chunk;
    if (w.errors >= 0 && !read_some(w.errors, chunk)) close_fd(w.errors);
    keep_output(w, chunk.data(), chunk.size());
    if (!out.revents) return;
    last_heard = Clock::now();
    if (read_some(w.outcomes, w.partial)) return read_outcomes(w);
    bury(w, false);
  }

  void watch_time() {
    auto limit = std::chrono::duration<double>(options.cell_timeout_seconds);
    for (Worker& w : workers)
      if (w.pid > 0 && !w.in_flight.empty() && Clock::now() - w.cell_started > limit) bury(w, true);
  }

  // Without cells, a worker ends by itself; one that does not is killed.
  void end_all(int wait_ms) {
    let_end();
    for (Worker& w : workers) {
      if (w.pid < 0) continue;
      pollfd p{w.outcomes, POLLIN, 0};
      for (std::string ignored; poll(&p, 1, wait_ms) > 0 && read_some(w.outcomes, ignored);) {
      }
      kill_and_reap(w.pid);
      close_fd(w.outcomes), close_fd(w.errors);
      w.pid = -1;
    }
  }

  // After it, the workers take no cell: run() is not called again.
  void let_end() {
    for (Worker& w : workers) close_fd(w.cells);
  }

  // The first worker's first line: which fuzzer it is.
  std::string family() {
    Worker& w = workers.front();
    if (w.pid < 0) start_worker(w, options, fork_runners);
    started = std::max<std::size_t>(started, 1);
    auto deadline = Clock::now() + std::chrono::duration<double>(options.cell_timeout_seconds);
    while (w.family.empty() && Clock::now() < deadline && !g_stop) {
      pollfd p{w.outcomes, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      if (!read_some(w.outcomes, w.partial)) break;
      read_outcomes(w);
    }
    if (!w.family.empty() || g_stop) return w.family;
    drain_errors(w, 200);
    throw UsageError("sweep: " + options.binary + " is not a connfuzz fuzzer (as a sweep worker it did not say which fuzzer it is" +
                     (w.output.empty() ? std::string(")") : "; it said:\n" + w.output.substr(0, 4000) + ")"));
  }

  bool run() {
    queue.clear();
    for (std::size_t i = 0; i < cells->size(); ++i) queue.push_back(i);
    done = 0;
    last_heard = Clock::now();
    while (done < cells->size()) {
      if (g_stop) return end_all(0), false;
      std::vector<pollfd> fds;
      for (std::size_t i = 0; i < workers.size(); ++i) {
        Worker& w = workers[i];
        if (w.pid < 0 && worth_starting(i)) {
          started = std::max(started, i + 1);
          start_worker(w, options, fork_runners);
        }
        top_up(w);
        fds.push_back({w.pid > 0 ? w.outcomes : -1, POLLIN, 0});
      }
      // A short wait: stderr is read between outcomes, not waited for.
      int ready = 0;
      if (worth_looking())
        for (auto until = Clock::now() + kLongestLook; (ready = poll(fds.data(), fds.size(), 0)) == 0 && Clock::now() < until;) {
        }
      if (ready == 0) ready = poll(fds.data(), fds.size(), 20);
      if (ready < 0 && errno != EINTR) throw std::runtime_error("poll failed");
      for (std::size_t i = 0; i < workers.size(); ++i)
        if (workers[i].pid > 0) serve(workers[i], fds[i]);
      watch_time();
    }
    return true;
  }
};


SweepWorkers::SweepWorkers(WorkerOptions options) : pool_(std::make_unique<Pool>()) {
  pool_->options = std::move(options);
  pool_->workers.resize(static_cast<std::size_t>(std::max(1, pool_->options.jobs)));
}

// A worker removes its harness's directory once its cells end: a moment for that.
SweepWorkers::~SweepWorkers() { pool_->end_all(1000); }

void SweepWorkers::let_end() noexcept { pool_->let_end(); }
bool SweepWorkers::stop_asked() const noexcept { return g_stop != 0; }
std::size_t SweepWorkers::restarts() const noexcept { return pool_->restarts; }
std::size_t SweepWorkers::undone_in_place() const noexcept { return pool_->undone_in_place; }
std::size_t SweepWorkers::started() const noexcept { return pool_->started; }

std::string SweepWorkers::family() { return pool_->family(); }

bool SweepWorkers::run(const std::vector<std::vector<std::uint8_t>>& cells, std::vector<SweepOutcome>& outcomes,
                       const std::function<void(std::size_t)>& on_done) {
  outcomes.assign(cells.size(), SweepOutcome{});
  if (cells.empty()) return g_stop == 0;
  pool_->cells = &cells;
  pool_->outcomes = &outcomes;
  pool_->on_done = &on_done;
  try {
    return pool_->run();
  } catch (...) {
    pool_->end_all(0);
    throw;
  }
}

SweepOutcome dead_cell_outcome(std::uint64_t id, const std::string& output, int wait_status, bool timed_out,
                               double timeout_seconds) {
  FuzzerRun run;
  run.output = output;
  run.timed_out = timed_out;
  run.exit_status = exit_code(wait_status);
  read_finding(run);
  SweepOutcome o;
  o.id = id;
  o.reach = fuzz::Reach::fired;
  o.ended_worker = true;
  fuzz::SweepFinding f{"crash", run.documented_as, run.summary};
  if (std::string error = line_after(output, "ERROR: connfuzz: "); !error.empty()) {
    f.verdict = error.substr(0, error.find(':'));
    f.reason = error.substr(std::min(error.size(), error.find(':') + 2));
    f.reason = f.reason.substr(0, f.reason.rfind(" (documented: "));
  } else if (timed_out) {
    f = {"hang", "", "no outcome within " + std::to_string(static_cast<int>(timeout_seconds)) + " s of real time"};
  } else if (!run.finding() || run.signature.starts_with("exit status")) {
    int sig = WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
    const char* name = sig ? sigabbrev_np(sig) : nullptr;
    f.reason = sig ? "killed by signal " + std::to_string(sig) + " (SIG" + (name ? name : "?") + ")"
                   : "the worker exited with status " + std::to_string(run.exit_status) + " inside the cell";
  }
  o.findings.push_back(f);
  return o;
}

}  // namespace connfuzz::tools
