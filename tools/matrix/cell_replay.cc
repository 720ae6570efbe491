// Replays one matrix cell file on its program and prints the verdict.
#include "cell_replay.h"

#include <iostream>

#include "cell_file.h"
#include "preload_environment.h"
#include "replay_shared.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

// Enough of the event log and the program's output to see the finding, not a flood.
constexpr std::size_t kShownLogBytes = 64 * 1024;
constexpr std::size_t kShownOutputTail = 8192;

void print_cell_header(const std::string& path, const ProgramUnderTest& program, const MatrixCell& cell) {
  std::string command;
  for (const std::string& arg : program.argv) command += (command.empty() ? "" : " ") + arg;
  std::cout << "connfuzz repro: " << path << " (a matrix cell)\n  plan: " << cell.plan << "\n  program: " << command
            << "\n  backend: " << (program.seccomp ? "seccomp" : "preload")
            << (program.no_netns ? ", host network" : ", private network") << "\n\n";
}

int print_cell_verdict(const Judgement& judgement) {
  if (judgement.findings.empty()) {
    std::cout << "verdict: no finding - the cell is ok now"
              << (judgement.reach == Reach::fired ? "" : " (its fault never fired: the program took another path)") << "\n";
    return 0;
  }
  std::cout << "verdict: FINDING reproduces - " << judgement.verdict_text() << "\n";
  for (const Finding& f : judgement.findings) std::cout << "  " << verdict_name(f.verdict) << ": " << f.reason << "\n";
  return kExitFinding;
}

}  // namespace

int replay_cell(const std::string& path, const std::string& text) {
  CellFile file = parse_cell_file(path, text);
  ProgramUnderTest& program = file.program;
  program.unix_dirs = allowed_unix_dirs("repro", program.allow_unix);
  if (find_program(program.argv[0]).empty())
    throw UsageError("repro: " + path + ": cannot find program '" + program.argv[0] + "'");
  CellRunner runner(program, "repro");
  MatrixCell cell = cell_for_plan(file.plan);
  print_cell_header(path, program, cell);
  CleanResult clean = runner.run_clean();
  RunRequest request = runner.request(cell.plan, "cell", CellRunner::budget_for(clean.clean));
  request.core_files = true;  // one run the user asked for: their core limit holds
  RunResult result = run_supervised(request);
  std::string output = runner.output(request);
  CellRun run = runner.collect(request, result);
  Judgement judgement = judge(&cell, clean.clean, run);
  std::cout << "calls:\n";
  print_output(run.log.substr(0, kShownLogBytes), "    ");
  std::cout << "output:\n";
  print_output(output.size() > kShownOutputTail ? output.substr(output.size() - kShownOutputTail) : output, "    ");
  std::cout << "exit status " << result.exit_status << (result.timed_out ? " (timed out)" : "") << "\n\n";
  return print_cell_verdict(judgement);
}

}  // namespace connfuzz::tools
