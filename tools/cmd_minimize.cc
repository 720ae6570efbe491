// `connfuzz minimize FILE`: the smallest scenario on which the same finding fires.
#include <iostream>
#include <memory>

#include "atomic_file.h"
#include "commands.h"
#include "finding_file.h"
#include "fuzzer_process.h"
#include "minimizer.h"
#include "replay_shared.h"

namespace connfuzz::tools {
namespace {

struct MinimizeOptions {
  std::string file;
  std::string out;
  int max_runs = 500;
  TargetOptions target;
};

int minimize(const MinimizeOptions& o) {
  std::string binary;
  FindingFile input = read_input_for(o.file, o.target, binary);
  // The outputs exist (as temporary files) before the first replay: a place that cannot
  // be written is known at once.
  std::string target = o.out.empty() ? o.file + ".min" : o.out;
  if (target.ends_with(".txt")) target.resize(target.size() - 4);
  AtomicFile bytes_out(target);
  AtomicFile text_out(target + ".txt");
  FuzzerRun first = run_fuzzer(binary, input.bytes, o.target.timeout);
  if (!first.finding()) {
    std::cout << "connfuzz minimize: " << input.path << " finds nothing on the " << input.fuzzer
              << " fuzzer; nothing to minimize (connfuzz repro shows its run)\n";
    return 0;
  }
  std::cout << "connfuzz minimize: " << input.path << " on the " << input.fuzzer << " fuzzer: " << first.signature
            << "\n";

  Minimized best = minimize_finding(binary, input.fuzzer, input.bytes, first.signature, o.target.timeout, o.max_runs);
  const std::vector<std::uint8_t>& best_bytes = best.bytes;
  int runs = best.runs;
  bytes_out.write({reinterpret_cast<const char*>(best_bytes.data()), best_bytes.size()});
  bytes_out.commit();
  std::string text = minimized_text(input.fuzzer, first.signature, best_bytes);
  text_out.write(text);
  text_out.commit();
  std::cout << "  " << runs << " replays; " << input.bytes.size() << " -> " << best_bytes.size() << " bytes"
            << (best.stopped ? " (stopped at --max-runs)" : "") << "\n  wrote " << target << " and "
            << target << ".txt:\n";
  print_output(text);
  return kExitFinding;
}

}  // namespace

void add_minimize_command(CLI::App& app, int& status) {
  auto* minimize_cmd = app.add_subcommand("minimize", "Shrink a finding while the same finding still fires");
  auto o = std::make_shared<MinimizeOptions>();
  minimize_cmd->add_option("file", o->file, "The finding: a crash file or a FILE.txt scenario")->required();
  minimize_cmd->add_option("-o,--output", o->out, "Where the smallest input goes (default FILE.min); its text beside it as .txt");
  minimize_cmd->add_option("--max-runs", o->max_runs, "Stop after this many replays (default 500)")->check(positive("--max-runs"));
  add_target_options(minimize_cmd, o->target);
  minimize_cmd->callback([o, &status] { status = minimize(*o); });
}

}  // namespace connfuzz::tools
