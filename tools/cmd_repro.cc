// `connfuzz repro FILE`: replays one input against its fuzz target (or a matrix cell
// against its program) and says what it found.
#include <iostream>
#include <memory>
#include <optional>
#include <utility>

#include "cell_replay.h"
#include "cell_file.h"
#include "commands.h"
#include "finding_file.h"
#include "fuzzer_process.h"
#include "replay_shared.h"
#include "scenario.h"

namespace connfuzz::tools {
namespace {

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

// The input on its own fuzzer, or on the first other one that finds something when the
// fuzzer was only guessed from the bytes.
FuzzerRun replay_input(FindingFile& input, const TargetOptions& options, const std::string& path, std::string& binary) {
  input = read_input_for(path, options, binary);
  FuzzerRun run = run_fuzzer(binary, input.bytes, options.timeout);
  if (input.guessed && !run.finding()) {
    if (auto other = reproducing_fuzzer(input, options.fuzzers, options.timeout)) {
      input.fuzzer_reason = "trying each fuzzer: the bytes alone decode to a " + input.fuzzer +
                            " mode, which finds nothing (name the fuzzer with --target " + other->first + ")";
      input.fuzzer = other->first;
      binary = fuzzer_binary(input.fuzzer, options.fuzzers);
      run = std::move(other->second);
    }
  }
  return run;
}

int print_verdict(const FindingFile& input, const FuzzerRun& run) {
  if (!run.finding()) {
    std::cout << "verdict: no finding - the target handled this scenario (exit status " << run.exit_status << ")\n";
    return 0;
  }
  const std::string& known = run.documented_as;
  std::cout << "verdict: FINDING reproduces - " << run.signature << "\n  " << run.summary << "\n";
  if (!known.empty()) std::cout << "  documented in docs/FINDINGS.md as " << known << "\n";
  else if (input.fuzzer.starts_with("example_")) std::cout << "  the deliberate bug of targets/examples/" << input.fuzzer.substr(8) << ".cc\n";
  else std::cout << "  not documented: a new finding (docs/FINDINGS.md says how to record one)\n";
  return kExitFinding;
}

int repro(const std::string& file, const TargetOptions& options) {
  if (std::string text = read_user_file(file); is_cell_file(text)) return replay_cell(file, text);
  FindingFile input;
  std::string binary;
  FuzzerRun run = replay_input(input, options, file, binary);
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
  return print_verdict(input, run);
}

}  // namespace

void add_repro_command(CLI::App& app, int& status) {
  auto* repro_cmd = app.add_subcommand("repro", "Replay a crash, artifact or corpus file and say what it finds");
  auto file = std::make_shared<std::string>();
  auto options = std::make_shared<TargetOptions>();
  repro_cmd->add_option("file", *file,
                        "A libFuzzer artifact, an AFL++ crashes/ file, a corpus file, a FILE.txt scenario or a matrix FILE.cell")
      ->required();
  add_target_options(repro_cmd, *options);
  repro_cmd->callback([file, options, &status] { status = repro(*file, *options); });
}

}  // namespace connfuzz::tools
