// One program under the matrix: how each of its runs is made (backend, network,
// timeout, a log and an output file in a working directory of its own), and the
// fault-free run every verdict is measured against. `matrix` and `repro FILE.cell`
// both run programs through it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "matrix.h"
#include "supervisor.h"

namespace connfuzz::tools {

struct ProgramUnderTest {
  std::vector<std::string> argv;
  double timeout = 10;
  bool no_netns = false;
  bool seccomp = false;
  std::vector<std::string> unix_dirs;  // as allowed_unix_dirs gives them
  std::vector<std::string> allow_unix;  // as the user gave them (for the repro line)

  std::string run_options() const;  // what `connfuzz run` needs besides --plan: "--no-netns "
};

struct CleanResult {
  RunResult result;
  CellRun run;
  CleanRun clean;
};

class CellRunner {
 public:
  // `command`: "matrix" or "repro", for messages. Makes the working directory.
  CellRunner(ProgramUnderTest program, const std::string& command);
  ~CellRunner();  // removes the working directory
  CellRunner(const CellRunner&) = delete;
  CellRunner& operator=(const CellRunner&) = delete;

  const ProgramUnderTest& program() const { return program_; }
  RunRequest request(const std::string& plan, const std::string& name, std::uint32_t call_budget) const;
  // Reads the run's log (and removes it and the output, which can be large).
  CellRun collect(const RunRequest& request, const RunResult& result) const;
  std::string output(const RunRequest& request) const;

  // Runs the program without a fault. UsageError when that run says nothing can be
  // learned from faults: it hung, failed, or made no call on a connect path.
  std::string refused_in_private_network(std::string_view log) const;
  CleanResult run_clean() const;
  // Generous enough for retries, small enough to stop a spin: 50x the clean run's calls.
  static std::uint32_t budget_for(const CleanRun& clean);

 private:
  ProgramUnderTest program_;
  std::string command_;
  std::string preload_;
  std::string work_dir_;
};

}  // namespace connfuzz::tools
