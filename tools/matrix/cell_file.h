// One matrix cell in a file of its own: the plan, the program and how it was run, so
// that `connfuzz repro FILE.cell` replays a finding on any program from one file.
//
//   # connfuzz matrix cell: socket-leak: fd 4 (socket#1): connect#1 failed ...
//   plan=connect@1=ECONNREFUSED
//   backend=preload            (or seccomp)
//   network=private            (or host: --no-netns)
//   timeout=10
//   allow-unix=DIR             (any number)
//   arg=build/dev/bin/example_client
//   arg=leak_on_refused
#pragma once

#include <string>
#include <string_view>

#include "matrix_report.h"
#include "matrix_runner.h"

namespace connfuzz::tools {

inline constexpr std::string_view kCellFileMark = "# connfuzz matrix cell";

struct CellFile {
  std::string plan;
  ProgramUnderTest program;  // unix_dirs not yet made canonical
};

bool is_cell_file(std::string_view text);
// UsageError naming the file, the line and what was wrong.
CellFile parse_cell_file(const std::string& path, std::string_view text);
std::string cell_file_text(const ProgramUnderTest& program, const CellResult& cell);
// Writes DIR/<verdict>-<plan>.cell atomically; returns its path.
std::string save_cell(const std::string& dir, const ProgramUnderTest& program, const CellResult& cell);

}  // namespace connfuzz::tools
