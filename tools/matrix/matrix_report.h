// The matrix's results and the four forms it is printed in.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "matrix.h"

namespace connfuzz::tools {

struct CellResult {
  MatrixCell cell;
  Judgement judgement;
  int exit_status = 0;
};

struct MatrixReport {
  std::vector<std::string> command;  // the program and its arguments
  std::string run_options;           // what `connfuzz run` needs besides --plan ("--no-netns ")
  Judgement clean;                   // the fault-free run's own findings
  int clean_exit_status = 0;
  std::vector<CellResult> cells;

  int not_ok() const;                  // cells (and the clean run) with a finding
  std::string repro(const std::string& plan) const;  // "connfuzz run --plan '...' -- PROG ARGS"
};

// "text", "md", "json" or "html".
std::string format_matrix(const MatrixReport& report, std::string_view format);

}  // namespace connfuzz::tools
