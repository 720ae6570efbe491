// Replaying the inputs and reading their traces into the table's rows.
#include "coverage.h"
#include "fuzzer_identity.h"
#include "finding_location.h"

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "usage_error.h"
#include "errno_table.h"
#include "event_line.h"
#include "finding_file.h"
#include "fuzzer_process.h"
#include "scenario.h"
#include "sweep_coverage.h"
#include "text_lines.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

bool is_example(std::string_view fuzzer) { return fuzzer.starts_with("example_"); }

// A corpus directory's inputs: the binaries, and the texts that have no binary twin.
std::vector<std::string> corpus_files(const fs::path& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (!entry.is_regular_file()) continue;
    const fs::path& p = entry.path();
    if (p.extension() == ".txt" && fs::exists(fs::path(p).replace_extension(""))) continue;
    files.push_back(p.string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

// One trace line: "    4242 connect#1(3, {AF_INET, ...}, 16) = -1 EINTR (INJECTED connect@1=EINTR)".
void read_trace_line(std::string_view line, std::vector<std::size_t>& injected, std::vector<std::size_t>& real) {
  auto event = parse_event_line(line);
  const inject::ErrnoRow* row = event ? inject::row_of(*event) : nullptr;
  if (row == nullptr) return;
  auto index = static_cast<std::size_t>(row - inject::errno_rows().data());
  auto& into = event->mark == LineMark::injected ? injected : real;
  if (std::find(into.begin(), into.end(), index) == into.end()) into.push_back(index);
}

InputResult replay(const FindingFile& input, const std::string& binary, double timeout_seconds) {
  InputResult result;
  result.file = input.path;
  result.fuzzer = input.fuzzer;
  result.target = std::string(fuzz::mode_name(fuzz::for_family(fuzz::decode(input.bytes), input.fuzzer).mode));
  FuzzerRun run = run_fuzzer(binary, input.bytes, timeout_seconds);
  read_trace_rows(run.output, result.injected_rows, result.real_rows);
  if (run.finding()) {
    result.signature = run.signature;
    result.summary = run.summary;
    if (auto at = finding_location(run.output)) {
      result.location_file = at->file;
      result.location_line = at->line;
    }
    result.documented_as = run.documented_as;
    result.outcome = result.documented_as.empty() ? Outcome::found : Outcome::documented;
  }
  return result;
}

}  // namespace

std::string_view outcome_name(Outcome outcome) noexcept {
  switch (outcome) {
    case Outcome::untested: return "untested";
    case Outcome::handled: return "handled";
    case Outcome::documented: return "documented";
    case Outcome::found: return "finding";
  }
  return "?";
}

void read_trace_rows(const std::string& output, std::vector<std::size_t>& injected, std::vector<std::size_t>& real) {
  for_each_line(output, [&](std::string_view line) {
    read_trace_line(line, injected, real);
    return true;
  });
}

void tally(Coverage& coverage) {
  const std::size_t rows = inject::errno_rows().size();
  coverage.cells.assign(coverage.targets.size(), std::vector<Cell>(rows));
  for (std::size_t i = 0; i < coverage.inputs.size(); ++i) {
    const InputResult& input = coverage.inputs[i];
    auto t = std::find(coverage.targets.begin(), coverage.targets.end(), input.target);
    if (t == coverage.targets.end()) continue;
    auto& cells = coverage.cells[static_cast<std::size_t>(t - coverage.targets.begin())];
    auto mark = [&](std::size_t row, int Cell::*count) {
      Cell& cell = cells[row];
      ++(cell.*count);
      cell.outcome = std::max(cell.outcome, input.outcome);
      if (input.outcome >= Outcome::documented) cell.findings.push_back(i);
    };
    for (std::size_t row : input.injected_rows) mark(row, &Cell::injected);
    for (std::size_t row : input.real_rows)
      if (std::find(input.injected_rows.begin(), input.injected_rows.end(), row) == input.injected_rows.end())
        mark(row, &Cell::real);
  }
}

// The fuzzers a report covers: connfuzz's own, or the one --fuzzer names (asked who it is).
std::vector<std::string> fuzzers_to_cover(const CoverageOptions& options) {
  std::vector<std::string> fuzzers;
  if (!options.fuzzer.empty()) {
    FuzzerIdentity id = identify_fuzzer(options.fuzzer);
    if (!id.own_targets.empty()) fuzz::set_user_modes(id.family, id.own_targets);
    return {id.family};
  }
  for (std::string_view family : fuzz::families())
    if (options.with_examples || !is_example(family)) fuzzers.emplace_back(family);
  return fuzzers;
}

// A --fuzzer's corpus is DIR/<family>/ when there is one, else DIR itself.
fs::path corpus_of(const CoverageOptions& options, const std::string& dir, const std::string& fuzzer) {
  fs::path own = fs::path(dir) / fuzzer;
  return options.fuzzer.empty() || fs::is_directory(own) ? own : fs::path(dir);
}

Coverage collect_coverage(const CoverageOptions& options) {
  Coverage coverage;
  std::vector<std::string> fuzzers = fuzzers_to_cover(options);
  for (const std::string& fuzzer : fuzzers)
    for (fuzz::Mode mode : fuzz::family_modes(fuzzer)) {
      coverage.targets.emplace_back(fuzz::mode_name(mode));
      coverage.target_fuzzer.emplace_back(fuzzer);
    }
  for (const std::string& dir : options.corpus_dirs)
    if (!fs::is_directory(dir)) throw UsageError("report: no corpus directory " + dir);
  auto binary_of = [&](const std::string& fuzzer) {
    return options.fuzzer.empty() ? fuzzer_binary(fuzzer, options.fuzzers_dir) : fs::absolute(options.fuzzer).string();
  };

  for (const std::string& fuzzer : fuzzers) {
    std::size_t before = coverage.inputs.size();
    std::string binary;  // looked up once the fuzzer has an input: a fuzzer without any may be unbuilt
    for (const std::string& dir : options.corpus_dirs) {
      for (const std::string& file : corpus_files(corpus_of(options, dir, fuzzer))) {
        if (binary.empty()) binary = binary_of(fuzzer);
        FindingFile input = options.fuzzer.empty() ? read_finding_file(file, fuzzer) : read_finding_file(file, "");
        input.fuzzer = fuzzer;
        coverage.inputs.push_back(replay(input, binary, options.timeout_seconds));
      }
    }
    if (options.progress)
      std::cerr << "connfuzz report: " << fuzzer << ": " << coverage.inputs.size() - before << " corpus inputs replayed\n";
  }
  for (const std::string& file : options.finding_files) {
    FindingFile input = read_finding_file(file, "");
    if (!options.fuzzer.empty()) input.fuzzer = fuzzers.front();
    if (!options.with_examples && is_example(input.fuzzer)) continue;
    coverage.inputs.push_back(replay(input, binary_of(input.fuzzer), options.timeout_seconds));
  }
  if (options.progress)
    std::cerr << "connfuzz report: " << options.finding_files.size() << " finding files replayed\n";
  for (const std::string& file : options.sweep_files) add_sweep_inputs(file, options.with_examples, coverage.inputs);
  tally(coverage);
  return coverage;
}

}  // namespace connfuzz::tools
