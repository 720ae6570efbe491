// Starts supervised programs up to the job limit and reaps each as it ends or times out.
#include "program_pool.h"

#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>

namespace connfuzz::tools {
namespace {

std::atomic<bool> g_interrupted{false};
void note_interrupt(int) { g_interrupted = true; }

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

struct Running {
  std::size_t request = 0;
  StartedProgram program;
  int pidfd = -1;  // readable when the program ends, so one poll() waits for all of them
  double deadline = 0;
};

// Reaps the program (killing it on timeout) and what it left in its process group.
RunResult finish(Running& r, bool timed_out) {
  RunResult result;
  result.network = r.program.network;
  if (timed_out) kill(-r.program.pid, SIGKILL);
  int status = 0;
  while (waitpid(r.program.pid, &status, 0) < 0 && errno == EINTR) {
  }
  kill(-r.program.pid, SIGKILL);
  r.program.supervisor.reset();
  if (r.pidfd >= 0) close(r.pidfd);
  set_exit(result, status, timed_out);
  return result;
}


// Starts requests until `jobs` run at once or none is left.
void start_more(const std::vector<RunRequest>& requests, int jobs, std::vector<Running>& running, std::size_t& next) {
  while (next < requests.size() && static_cast<int>(running.size()) < std::max(1, jobs)) {
    Running r;
    r.request = next;
    r.program = start_supervised(requests[next]);
    r.pidfd = static_cast<int>(syscall(SYS_pidfd_open, r.program.pid, 0));
    double timeout = requests[next].timeout_seconds;
    r.deadline = timeout > 0 ? now_seconds() + timeout : 0;
    running.push_back(r);
    ++next;
  }
}

// With pidfds one poll() wakes when any program ends; this long at most, to call tick.
constexpr int kPidfdWaitMs = 1000;
// Without pidfds (an old kernel) the loop falls back to looking this often.
constexpr int kFallbackWaitMs = 20;

// Waits until a program may have ended, a deadline passed, or a while went by.
void wait_for_change(const std::vector<Running>& running) {
  std::vector<pollfd> fds;
  double soonest = 0;
  for (const Running& r : running) {
    fds.push_back({r.pidfd, POLLIN, 0});
    if (r.deadline > 0 && (soonest == 0 || r.deadline < soonest)) soonest = r.deadline;
  }
  bool have_pidfds = std::all_of(running.begin(), running.end(), [](const Running& r) { return r.pidfd >= 0; });
  int wait_ms = have_pidfds ? kPidfdWaitMs : kFallbackWaitMs;
  if (soonest > 0) wait_ms = std::min(wait_ms, std::max(0, static_cast<int>((soonest - now_seconds()) * 1000) + 1));
  if (have_pidfds) poll(fds.data(), fds.size(), wait_ms);
  else poll(nullptr, 0, wait_ms);
}

// Finishes every program that ended or is past its deadline at `now`, and reports it.
void reap_done(std::vector<Running>& running, double now,
               const std::function<void(std::size_t, const RunResult&)>& on_done) {
  for (std::size_t i = 0; i < running.size();) {
    Running& r = running[i];
    siginfo_t info{};
    bool ended = waitid(P_PID, static_cast<id_t>(r.program.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
                 info.si_pid == r.program.pid;
    bool late = !ended && r.deadline > 0 && now >= r.deadline;
    if (!ended && !late) {
      ++i;
      continue;
    }
    std::size_t request = r.request;
    RunResult result = finish(r, late);
    running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
    on_done(request, result);
  }
}

}  // namespace

bool run_all(const std::vector<RunRequest>& requests, int jobs,
             const std::function<void(std::size_t, const RunResult&)>& on_done, const std::function<void()>& tick) {
  g_interrupted = false;
  struct sigaction note{}, old_int{}, old_term{};
  note.sa_handler = note_interrupt;
  sigaction(SIGINT, &note, &old_int);
  sigaction(SIGTERM, &note, &old_term);

  std::vector<Running> running;
  std::size_t next = 0;
  while (!g_interrupted && (next < requests.size() || !running.empty())) {
    try {
      start_more(requests, jobs, running, next);
    } catch (...) {
      for (Running& other : running) finish(other, true);
      sigaction(SIGINT, &old_int, nullptr);
      sigaction(SIGTERM, &old_term, nullptr);
      throw;
    }
    wait_for_change(running);
    double now = now_seconds();  // before tick: a slow tick must not make a program late
    if (tick) tick();
    reap_done(running, now, on_done);
  }
  bool complete = !g_interrupted;
  for (Running& r : running) finish(r, true);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  return complete;
}

}  // namespace connfuzz::tools
