// A sweep worker as `connfuzz sweep` drives it: a real fuzzer started with CONNFUZZ_SWEEP,
// a cell in, its outcome out. Where it can undo crashes in place the worker runs its cells
// itself; where it cannot, or told to (CONNFUZZ_SWEEP=runners, CONNFUZZ_SWEEP_RESTORE=0),
// it forks a runner.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "child_spawn.h"
#include "in_child.h"
#include "scenario.h"
#include "sweep_protocol.h"

namespace connfuzz::tools {
namespace {

constexpr int kWaitMs = 20000;  // a bound on each read, never reached by a working worker

struct RunningWorker {
  pid_t pid = -1;
  int cells = -1, outcomes = -1;
  std::string pending;

  explicit RunningWorker(const std::vector<std::string>& environment) {
    int cell_pair[2], outcome_pipe[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, cell_pair) != 0 || pipe2(outcome_pipe, O_CLOEXEC) != 0)
      throw std::runtime_error("socketpair/pipe2");
    SpawnRequest r;
    r.argv = {POSIX_FUZZER, "/dev/null"};
    r.set_environment = environment;
    // What connfuzz itself unsets, and a restore switched off in the developer's shell.
    r.unset_environment = {"CONNFUZZ_IDENTIFY", "CONNFUZZ_STATS", "CONNFUZZ_REPRO", "CONNFUZZ_TRACE",
                           "CONNFUZZ_SWEEP_RESTORE"};
    r.descriptors = {{fuzz::kSweepCellsFd, cell_pair[1]}, {fuzz::kSweepOutcomesFd, outcome_pipe[1]}};
    r.dies_with_parent = true;
    pid = spawn_child(r);
    close(cell_pair[1]), close(outcome_pipe[1]);
    cells = cell_pair[0], outcomes = outcome_pipe[0];
  }
  // Its cells ended, a worker removes its harness's directory and exits: waited for (a
  // bounded while), then killed if it has not.
  ~RunningWorker() {
    close(cells);
    while (!line().empty()) {
    }
    close(outcomes);
    kill_and_reap(pid);
  }
  RunningWorker(const RunningWorker&) = delete;
  RunningWorker& operator=(const RunningWorker&) = delete;

  // The next line it writes; "" when it ends (or says nothing for kWaitMs).
  std::string line() {
    for (int reads = 0; pending.find('\n') == std::string::npos && reads < 1000; ++reads) {
      pollfd p{outcomes, POLLIN, 0};
      char buffer[4096];
      ssize_t n = poll(&p, 1, kWaitMs) == 1 ? read(outcomes, buffer, sizeof(buffer)) : 0;
      if (n <= 0) return "";
      pending.append(buffer, static_cast<std::size_t>(n));
    }
    std::size_t end = pending.find('\n');
    std::string first = pending.substr(0, end);
    pending.erase(0, end + 1);
    return first;
  }

  void send_default_cell(std::uint64_t id) {
    fuzz::Scenario s;
    s.mode = fuzz::family_modes("posix").front();
    std::string message = fuzz::cell_line(id, fuzz::encode(fuzz::for_family(s, "posix")));
    // MSG_NOSIGNAL: a worker that died fails the test, not the test binary.
    ASSERT_EQ(send(cells, message.data(), message.size(), MSG_NOSIGNAL), static_cast<ssize_t>(message.size()));
  }

  // Its processes, read while it waits for the next cell.
  std::size_t children() const {
    std::ifstream list("/proc/" + std::to_string(pid) + "/task/" + std::to_string(pid) + "/children");
    std::size_t n = 0;
    for (std::string child; list >> child;) ++n;
    return n;
  }
};

// How many processes ran the worker's cells besides itself, after two cells.
std::size_t runners_after_two_cells(const std::vector<std::string>& environment) {
  RunningWorker w(environment);
  EXPECT_TRUE(fuzz::parse_identity_line(w.line()).has_value());
  for (std::uint64_t id = 0; id < 2; ++id) {
    w.send_default_cell(id);
    auto outcome = fuzz::parse_outcome_line(w.line());
    EXPECT_EQ(outcome ? outcome->id : ~id, id);
  }
  return w.children();
}

bool kernel_lists_children() { return std::ifstream("/proc/self/task/" + std::to_string(getpid()) + "/children").good(); }

// Under a sanitizer with shadow memory it can take no snapshot, and forks a runner instead.
TEST(SweepWorker, RunsItsCellsItselfWhenItCanUndoTheirCrashes) {
  if (!kernel_lists_children()) GTEST_SKIP() << "no /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)";
  EXPECT_EQ(runners_after_two_cells({"CONNFUZZ_SWEEP=1"}), connfuzz::testing::has_shadow_memory() ? 1u : 0u);
}

TEST(SweepWorker, ForksARunnerWhenToldTo) {
  if (!kernel_lists_children()) GTEST_SKIP() << "no /proc/PID/task/TID/children (CONFIG_PROC_CHILDREN)";
  EXPECT_EQ(runners_after_two_cells({"CONNFUZZ_SWEEP=" + std::string(fuzz::kForkRunnersValue)}), 1u);
  EXPECT_EQ(runners_after_two_cells({"CONNFUZZ_SWEEP=1", "CONNFUZZ_SWEEP_RESTORE=0"}), 1u);
}

}  // namespace
}  // namespace connfuzz::tools
