// `connfuzz coverage --fuzzer BIN [--out DIR] INPUT...`: line coverage of the target's own
// code over a corpus, as OSS-Fuzz's coverage build shows it, next to the errno coverage
// that `connfuzz report` gives.
#include <unistd.h>

#include <filesystem>
#include <iostream>

#include "commands.h"
#include "source_coverage.h"

namespace connfuzz::tools {

void add_coverage_command(CLI::App& app, int& status) {
  auto* cmd = app.add_subcommand("coverage",
                                 "Line coverage of a fuzzer's target over a corpus (a build with clang's source-based "
                                 "coverage: cmake --preset coverage), as llvm-cov HTML and one line per file");
  auto fuzzer = std::make_shared<std::string>();
  auto out = std::make_shared<std::string>("coverage");
  auto inputs = std::make_shared<std::vector<std::string>>();
  cmd->add_option("--fuzzer", *fuzzer, "The fuzzer binary, built with -fprofile-instr-generate -fcoverage-mapping")->required();
  cmd->add_option("--out", *out, "Where the profiles, html/ and summary.txt go (default: ./coverage)");
  cmd->add_option("inputs", *inputs, "Corpus files or directories")->required();
  cmd->callback([fuzzer, out, inputs, &status] {
    if (access(fuzzer->c_str(), X_OK) != 0) throw UsageError("coverage: --fuzzer " + *fuzzer + ": no such program");
    for (const std::string& in : *inputs)
      if (!std::filesystem::exists(in)) throw UsageError("coverage: no such file or directory: " + in);
    SourceCoverage coverage = measure_source_coverage(*fuzzer, *inputs, *out);
    std::cout << "line coverage of the target's code (" << *out << "/html/index.html):\n" << coverage_summary(coverage)
              << "errno coverage of the same corpus: connfuzz report --fuzzers DIR\n";
    status = 0;
  });
}

}  // namespace connfuzz::tools
