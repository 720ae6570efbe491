// Text made safe to put inside an HTML element or a quoted attribute.
#pragma once

#include <string>
#include <string_view>

namespace connfuzz::tools {

inline std::string html_escaped(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace connfuzz::tools
