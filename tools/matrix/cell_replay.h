// `connfuzz repro FILE.cell`: one matrix cell replayed on its program and judged.
#pragma once

#include <string>

namespace connfuzz::tools {

// The program without a fault, then under the cell's plan, judged as the matrix judges
// it; prints the calls, the output and the verdict. Returns kExitFinding or 0.
int replay_cell(const std::string& path, const std::string& text);

}  // namespace connfuzz::tools
