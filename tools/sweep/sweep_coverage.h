// A sweep's JSON report read back as the coverage report's inputs: each cell is an input
// of its target, with the rows of the errno table it went through.
#pragma once

#include <string>
#include <vector>

#include "coverage.h"

namespace connfuzz::tools {

// Appends the cells of `path` (connfuzz sweep --format json); an example's cells only
// `with_examples`. Throws UsageError naming the file when it is no sweep's report.
void add_sweep_inputs(const std::string& path, bool with_examples, std::vector<InputResult>& inputs);

}  // namespace connfuzz::tools
