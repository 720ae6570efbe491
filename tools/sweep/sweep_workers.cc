// The workers' event loop: cells out on each worker's descriptor 3, outcomes back on its
// descriptor 4, its stderr kept for the cell that may kill it; a dead or hung worker's
// cell judged from that output, the worker replaced.
#include "sweep_workers.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <stdexcept>

#include "child_spawn.h"
#include "fuzzer_process.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

using Clock = std::chrono::steady_clock;
using fuzz::SweepOutcome;

// Cells a worker holds at once: the one it runs and the next, so it never waits for us.
constexpr std::size_t kWindow = 2;
// The most of a worker's stderr kept: more than any report of a finding.
constexpr std::size_t kMaxOutput = 1u << 20;

volatile sig_atomic_t g_stop = 0;

std::string marker(std::uint64_t id) { return "connfuzz: sweep: cell " + std::to_string(id) + "\n"; }

struct Worker {
  pid_t pid = -1;
  int cells = -1, outcomes = -1, errors = -1;
  std::deque<std::size_t> in_flight;  // oldest first: the one it runs
  std::string partial;                // outcome bytes short of a line
  std::string output;                 // its stderr since the oldest cell in flight began
  std::size_t finished = 0;           // cells it gave an outcome for
  Clock::time_point cell_started;
};

void close_fd(int& fd) {
  if (fd >= 0) close(fd);
  fd = -1;
}

void start(Worker& w, const WorkerOptions& o) {
  int cells[2], outcomes[2], errors[2];
  if (pipe2(cells, O_CLOEXEC) != 0 || pipe2(outcomes, O_CLOEXEC) != 0 || pipe2(errors, O_CLOEXEC) != 0)
    throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  SpawnRequest r;
  r.argv = {o.binary, "/dev/null"};  // the replay driver wants an input before it starts
  r.set_environment = {"CONNFUZZ_SWEEP=1", "TMPDIR=" + o.scratch_dir};
  r.unset_environment = {"CONNFUZZ_IDENTIFY", "CONNFUZZ_STATS", "CONNFUZZ_REPRO", "CONNFUZZ_TRACE"};
  r.descriptors = {{fuzz::kSweepCellsFd, cells[0]}, {fuzz::kSweepOutcomesFd, outcomes[1]}, {1, errors[1]}, {2, errors[1]}};
  w = Worker{};
  w.pid = spawn_child(r);
  close(cells[0]);
  close(outcomes[1]);
  close(errors[1]);
  w.cells = cells[1];
  w.outcomes = outcomes[0];
  w.errors = errors[0];
  w.cell_started = Clock::now();
}

