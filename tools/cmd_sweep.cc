// `connfuzz sweep --fuzzer BIN`: every single fault and every fault pair at the calls a
// fuzz target makes, and the malformed addresses, run in-process; a verdict per cell.
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>

#include "atomic_file.h"
#include "commands.h"
#include "cpu_count.h"
#include "sweep.h"
#include "sweep_report.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

struct SweepCommand {
  SweepOptions sweep;
  std::string mode = "realistic";
  std::string save;
  std::string format;
  std::string out;
};

// The exit status of a sweep stopped by SIGINT, as a shell reports one.
constexpr int kExitInterrupted = 130;

std::string checked_format(const SweepCommand& c) {
  if (!c.format.empty()) return c.format;
  std::string ext = fs::path(c.out).extension().string();
  return ext == ".md" ? "md" : ext == ".json" ? "json" : ext == ".html" ? "html" : "text";
}

void check(SweepCommand& c) {
  if (c.sweep.depth != 1 && c.sweep.depth != 2)
    throw UsageError("sweep: --depth must be 1 or 2, got " + std::to_string(c.sweep.depth));
  if (c.sweep.jobs == 0) c.sweep.jobs = usable_cpus();
  if (c.sweep.jobs < 1 || c.sweep.jobs > 256)
    throw UsageError("sweep: --jobs must be from 1 to 256, got " + std::to_string(c.sweep.jobs));
  if (!(c.sweep.cell_timeout_seconds > 0) || c.sweep.cell_timeout_seconds > 3600)
    throw UsageError("sweep: --timeout must be more than 0 and at most 3600 seconds");
  c.sweep.any_mode = c.mode == "any";
}

// The report of a finished sweep, its summary line, and the command's exit status.
int report(const SweepCommand& c, std::optional<AtomicFile>& out, const SweepResult& result) {
  if (result.interrupted) {
    std::fprintf(stderr, "connfuzz: sweep: interrupted; no report written\n");
    return kExitInterrupted;
  }
  SavedFiles saved = c.save.empty() ? SavedFiles{} : save_findings(result, c.save);
  std::string text = format_sweep(result, saved, checked_format(c));
  if (out) {
    out->write(text);
    out->commit();
  } else {
    std::fwrite(text.data(), 1, text.size(), stdout);
  }
  SweepTally t = tally_sweep(result);
  std::string phases;
  for (const SweepResult::Phase& p : result.phases) {
    char line[128];
    std::snprintf(line, sizeof(line), "; %s: %zu in %.1f ms", p.name.c_str(), p.cells, p.seconds * 1e3);
    phases += line;
  }
  std::fprintf(stderr, "connfuzz: sweep: %zu cells in %.3f s (%.0f cells/s, %zu of %d workers, %zu restarted after a cell ended one, %zu crashes undone in place%s): "
               "%zu new findings, %zu documented%s%s\n",
               result.cells.size(), result.seconds, static_cast<double>(result.cells.size()) / std::max(result.seconds, 1e-9),
               result.workers, c.sweep.jobs, result.restarts, result.undone, phases.c_str(), t.new_findings, t.documented,
               saved.empty() ? "" : ("; " + std::to_string(saved.size()) + " files in ").c_str(),
               saved.empty() ? "" : c.save.c_str());
  return t.new_findings > 0 ? 1 : 0;
}

int sweep(SweepCommand& c) {
  check(c);
  std::optional<AtomicFile> out;
  if (!c.out.empty()) out.emplace(c.out);  // an unwritable --out is known before any run
  return run_sweep(c.sweep, [&](SweepResult& result) { return report(c, out, result); });
}

}  // namespace

void add_sweep_command(CLI::App& app, int& status) {
  auto c = std::make_shared<SweepCommand>();
  auto* cmd = app.add_subcommand("sweep", "Every single fault and fault pair at the calls a fuzz target makes, in-process; a verdict per cell");
  cmd->add_option("--fuzzer", c->sweep.fuzzer, "The fuzzer binary (any connfuzz fuzzer: libFuzzer, AFL++ or the replay driver)")
      ->required();
  cmd->add_option("--depth", c->sweep.depth, "1 (default): every single fault; 2: also every still-connecting fault with a later one");
  c->sweep.jobs = 0;  // check() makes it one per CPU connfuzz may run on
  cmd->add_option("--jobs", c->sweep.jobs, "Workers at once, at most (default: the number of CPUs)");
  cmd->add_option("--mode", c->mode, "realistic (default): faults the kernel could return in the socket's state; any: all")
      ->check(CLI::IsMember({"realistic", "any"}));
  cmd->add_option("--corpus", c->sweep.corpus, "Where the seeds are: a directory of <family>/ directories (default: the source tree's corpus/)");
  cmd->add_option("--timeout", c->sweep.cell_timeout_seconds, "Seconds of real time a cell may take before it is a hang (default 10)");
  cmd->add_option("--save", c->save, "Write one file per distinct finding here, in the fuzzer's input format (connfuzz repro takes it)");
  cmd->add_option("--format", c->format, "text, md, json or html (default: from --out's extension, else text)")
      ->check(CLI::IsMember({"text", "md", "json", "html"}));
  cmd->add_option("--out", c->out, "Write the report here (atomically) instead of standard output");
  cmd->callback([c, &status] { status = sweep(*c); });
}

}  // namespace connfuzz::tools
