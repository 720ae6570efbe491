// spawn_child: what the program it starts is given (descriptors, environment, working
// directory, process group, signal dispositions, death with its parent), and why it
// could not start, said at once.
#include "child_spawn.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "usage_error.h"

namespace {

namespace fs = std::filesystem;
using connfuzz::tools::reap;
using connfuzz::tools::spawn_child;
using connfuzz::tools::SpawnRequest;
using connfuzz::tools::UsageError;

struct Pipe {
  int read = -1, write = -1;
  Pipe() {
    int ends[2];
    EXPECT_EQ(pipe2(ends, O_CLOEXEC), 0);
    read = ends[0], write = ends[1];
  }
  ~Pipe() {
    if (read >= 0) close(read);
    if (write >= 0) close(write);
  }
  void close_write() {
    close(write);
    write = -1;
  }
};

// What the child wrote, until it closes its end (or 10 s pass); then its wait status.
std::string output_of(pid_t child, Pipe& out, int* status = nullptr) {
  out.close_write();
  std::string text;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{out.read, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    ssize_t n = read(out.read, buffer, sizeof(buffer));
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  int st = reap(child);
  if (status != nullptr) *status = st;
  return text;
}

SpawnRequest shell(const std::string& script, int out) {
  SpawnRequest r;
  r.argv = {"/bin/sh", "-c", script};
  r.descriptors = {{1, out}};
  return r;
}

TEST(ChildSpawn, PutsEachDescriptorInPlaceAndTheStandardOnesOnDevNull) {
  Pipe out, high;
  SpawnRequest r = shell("echo one; echo seven >&7; exec readlink /proc/self/fd/0 /proc/self/fd/2", out.write);
  r.descriptors.push_back({7, high.write});
  pid_t child = spawn_child(r);
  high.close_write();
  EXPECT_EQ(output_of(child, out), "one\n/dev/null\n/dev/null\n");
  char buffer[64] = {};
  EXPECT_EQ(read(high.read, buffer, sizeof(buffer)), 6);
  EXPECT_STREQ(buffer, "seven\n");
}

// A source among 0-2 that is no target of its own: copied before /dev/null takes its place.
TEST(ChildSpawn, TakesASourceAmongTheStandardDescriptors) {
  Pipe out;
  pid_t helper = fork();
  if (helper == 0) {
    dup2(out.write, 2);  // the helper's stderr is the pipe, and the child's stdout is to be it
    SpawnRequest r;
    r.argv = {"/bin/sh", "-c", "echo via-two"};
    r.descriptors = {{1, 2}};
    int status = reap(spawn_child(r));
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 99);
  }
  int status = 0;
  EXPECT_EQ(output_of(helper, out, &status), "via-two\n");
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
}

TEST(ChildSpawn, GivesConnfuzzsEnvironmentLessWhatIsUnsetAndWithWhatIsSet) {
  setenv("CONNFUZZ_SPAWN_KEPT", "a", 1);
  setenv("CONNFUZZ_SPAWN_UNSET", "b", 1);
  setenv("CONNFUZZ_SPAWN_OVER", "c", 1);
  Pipe out;
  SpawnRequest r;
  r.argv = {"/usr/bin/env"};  // the environment as exec gave it, duplicates and all
  r.descriptors = {{1, out.write}};
  r.unset_environment = {"CONNFUZZ_SPAWN_UNSET"};
  r.set_environment = {"CONNFUZZ_SPAWN_OVER=d", "CONNFUZZ_SPAWN_NEW=e=f", "CONNFUZZ_SPAWN_TWICE=1",
                       "CONNFUZZ_SPAWN_TWICE=2"};
  std::string ours;
  std::istringstream lines(output_of(spawn_child(r), out));
  for (std::string line; std::getline(lines, line);)
    if (line.starts_with("CONNFUZZ_SPAWN_")) ours += line + "\n";
  // Ours in order, less the unset one, each set one once (the last of two settings).
  EXPECT_EQ(ours, "CONNFUZZ_SPAWN_KEPT=a\nCONNFUZZ_SPAWN_OVER=d\nCONNFUZZ_SPAWN_NEW=e=f\nCONNFUZZ_SPAWN_TWICE=2\n");
  EXPECT_STREQ(getenv("CONNFUZZ_SPAWN_OVER"), "c");  // ours is untouched
}

TEST(ChildSpawn, RunsInTheWorkingDirectoryItIsGiven) {
  fs::path dir = fs::temp_directory_path() / ("connfuzz-spawn-" + std::to_string(getpid()));
  fs::create_directory(dir);
  Pipe out;
  SpawnRequest r = shell("pwd -P", out.write);
  r.working_directory = dir.string();
  std::string said = output_of(spawn_child(r), out);
  EXPECT_EQ(said, fs::canonical(dir).string() + "\n");
  EXPECT_NE(fs::current_path(), fs::canonical(dir));
  fs::remove(dir);
}

TEST(ChildSpawn, SaysAtOnceWhyAProgramCannotStart) {
  SpawnRequest missing;
  missing.argv = {"/nonexistent/connfuzz-program"};
  try {
    spawn_child(missing);
    ADD_FAILURE() << "a missing program started";
  } catch (const UsageError& e) {
    EXPECT_STREQ(e.what(), "cannot execute /nonexistent/connfuzz-program: No such file or directory");
  }
  fs::path plain = fs::temp_directory_path() / ("connfuzz-spawn-plain-" + std::to_string(getpid()));
  std::ofstream(plain) << "not a program\n";
  chmod(plain.c_str(), 0644);
  SpawnRequest not_executable;
  not_executable.argv = {plain.string()};
  EXPECT_THROW(spawn_child(not_executable), UsageError);
  fs::remove(plain);
  SpawnRequest nowhere;
  nowhere.argv = {"/bin/true"};
  nowhere.working_directory = "/nonexistent/connfuzz-directory";
  EXPECT_THROW(spawn_child(nowhere), UsageError);
}

TEST(ChildSpawn, LeadsAProcessGroupOfItsOwn) {
  Pipe in, out;
  SpawnRequest r = shell("read line; echo done", out.write);
  r.descriptors.push_back({0, in.read});
  pid_t child = spawn_child(r);
  EXPECT_EQ(getpgid(child), child);
  EXPECT_NE(getpgid(child), getpgrp());
  in.close_write();
  EXPECT_EQ(output_of(child, out), "done\n");
}

void on_usr1(int) {}

// The mask in /proc/PID/status: bit n-1 for signal n.
bool has_signal(const std::string& status, const std::string& field, int sig) {
  std::size_t at = status.find(field + ":\t");
  if (at == std::string::npos) return false;
  unsigned long long mask = std::stoull(status.substr(at + field.size() + 2, 16), nullptr, 16);
  return (mask >> (sig - 1) & 1) != 0;
}

TEST(ChildSpawn, KeepsAnIgnoredSignalIgnoredAndBlocksNone) {
  struct sigaction ignore {}, handle {}, old_usr1 {}, old_usr2 {};
  ignore.sa_handler = SIG_IGN;
  handle.sa_handler = on_usr1;
  sigaction(SIGUSR2, &ignore, &old_usr2);
  sigaction(SIGUSR1, &handle, &old_usr1);
  Pipe out;
  pid_t child = spawn_child(shell("exec cat /proc/self/status", out.write));
  std::string status = output_of(child, out);
  sigaction(SIGUSR1, &old_usr1, nullptr);
  sigaction(SIGUSR2, &old_usr2, nullptr);
  EXPECT_TRUE(has_signal(status, "SigIgn", SIGUSR2)) << status;
  EXPECT_FALSE(has_signal(status, "SigIgn", SIGUSR1));
  EXPECT_FALSE(has_signal(status, "SigBlk", SIGUSR1));  // the spawn blocks every signal, for a moment
  EXPECT_FALSE(has_signal(status, "SigBlk", SIGTERM));
}

// A process that spawns `sleep 30` and ends; the sleeper's wait status, as its
// subreaper (this test) sees it, and whether it was still alive once its parent ended.
int sleeper_status_after_its_parent_ends(bool dies_with_parent, bool& alive_after) {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  Pipe pid_pipe;
  pid_t parent = fork();
  if (parent == 0) {
    SpawnRequest r;
    r.argv = {"/bin/sleep", "30"};
    r.dies_with_parent = dies_with_parent;
    pid_t sleeper = spawn_child(r);
    (void)!write(pid_pipe.write, &sleeper, sizeof(sleeper));
    _exit(0);
  }
  pid_t sleeper = -1;
  EXPECT_EQ(read(pid_pipe.read, &sleeper, sizeof(sleeper)), static_cast<ssize_t>(sizeof(sleeper)));
  reap(parent);
  // Reparented to us: either killed by then, or killed now.
  int status = 0;
  for (int i = 0; i < 100 && waitpid(sleeper, &status, WNOHANG) == 0; ++i) usleep(10'000);
  alive_after = kill(sleeper, 0) == 0 && waitpid(sleeper, &status, WNOHANG) == 0;
  if (alive_after) {
    kill(sleeper, SIGKILL);
    status = reap(sleeper);
  }
  prctl(PR_SET_CHILD_SUBREAPER, 0);
  return status;
}

TEST(ChildSpawn, DiesWithItsParentWhenAskedAndOnlyThen) {
  bool alive = true;
  int status = sleeper_status_after_its_parent_ends(true, alive);
  EXPECT_FALSE(alive);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << status;
  sleeper_status_after_its_parent_ends(false, alive);
  EXPECT_TRUE(alive);  // the one not asked to die lived on, until the test killed it
}

}  // namespace
