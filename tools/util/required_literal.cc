// A run of ordinary characters outside any group is in every match, except a last
// character a quantifier makes optional or repeats; the longest such run is the filter.
#include "required_literal.h"

#include <cstring>

namespace connfuzz::tools {
namespace {

bool is_special(char c) { return std::strchr(".[]()*+?{}|^$\\", c) != nullptr; }
bool is_quantifier(char c) { return c == '*' || c == '+' || c == '?' || c == '{'; }

// The index just past the bracket expression that starts at `open` ('['): its first
// ']' closes it only after a leading '^' and ']' of its own and outside "[:...:]".
std::size_t past_bracket(std::string_view re, std::size_t open) {
  std::size_t i = open + 1;
  if (i < re.size() && re[i] == '^') ++i;
  if (i < re.size() && re[i] == ']') ++i;
  while (i < re.size() && re[i] != ']') {
    if (re[i] == '[' && i + 1 < re.size() && std::strchr(":.=", re[i + 1]) != nullptr) {
      std::size_t close = re.find(std::string{re[i + 1], ']'}, i + 2);
      i = close == std::string_view::npos ? re.size() : close + 2;
    } else {
      ++i;
    }
  }
  return i + 1;
}

}  // namespace

std::string required_literal(std::string_view re) {
  std::string best, run;
  auto end_run = [&] {
    if (run.size() > best.size()) best = run;
    run.clear();
  };
  int depth = 0;
  for (std::size_t i = 0; i < re.size();) {
    char c = re[i];
    if (c == '|') return "";  // either side may match alone (at any depth: kept simple)
    if (c == '[') {
      end_run();
      i = past_bracket(re, i);
      continue;
    }
    if (c == '(' || c == ')') {
      depth += c == '(' ? 1 : -1;
      end_run();
      ++i;
      continue;
    }
    bool escaped = c == '\\' && i + 1 < re.size();
    if (!escaped && is_special(c)) {
      // A quantifier applies to the character before it: that one is not certain.
      if (is_quantifier(c) && !run.empty()) run.pop_back();
      end_run();
      std::size_t close = c == '{' ? re.find('}', i) : i;  // "{2,3}" is no text
      i = close == std::string_view::npos ? re.size() : close + 1;
      continue;
    }
    char literal = escaped ? re[i + 1] : c;
    std::size_t next = i + (escaped ? 2 : 1);
    if (escaped && !is_special(literal)) {  // "\w", "\]": std::regex rejects some, reads others as the letter: no text
      end_run();
      i = next;
      continue;
    }
    if (depth == 0) run += literal;
    else end_run();
    i = next;
  }
  end_run();
  return best;
}

}  // namespace connfuzz::tools
