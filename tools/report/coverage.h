// Errno coverage, target by target: every input of the corpus (and every documented or
// found finding) replayed on its fuzzer, and every row of the errno table marked with
// what the inputs that reached it did there.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace connfuzz::tools {

struct CoverageOptions {
  std::vector<std::string> corpus_dirs;    // each holds <fuzzer>/ directories
  std::vector<std::string> finding_files;  // docs/findings/*.txt, crash files, ...
  std::vector<std::string> sweep_files;    // connfuzz sweep's JSON reports: their cells count as inputs
  std::string fuzzers_dir;                 // where the *_fuzzer binaries are ("": beside connfuzz)
  std::string fuzzer;                      // --fuzzer BIN: that fuzzer alone (a user's too); its corpus is
                                           // each corpus dir's <family>/ when there is one, else the dir
  bool with_examples = false;              // also the buggy examples' fuzzers and modes
  double timeout_seconds = 30;
  bool progress = true;                    // a line on stderr per fuzzer
};

enum class Outcome { untested, handled, documented, found };  // worst last

struct InputResult {
  std::string file;
  std::string fuzzer;
  std::string target;      // the mode it ran: "posix_nonblocking"
  Outcome outcome = Outcome::handled;
  std::string signature;   // the finding: "connfuzz: false-success", "AddressSanitizer: ..."
  std::string summary;
  std::string documented_as;
  std::string location_file;  // the finding in the target's own code (finding_location.h); "" unknown
  int location_line = 0;
  std::vector<std::size_t> injected_rows;  // rows of the table a fault of the plan fired on
  std::vector<std::size_t> real_rows;      // rows the kernel (or the guard) answered with
};

struct Cell {
  Outcome outcome = Outcome::untested;
  int injected = 0;                  // inputs that injected this row
  int real = 0;                      // inputs where the kernel returned it
  std::vector<std::size_t> findings;  // indexes into Coverage::inputs
};

struct Coverage {
  std::vector<std::string> targets;        // the modes, in modes.def order
  std::vector<std::string> target_fuzzer;  // the fuzzer that runs each
  std::vector<InputResult> inputs;
  std::vector<std::vector<Cell>> cells;    // [target][row of inject::errno_rows()]
};

// Replays every input; throws UsageError for a missing directory or fuzzer binary.
Coverage collect_coverage(const CoverageOptions& options);

// Fills Coverage::cells from Coverage::inputs (collect_coverage calls it; tests too).
void tally(Coverage& coverage);

// The rows a trace (the "calls:" lines a fuzzer prints) went through.
void read_trace_rows(const std::string& output, std::vector<std::size_t>& injected, std::vector<std::size_t>& real);

std::string_view outcome_name(Outcome outcome) noexcept;  // "untested", "handled", ...

}  // namespace connfuzz::tools
