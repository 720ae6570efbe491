// fork, exec, a pipe read until the target ends or its time is up.
#include "fuzzer_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string_view>

#include "child_spawn.h"
#include "environment.h"
#include "finding_file.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

// More than any trace of kCallBudget calls; a target that prints without end is cut.
constexpr std::size_t kMaxOutput = 8u << 20;

struct ScratchDirectory {
  std::string path;
  ScratchDirectory() {
    std::string pattern = "/tmp/connfuzz-repro-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
    path = pattern;
  }
  ~ScratchDirectory() {
    std::error_code ignored;
    fs::remove_all(path, ignored);
  }
};

// The first line holding `needle`; empty when there is none.
std::string_view line_with(std::string_view text, std::string_view needle) {
  std::size_t at = text.find(needle);
  if (at == std::string_view::npos) return {};
  std::size_t start = text.rfind('\n', at);
  start = start == std::string_view::npos ? 0 : start + 1;
  std::size_t end = text.find('\n', at);
  return text.substr(start, (end == std::string_view::npos ? text.size() : end) - start);
}

// "ERROR: AddressSanitizer: heap-use-after-free on ..." -> "AddressSanitizer: heap-use-after-free"
std::string first_two_words(std::string_view text) {
  std::size_t colon = text.find(": ");
  if (colon == std::string_view::npos) return std::string(text);
  std::size_t end = text.find_first_of(" \n", colon + 2);
  return std::string(text.substr(0, end == std::string_view::npos ? text.size() : end));
}

// The finding itself: signature, summary, and the documented name when the target said it.
void read_signature(FuzzerRun& run) {
  std::string_view out = run.output;
  run.signature.clear();
  run.summary.clear();
  run.documented_as.clear();
  if (std::string_view error = line_with(out, "ERROR: connfuzz: "); !error.empty()) {
    std::string_view rest = error.substr(error.find("ERROR: connfuzz: ") + 17);
    run.signature = "connfuzz: " + std::string(rest.substr(0, rest.find(':')));
    std::string_view summary = line_with(out, "SUMMARY: connfuzz: ");
    run.summary = std::string(summary.empty() ? error : summary);
    if (std::size_t at = error.rfind("(documented: "); at != std::string_view::npos) {
      std::string_view name = error.substr(at + 13);
      run.documented_as = std::string(name.substr(0, name.find(')')));
    }
    return;
  }
  // A leak's SUMMARY line counts bytes, which differ from run to run: its ERROR line names it.
  if (std::string_view leak = line_with(out, "ERROR: LeakSanitizer: "); !leak.empty()) {
    std::string_view summary = line_with(out, "SUMMARY: AddressSanitizer: ");
    run.summary = std::string(summary.empty() ? leak : summary);
    run.signature = "LeakSanitizer: detected memory leaks";
    return;
  }
  // Sanitizers: the report's own SUMMARY line names the kind of error.
  for (std::string_view tool : {"AddressSanitizer", "UndefinedBehaviorSanitizer", "LeakSanitizer",
                                "MemorySanitizer", "ThreadSanitizer"}) {
    std::string needle = "SUMMARY: " + std::string(tool) + ": ";
    if (std::string_view summary = line_with(out, needle); !summary.empty()) {
      run.summary = std::string(summary);
      run.signature = first_two_words(summary.substr(summary.find(needle) + 9));
      return;
    }
  }
  if (std::string_view runtime = line_with(out, ": runtime error: "); !runtime.empty()) {
    run.summary = std::string(runtime);
    run.signature = "UndefinedBehaviorSanitizer: runtime error";
    return;
  }
  if (std::string_view thrown = line_with(out, "terminate called after throwing an instance of '"); !thrown.empty()) {
    std::string_view type = thrown.substr(thrown.find('\'') + 1);
    run.summary = std::string(thrown);
    run.signature = "uncaught exception " + std::string(type.substr(0, type.find('\'')));
    return;
  }
  if (std::string_view engine = line_with(out, "ERROR: libFuzzer: "); !engine.empty()) {
    run.summary = std::string(engine);
    run.signature = first_two_words(engine.substr(engine.find("libFuzzer: ")));
    return;
  }
  if (run.timed_out) {
    run.signature = "timeout";
    run.summary = "the target did not finish in time";
  } else if (run.exit_status != 0) {
    run.signature = "exit status " + std::to_string(run.exit_status);
    run.summary = "the target ended with " + run.signature + " and said nothing a finding says";
  }
}

}  // namespace

void read_finding(FuzzerRun& run) {
  read_signature(run);
  // A sanitizer report or a crash never names its FINDINGS.md section: the patterns do.
  if (run.finding() && run.documented_as.empty()) run.documented_as = documented_finding_in(run.output);
}

namespace {

void write_input(const std::string& path, const std::vector<std::uint8_t>& input) {
  std::ofstream file(path, std::ios::binary);
  file.write(reinterpret_cast<const char*>(input.data()), static_cast<std::streamsize>(input.size()));
  if (!file) throw std::runtime_error("cannot write " + path);
}

// The target runs in the scratch directory with its output on `out`; the return is its pid.
pid_t start_target(const std::string& binary, const std::string& input_path, const ScratchDirectory& scratch, int out[2]) {
  if (pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error(std::string("pipe2: ") + std::strerror(errno));
  SpawnRequest request;
  request.argv = {binary, input_path};
  // Every input explains itself; documented findings stop the run as new ones do.
  request.set_environment = {std::string(inject::env_name(inject::EnvVar::trace)) + "=1",
                             std::string(inject::env_name(inject::EnvVar::repro)) + "=1", "TMPDIR=" + scratch.path};
  request.descriptors = {{STDOUT_FILENO, out[1]}, {STDERR_FILENO, out[1]}};
  request.working_directory = scratch.path;
  pid_t child = -1;
  try {
    child = spawn_child(request);
  } catch (...) {
    close(out[0]);
    close(out[1]);
    throw;
  }
  close(out[1]);
  return child;
}

// A wait on the pipe wakes at least this often, so the deadline is checked.
constexpr long long kPollSliceMs = 1000;

// Reads the target's output until every writer is gone or the time is up; closes `fd`.
void read_output(int fd, double timeout_seconds, FuzzerRun& run) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_seconds);
  char buffer[16384];
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      run.timed_out = true;
      break;
    }
    pollfd p{fd, POLLIN, 0};
    int ready = poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), kPollSliceMs)));
    if (ready < 0 && errno != EINTR) break;
    if (ready <= 0) continue;
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // every writer is gone
    if (run.output.size() < kMaxOutput) run.output.append(buffer, static_cast<std::size_t>(n));
  }
  close(fd);
}

// The group: whatever the target started goes with it.
void stop_target(pid_t child, FuzzerRun& run) {
  kill(-child, SIGKILL);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  if (run.timed_out) run.exit_status = 124;
  else if (WIFEXITED(status)) run.exit_status = WEXITSTATUS(status);
  else if (WIFSIGNALED(status)) run.exit_status = 128 + WTERMSIG(status);
}

}  // namespace

FuzzerRun run_fuzzer(const std::string& binary, const std::vector<std::uint8_t>& input, double timeout_seconds) {
  ScratchDirectory scratch;
  std::string input_path = scratch.path + "/input";
  write_input(input_path, input);
  int out[2];
  pid_t child = start_target(binary, input_path, scratch, out);
  FuzzerRun run;
  read_output(out[0], timeout_seconds, run);
  stop_target(child, run);
  read_finding(run);
  return run;
}

}  // namespace connfuzz::tools
