// `connfuzz matrix`: a fault-free run to learn the program's connect path, then one run
// per (call, index, errno) cell it could meet, in parallel, each judged from its log.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "atomic_file.h"
#include "cell_file.h"
#include "commands.h"
#include "cpu_count.h"
#include "matrix.h"
#include "matrix_report.h"
#include "matrix_runner.h"
#include "preload_environment.h"
#include "program_pool.h"
#include "progress_line.h"
#include "supervisor.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

struct MatrixOptions {
  std::vector<std::string> calls;
  std::vector<std::string> errnos;
  std::vector<std::string> actions;
  bool all = false;
  unsigned long max_index = 4;
  int jobs = 0;
  double timeout = 10;
  std::string mode = "realistic";
  std::vector<std::string> allow_unix;
  bool no_netns = false;
  std::string backend = "preload";
  std::string format;
  std::string out;
  std::string save;
  std::vector<std::string> command;
};

// "connect,poll" and repeated options alike.
std::vector<std::string> split_list(const std::vector<std::string>& values) {
  std::vector<std::string> items;
  for (const std::string& value : values) {
    std::stringstream in(value);
    for (std::string item; std::getline(in, item, ',');)
      if (!item.empty()) items.push_back(item);
  }
  return items;
}

CellFilter checked_filter(const MatrixOptions& o) {
  CellFilter filter;
  for (const std::string& name : split_list(o.actions)) {
    const inject::ActionInfo* action = inject::find_action(name);
    if (action == nullptr) {
      std::string known;
      for (const inject::ActionInfo& a : inject::action_rows()) known += (known.empty() ? "" : ", ") + std::string(a.name);
      throw UsageError("matrix: --actions: unknown action '" + name + "'; the actions are: " + known);
    }
    if (o.backend == "seccomp")
      throw UsageError("matrix: --actions needs the preload backend (the seccomp backend answers with errnos only)");
    if (std::find(filter.actions.begin(), filter.actions.end(), action->action) == filter.actions.end())
      filter.actions.push_back(action->action);
  }
  filter.any_mode = o.mode == "any";
  filter.max_index = o.max_index;
  for (const std::string& name : split_list(o.calls)) {
    auto call = inject::call_from_name(name);
    if (!call) {
      std::string known;
      for (int c = 0; c < inject::kCallCount; ++c)
        known += (known.empty() ? "" : ", ") + std::string(inject::call_name(static_cast<inject::Call>(c)));
      throw UsageError("matrix: --calls: unknown call '" + name + "'; the calls are: " + known);
    }
    filter.calls.push_back(*call);
  }
  for (const std::string& text : split_list(o.errnos)) {
    auto err = inject::errno_from_text(text);
    if (!err) throw UsageError("matrix: --errnos: '" + text + "' is no errno this platform defines");
    bool documented = false;
    for (const inject::ErrnoRow& row : inject::errno_rows()) documented |= row.err == *err;
    if (!documented) throw UsageError("matrix: --errnos: " + text + " is documented for none of the calls (see connfuzz errnos)");
    filter.errnos.push_back(*err);
  }
  return filter;
}

// What the options come to once checked, before the program runs.
struct MatrixSetup {
  int jobs = 0;
  std::string format;
  CellFilter filter;
};

MatrixSetup checked_setup(const MatrixOptions& o) {
  if (o.command.empty()) throw UsageError("matrix: no program given; usage: connfuzz matrix [options] -- PROG ARGS...");
  if (!(o.timeout > 0) || o.timeout > 3600)
    throw UsageError("matrix: --timeout must be more than 0 and at most 3600 seconds, got " + std::to_string(o.timeout));
  MatrixSetup s;
  s.jobs = o.jobs > 0 ? o.jobs : usable_cpus();
  if (o.jobs < 0 || s.jobs > 256) throw UsageError("matrix: --jobs must be from 1 to 256, got " + std::to_string(o.jobs));
  if (o.max_index < 1 || o.max_index > 1000)
    throw UsageError("matrix: --max-index must be from 1 to 1000, got " + std::to_string(o.max_index));
  s.format = o.format;
  if (s.format.empty()) {
    std::string ext = fs::path(o.out).extension().string();
    s.format = ext == ".md" ? "md" : ext == ".json" ? "json" : ext == ".html" ? "html" : "text";
  }
  s.filter = checked_filter(o);
  if (find_program(o.command[0]).empty())
    throw UsageError("matrix: cannot find program '" + o.command[0] + "' (not in PATH or not executable)");
  return s;
}

// Runs every cell, judging each against the fault-free run; false when interrupted.
bool run_cells(CellRunner& runner, const CleanRun& clean, const std::vector<MatrixCell>& cells, int jobs,
               MatrixReport& report) {
  std::uint32_t budget = CellRunner::budget_for(clean);
  std::vector<RunRequest> requests;
  for (std::size_t i = 0; i < cells.size(); ++i)
    requests.push_back(runner.request(cells[i].plan, "cell" + std::to_string(i), budget));
  std::fprintf(stderr, "connfuzz: matrix: the fault-free run made %zu calls at %zu sites; %zu cells on %d jobs\n",
               clean.events, clean.sites.size(), cells.size(), jobs);

  report.cells.resize(cells.size());
  ProgressLine progress("connfuzz: matrix: ", cells.size());
  return run_all(requests, jobs, [&](std::size_t i, const RunResult& result) {
    CellRun run = runner.collect(requests[i], result);
    report.cells[i] = {cells[i], judge(&cells[i], clean, run), result.exit_status};
    progress.step(!report.cells[i].judgement.ok());
  });
}