void send(Worker& w, std::size_t index, const std::vector<std::uint8_t>& bytes) {
  std::string line = fuzz::cell_line(index, bytes) + "\n";
  if (w.in_flight.empty()) w.cell_started = Clock::now();
  w.in_flight.push_back(index);
  // A dead worker's EPIPE is seen when its outcomes end.
  for (std::size_t done = 0; done < line.size();) {
    ssize_t n = write(w.cells, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
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

void drain_errors(Worker& w) {
  for (int round = 0; round < 256; ++round) {
    pollfd p{w.errors, POLLIN, 0};
    if (poll(&p, 1, 200) <= 0) return;
    std::string chunk;
    if (!read_some(w.errors, chunk)) return;
    keep_output(w, chunk.data(), chunk.size());
  }
}

std::string line_after(const std::string& text, std::string_view needle) {
  std::size_t at = text.find(needle);
  if (at == std::string::npos) return "";
  at += needle.size();
  return text.substr(at, text.find('\n', at) - at);
}

struct Loop {
  const WorkerOptions& options;
  const std::vector<std::vector<std::uint8_t>>& cells;
  std::vector<SweepOutcome>& outcomes;
  WorkerStats& stats;
  const std::function<void(std::size_t)>& on_done;
  std::deque<std::size_t> queue;
  std::vector<Worker> workers;
  std::size_t done = 0;

  void finish(std::size_t index, SweepOutcome outcome) {
    outcome.id = index;
    outcomes[index] = std::move(outcome);
    ++done;
    on_done(index);
  }

  void top_up(Worker& w) {
    while (w.cells >= 0 && w.in_flight.size() < kWindow && !queue.empty()) {
      send(w, queue.front(), cells[queue.front()]);
      queue.pop_front();
    }
    if (queue.empty() && w.in_flight.empty()) close_fd(w.cells);  // it ends when it reads the end
  }

  void read_outcomes(Worker& w) {
    for (std::size_t end; (end = w.partial.find('\n')) != std::string::npos;) {
      auto o = fuzz::parse_outcome_line(std::string_view(w.partial).substr(0, end));
      if (!o || w.in_flight.empty() || o->id != w.in_flight.front())
        throw std::runtime_error("the sweep worker wrote an outcome out of turn: " + w.partial.substr(0, end));
      w.partial.erase(0, end + 1);
      w.in_flight.pop_front();
      w.cell_started = Clock::now();
      ++w.finished;
      finish(o->id, std::move(*o));
    }
  }

  // The worker is gone (or must go): its oldest cell ended it; the others wait again.
  void bury(Worker& w, bool timed_out) {
    int status = kill_and_reap(w.pid);
    drain_errors(w);
    close_fd(w.cells);
    close_fd(w.outcomes);
    close_fd(w.errors);
    w.pid = -1;
    if (w.in_flight.empty()) return;
    std::size_t killer = w.in_flight.front();
    std::size_t at = w.output.rfind(marker(killer));
    if (at != std::string::npos) {
      finish(killer, dead_cell_outcome(killer, w.output.substr(at), status, timed_out, options.cell_timeout_seconds));
      w.in_flight.pop_front();
      ++stats.restarts;
    } else if (w.finished == 0) {
      throw UsageError("sweep: " + options.binary + ": its sweep worker ended before its first cell (exit status " +
                       std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status)) + "):\n" +
                       w.output.substr(0, 4000));
    }  // else it stopped between cells (a thread it could not free): the next worker takes them
    queue.insert(queue.begin(), w.in_flight.begin(), w.in_flight.end());
    w.in_flight.clear();
  }

  void serve(Worker& w, const pollfd* out, const pollfd* err) {
    if (err->revents) {
      std::string chunk;
      if (read_some(w.errors, chunk)) keep_output(w, chunk.data(), chunk.size());
      else close_fd(w.errors);
    }
    if (!out->revents) return;
    if (read_some(w.outcomes, w.partial)) return read_outcomes(w);
    bury(w, false);
  }

  void watch_time() {
    auto limit = std::chrono::duration<double>(options.cell_timeout_seconds);
    for (Worker& w : workers)
      if (w.pid > 0 && !w.in_flight.empty() && Clock::now() - w.cell_started > limit) bury(w, true);
  }

  void kill_all() {
    for (Worker& w : workers)
      if (w.pid > 0) {
        kill_and_reap(w.pid);
        close_fd(w.cells), close_fd(w.outcomes), close_fd(w.errors);
        w.pid = -1;
      }
  }

  bool run() {
    for (std::size_t i = 0; i < cells.size(); ++i) queue.push_back(i);
    workers.resize(static_cast<std::size_t>(std::max(1, std::min<int>(options.jobs, static_cast<int>(cells.size())))));
    while (done < cells.size()) {
      if (g_stop) return kill_all(), false;
      std::vector<pollfd> fds;
      for (Worker& w : workers) {
        if (w.pid < 0 && !queue.empty()) start(w, options);
        if (w.pid > 0) top_up(w);
        fds.push_back({w.pid > 0 ? w.outcomes : -1, POLLIN, 0});
        fds.push_back({w.pid > 0 ? w.errors : -1, POLLIN, 0});
      }
      if (poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) throw std::runtime_error("poll failed");
      for (std::size_t i = 0; i < workers.size(); ++i)
        if (workers[i].pid > 0) serve(workers[i], &fds[2 * i], &fds[2 * i + 1]);
      watch_time();
    }
    kill_all();
    return true;
  }
};

// SIGINT and SIGTERM stop the sweep; a dead worker's pipe must not stop connfuzz.
struct SignalScope {
  struct sigaction old_int {}, old_term {}, old_pipe {};
  SignalScope() {
    g_stop = 0;
    struct sigaction stop {};
    stop.sa_handler = [](int) { g_stop = 1; };
    sigaction(SIGINT, &stop, &old_int);
    sigaction(SIGTERM, &stop, &old_term);
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &ignore, &old_pipe);
  }
  ~SignalScope() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
    sigaction(SIGPIPE, &old_pipe, nullptr);
  }
};

}  // namespace

SweepOutcome dead_cell_outcome(std::uint64_t id, const std::string& output, int wait_status, bool timed_out,
                               double timeout_seconds) {
  FuzzerRun run;
  run.output = output;
  run.timed_out = timed_out;
  run.exit_status = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : 128 + WTERMSIG(wait_status);
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

bool run_sweep_cells(const WorkerOptions& options, const std::vector<std::vector<std::uint8_t>>& cells,
               std::vector<SweepOutcome>& outcomes, WorkerStats& stats, const std::function<void(std::size_t)>& on_done) {
  outcomes.assign(cells.size(), SweepOutcome{});
  if (cells.empty()) return true;
  SignalScope signals;
  Loop loop{options, cells, outcomes, stats, on_done, {}, {}, 0};
  try {
    return loop.run();
  } catch (...) {
    loop.kill_all();
    throw;
  }
}

}  // namespace connfuzz::tools
