// Makes each matrix run's request and working files, runs the fault-free run, collects each run's log.
#include "matrix_runner.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "usage_error.h"
#include "file_contents.h"
#include "preload_environment.h"

namespace connfuzz::tools {
namespace fs = std::filesystem;

std::string ProgramUnderTest::run_options() const {
  std::string options = std::string(no_netns ? "--no-netns " : "") + (seccomp ? "--backend seccomp " : "");
  for (const std::string& dir : allow_unix) options += "--allow-unix " + dir + " ";
  return options;
}

CellRunner::CellRunner(ProgramUnderTest program, const std::string& command)
    : program_(std::move(program)), command_(command) {
  if (program_.seccomp && program_.no_netns)
    throw UsageError(command_ + ": --backend seccomp needs the private network namespace (its guard checks connect "
                                "only); drop --no-netns, or use the preload backend");
  if (!program_.seccomp) preload_ = preload_library(command_);
  char pattern[] = "/tmp/connfuzz-matrix-XXXXXX";
  if (mkdtemp(pattern) == nullptr) throw UsageError(command_ + ": cannot make a working directory in /tmp");
  work_dir_ = pattern;
}

CellRunner::~CellRunner() {
  std::error_code ec;
  fs::remove_all(work_dir_, ec);
}

RunRequest CellRunner::request(const std::string& plan, const std::string& name, std::uint32_t call_budget) const {
  RunRequest request;
  request.argv = program_.argv;
  request.timeout_seconds = program_.timeout;
  request.private_network = !program_.no_netns;
  request.log_path = work_dir_ + "/" + name + ".log";
  request.output_path = work_dir_ + "/" + name + ".out";
  // A cell's crash is its outcome, read off its exit: a core file per crashing cell would
  // land in the program's directory (the user's) and cost more than the cell.
  request.core_files = false;
  if (program_.seccomp)
    request.seccomp = SeccompSettings{plan, program_.unix_dirs, request.log_path, call_budget};
  else
    request.environment = preload_environment({preload_, plan, program_.unix_dirs, request.log_path, call_budget});
  return request;
}

CellRun CellRunner::collect(const RunRequest& request, const RunResult& result) const {
  CellRun run{result.exit_status, result.signal, result.timed_out, file_contents(request.log_path)};
  std::error_code ec;
  fs::remove(request.log_path, ec);
  return run;
}

std::string CellRunner::output(const RunRequest& request) const { return file_contents(request.output_path); }

std::uint32_t CellRunner::budget_for(const CleanRun& clean) {
  return static_cast<std::uint32_t>(std::min<std::size_t>(UINT32_MAX, fuzz::call_budget(clean.events)));
}

// A connect the kernel refused in connfuzz's own network namespace, where a server the
// user started outside cannot be reached: say so, and how to run beside it.
std::string CellRunner::refused_in_private_network(std::string_view log) const {
  if (program_.no_netns) return "";
  for (const inject::EventLine& e : read_events(log)) {
    bool refused = e.err == ECONNREFUSED && e.mark == inject::LineMark::none &&
                   ((e.call == inject::Call::connect && e.failed()) || e.pending_error());  // blocking, or non-blocking
    if (refused)
      return "\nits connect was refused inside connfuzz's private network namespace, where a server started outside "
             "cannot be reached: start the server from the program's command line, or run with --no-netns";
  }
  return "";
}

CleanResult CellRunner::run_clean() const {
  RunRequest request = this->request("", "clean", 0);
  CleanResult out;
  out.result = run_supervised(request);
  // The start of the output says why the program failed; the rest would bury the error.
  constexpr std::size_t kShownOutputBytes = 2000;
  std::string said = output(request).substr(0, kShownOutputBytes);
  out.run = collect(request, out.result);
  out.clean = learn_clean_run(out.run.log);
  out.clean.sees_waits = !program_.seccomp;  // the seccomp backend stops socket, connect and close only
  const RunResult& r = out.result;
  if (r.timed_out)
    throw UsageError(command_ + ": the program did not end within the timeout (" + std::to_string(program_.timeout) +
                     " s) without any fault; give it a longer --timeout, or a job that ends");
  if (r.signal == 0 && r.exit_status != 0)
    throw UsageError(command_ + ": the program exited " + std::to_string(r.exit_status) +
                     " without any fault, so a failure under a fault would say nothing; its output:\n" + said +
                     "(the program's side of the contract: exit 0 if and only if it connected and did its job)" +
                     refused_in_private_network(out.run.log));
  if (out.clean.sites.empty() && r.signal == 0) {
    std::string program = find_program(program_.argv.at(0));
    throw UsageError(command_ + ": the program made no call on a connect path that connfuzz could see" +
                     std::string(!program_.seccomp && is_static_elf(program)
                                     ? " (it is statically linked: the preload backend cannot reach it; try --backend seccomp)"
                                     : ""));
  }
  return out;
}

}  // namespace connfuzz::tools
