// Line by line through a target's output, a trace or a report.
#pragma once

#include <string_view>

namespace connfuzz::tools {

// Calls `each(line)` for every line of `text`, without its '\n'; a last line without
// one counts too. `each` returns false to stop early.
template <typename Each>
void for_each_line(std::string_view text, Each each) {
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    if (!each(text.substr(0, end))) return;
    if (end == std::string_view::npos) return;
    text.remove_prefix(end + 1);
  }
}

}  // namespace connfuzz::tools
