// `connfuzz repro FILE`: replays one input against its fuzz target (or a matrix cell
// against its program) and says what it found. `connfuzz minimize FILE`: the smallest scenario on which the same finding fires.
#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "atomic_file.h"
#include "cell_file.h"
#include "preload_environment.h"
#include "commands.h"
#include "finding_file.h"
#include "fuzzer_process.h"
#include "minimizer.h"
#include "scenario.h"
#include "text_lines.h"

namespace connfuzz::tools {
namespace {

constexpr int kExitFinding = 1;

struct TargetOptions {
  std::string target;
  std::string fuzzers;
  double timeout = 60;
};

void add_target_options(CLI::App* command, TargetOptions& options) {
  command->add_option("--target", options.target, "The fuzzer to replay on (posix, asio, example_eagain_spin, ...)");
  command->add_option("--fuzzers", options.fuzzers,
                      "Directory of the *_fuzzer binaries (default: $CONNFUZZ_FUZZER_DIR, else beside connfuzz)");
  command->add_option("--timeout", options.timeout, "Seconds before a run counts as a hang (default 60)")
      ->check(positive("--timeout"));
}

// The engine's own chatter says nothing about the finding.
bool engine_chatter(std::string_view line) {
  for (std::string_view prefix : {"INFO: ", "Running: ", "Executed ", "MS: ", "Base64: ", "artifact_prefix=",
                                  "Test unit written", "connfuzz replay: "})
    if (line.starts_with(prefix)) return true;
  return line.find("Running 1 inputs") != std::string_view::npos ||
         line.find("Reading 1 input") != std::string_view::npos;
}

// The target's output, indented under connfuzz's own lines, without the engine's chatter.
void print_output(std::string_view output, std::string_view indent = "  ") {
  for_each_line(output, [&](std::string_view line) {
    if (!engine_chatter(line)) std::cout << indent << line << "\n";
    return true;
  });
}

// A matrix cell: the program without a fault, then under the cell's plan, judged as
// the matrix judges it.
int replay_cell(const std::string& path, const std::string& text) {
  CellFile file = parse_cell_file(path, text);
  ProgramUnderTest& program = file.program;
  program.unix_dirs = allowed_unix_dirs("repro", program.allow_unix);
  if (find_program(program.argv[0]).empty())
    throw UsageError("repro: " + path + ": cannot find program '" + program.argv[0] + "'");
  CellRunner runner(program, "repro");
  MatrixCell cell = cell_for_plan(file.plan);
  std::string command;
  for (const std::string& arg : program.argv) command += (command.empty() ? "" : " ") + arg;
  std::cout << "connfuzz repro: " << path << " (a matrix cell)\n  plan: " << cell.plan << "\n  program: " << command
            << "\n  backend: " << (program.seccomp ? "seccomp" : "preload")
            << (program.no_netns ? ", host network" : ", private network") << "\n\n";
  CleanResult clean = runner.run_clean();
  RunRequest request = runner.request(cell.plan, "cell", CellRunner::budget_for(clean.clean));
  RunResult result = run_supervised(request);
  std::string output = runner.output(request);
  CellRun run = runner.collect(request, result);
  Judgement judgement = judge(&cell, clean.clean, run);
  std::cout << "calls:\n";
  print_output(run.log.substr(0, 64 * 1024), "    ");
  std::cout << "output:\n";
  print_output(output.size() > 8192 ? output.substr(output.size() - 8192) : output, "    ");
  std::cout << "exit status " << result.exit_status << (result.timed_out ? " (timed out)" : "") << "\n\n";
  if (judgement.findings.empty()) {
    std::cout << "verdict: no finding - the cell is ok now"
              << (judgement.reach == Reach::fired ? "" : " (its fault never fired: the program took another path)") << "\n";
    return 0;
  }
  std::cout << "verdict: FINDING reproduces - " << judgement.verdict_text() << "\n";
  for (const Finding& f : judgement.findings) std::cout << "  " << verdict_name(f.verdict) << ": " << f.reason << "\n";
  return kExitFinding;
}

// A fuzzer maps the mode the bytes decode to onto its own modes, so a libFuzzer
// artifact kept outside a directory named after its fuzzer may mean another mode on
// another fuzzer: the first built fuzzer on which the input finds something.
std::optional<std::pair<std::string, FuzzerRun>> reproducing_fuzzer(const FindingFile& input, const std::string& dir,
                                                                    double timeout) {
  for (std::string_view family : fuzz::families()) {
    std::string name(family);
    if (name == input.fuzzer) continue;
    std::string binary;
    try {
      binary = fuzzer_binary(name, dir);
    } catch (const UsageError&) {
      continue;  // not built
    }
    FuzzerRun run = run_fuzzer(binary, input.bytes, timeout);
    if (run.finding()) return std::make_pair(name, std::move(run));
  }
  return std::nullopt;
}

}  // namespace

void add_repro_commands(CLI::App& app, int& status) {
  auto* repro = app.add_subcommand("repro", "Replay a crash, artifact or corpus file and say what it finds");
  auto file = std::make_shared<std::string>();
  auto options = std::make_shared<TargetOptions>();
  repro->add_option("file", *file,
                    "A libFuzzer artifact, an AFL++ crashes/ file, a corpus file, a FILE.txt scenario or a matrix FILE.cell")
      ->required();
  add_target_options(repro, *options);
  repro->callback([file, options, &status] {
    if (std::string text = read_user_file(*file); is_cell_file(text)) {
      status = replay_cell(*file, text);
      return;
    }
    FindingFile input = read_finding_file(*file, options->target);
    std::string binary = fuzzer_binary(input.fuzzer, options->fuzzers);
    FuzzerRun run = run_fuzzer(binary, input.bytes, options->timeout);
    if (input.guessed && !run.finding()) {
      if (auto other = reproducing_fuzzer(input, options->fuzzers, options->timeout)) {
        input.fuzzer_reason = "trying each fuzzer: the bytes alone decode to a " + input.fuzzer +
                              " mode, which finds nothing (name the fuzzer with --target " + other->first + ")";
        input.fuzzer = other->first;
        binary = fuzzer_binary(input.fuzzer, options->fuzzers);
        run = std::move(other->second);
      }
    }
    std::cout << "connfuzz repro: " << input.path << " (" << input.bytes.size() << " bytes"
              << (input.text ? ", encoded from text" : "") << ") on the " << input.fuzzer << " fuzzer, chosen by "
              << input.fuzzer_reason << "\n  " << binary << "\n\n";
    // A run that crashed inside the target never printed its scenario: say it here.
    if (run.output.find("scenario:\n") == std::string::npos) {
      print_output("scenario:");
      print_output(fuzz::to_text(fuzz::for_family(fuzz::decode(input.bytes), input.fuzzer)), "    ");
    }
    print_output(run.output);
    std::cout << "\n";
    if (!run.finding()) {
      std::cout << "verdict: no finding - the target handled this scenario (exit status " << run.exit_status << ")\n";
      status = 0;
      return;
    }
    const std::string& known = run.documented_as;
    std::cout << "verdict: FINDING reproduces - " << run.signature << "\n  " << run.summary << "\n";
    if (!known.empty()) std::cout << "  documented in docs/FINDINGS.md as " << known << "\n";
    else if (input.fuzzer.starts_with("example_")) std::cout << "  the deliberate bug of targets/examples/" << input.fuzzer.substr(8) << ".cc\n";
    else std::cout << "  not documented: a new finding (docs/FINDINGS.md says how to record one)\n";
    status = kExitFinding;
  });

  auto* minimize = app.add_subcommand("minimize", "Shrink a finding while the same finding still fires");
  auto min_file = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>();
  auto min_options = std::make_shared<TargetOptions>();
  auto max_runs = std::make_shared<int>(500);
  minimize->add_option("file", *min_file, "The finding: a crash file or a FILE.txt scenario")->required();
  minimize->add_option("-o,--output", *out, "Where the smallest input goes (default FILE.min); its text beside it as .txt");
  minimize->add_option("--max-runs", *max_runs, "Stop after this many replays (default 500)")->check(positive("--max-runs"));
  add_target_options(minimize, *min_options);
  minimize->callback([min_file, out, min_options, max_runs, &status] {
    FindingFile input = read_finding_file(*min_file, min_options->target);
    std::string binary = fuzzer_binary(input.fuzzer, min_options->fuzzers);
    // The outputs exist (as temporary files) before the first replay: a place that cannot
    // be written is known at once.
    std::string target = out->empty() ? *min_file + ".min" : *out;
    if (target.ends_with(".txt")) target.resize(target.size() - 4);
    AtomicFile bytes_out(target);
    AtomicFile text_out(target + ".txt");
    FuzzerRun first = run_fuzzer(binary, input.bytes, min_options->timeout);
    if (!first.finding()) {
      std::cout << "connfuzz minimize: " << input.path << " finds nothing on the " << input.fuzzer
                << " fuzzer; nothing to minimize (connfuzz repro shows its run)\n";
      status = 0;
      return;
    }
    std::cout << "connfuzz minimize: " << input.path << " on the " << input.fuzzer << " fuzzer: " << first.signature
              << "\n";

    Minimized best = minimize_finding(binary, input.fuzzer, input.bytes, first.signature, min_options->timeout, *max_runs);
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
    status = kExitFinding;
  });
}

}  // namespace connfuzz::tools