void save_cells(const std::string& dir, const ProgramUnderTest& program, const MatrixReport& report) {
  int saved = 0;
  for (const CellResult& c : report.cells)
    if (!c.judgement.ok()) save_cell(dir, program, c), ++saved;
  std::fprintf(stderr, "connfuzz: matrix: %d cell files in %s (connfuzz repro FILE replays one)\n", saved, dir.c_str());
}

void write_report(const MatrixOptions& o, const std::string& format, const MatrixReport& report,
                  std::optional<AtomicFile>& out) {
  std::string text = format_matrix(report, format);
  if (out) {
    out->write(text);
    out->commit();
    std::fprintf(stderr, "connfuzz: matrix: %d not ok; report in %s\n", report.not_ok(), o.out.c_str());
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
}

// The exit status of a matrix stopped by SIGINT, as a shell reports one.
constexpr int kExitInterrupted = 130;

int matrix(const MatrixOptions& o) {
  MatrixSetup s = checked_setup(o);
  ProgramUnderTest program{o.command, o.timeout, o.no_netns, o.backend == "seccomp",
                           allowed_unix_dirs("matrix", o.allow_unix), o.allow_unix};
  CellRunner runner(program, "matrix");
  std::optional<AtomicFile> out;
  if (!o.out.empty()) out.emplace(o.out);  // an unwritable --out is known before any run
  if (!o.save.empty()) {
    std::error_code ec;
    fs::create_directories(o.save, ec);
    if (!fs::is_directory(o.save, ec)) throw UsageError("matrix: --save '" + o.save + "' is not a directory we can make");
  }

  MatrixReport report;
  report.command = o.command;
  report.run_options = program.run_options();

  // The fault-free run: what the program does, and whether it works at all.
  CleanResult clean_run = runner.run_clean();
  const CleanRun& clean = clean_run.clean;
  report.clean = judge(nullptr, clean, clean_run.run);
  report.clean_exit_status = clean_run.result.exit_status;

  std::vector<MatrixCell> cells = clean_run.result.signal ? std::vector<MatrixCell>{} : plan_cells(clean, s.filter);
  if (!run_cells(runner, clean, cells, s.jobs, report)) {
    std::fprintf(stderr, "connfuzz: matrix: interrupted; no report written\n");
    return kExitInterrupted;
  }
  if (!o.save.empty()) save_cells(o.save, program, report);
  write_report(o, s.format, report, out);
  return report.not_ok() > 0 ? 1 : 0;
}

}  // namespace

void add_matrix_command(CLI::App& app, int& status, const std::vector<std::string>& program_words) {
  auto o = std::make_shared<MatrixOptions>();
  auto* cmd = app.add_subcommand("matrix", "Run a program once per documented failure it could meet; a verdict per cell");
  cmd->add_option("--calls", o->calls, "Only these calls (comma-separated names, as in connfuzz errnos)");
  auto* errnos = cmd->add_option("--errnos", o->errnos, "Only these errnos (comma-separated names or numbers)");
  cmd->add_flag("--all", o->all, "Every documented errno of each call (the default)")->excludes(errnos);
  cmd->add_option("--actions", o->actions,
                  "Also cells that act inside connect (comma-separated): signal (a real SIGALRM), delay (slow networks, "
                  "interrupted waits), cancel (pthread_cancel of a worker thread)");
  cmd->add_option("--max-index", o->max_index, "Faults at call indexes up to this (default 4)");
  cmd->add_option("--jobs", o->jobs, "Cells run at once (default: the number of CPUs)");
  cmd->add_option("--timeout", o->timeout, "Seconds before a cell counts as a hang (default 10)");
  cmd->add_option("--mode", o->mode, "realistic (default): errnos the kernel could return in that state; any: all")
      ->check(CLI::IsMember({"realistic", "any"}));
  cmd->add_option("--allow-unix", o->allow_unix, "Also allow AF_UNIX connects below this directory");
  cmd->add_flag("--no-netns", o->no_netns, "Run the program in connfuzz's network namespace (to reach a local server)");
  cmd->add_option("--backend", o->backend, "preload (default): LD_PRELOAD; seccomp: a seccomp filter (static binaries too)")
      ->check(CLI::IsMember({"preload", "seccomp"}));
  cmd->add_option("--format", o->format, "text, md, json or html (default: from --out's extension, else text)")
      ->check(CLI::IsMember({"text", "md", "json", "html"}));
  cmd->add_option("--out", o->out, "Write the report here (atomically) instead of standard output");
  cmd->add_option("--save", o->save, "Write one FILE.cell per cell that is not ok here; connfuzz repro FILE.cell replays it");
  cmd->add_option("command", o->command, "-- PROG ARGS...");
  cmd->callback([o, &status, &program_words] {
    o->command.insert(o->command.end(), program_words.begin(), program_words.end());
    status = matrix(*o);
  });
}

}  // namespace connfuzz::tools
