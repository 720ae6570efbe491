// How many one-character edits turn a typed word into a known name: the "did you mean" of plans and the environment.
#pragma once

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <string_view>

namespace connfuzz::inject {

// Known names are at most this long; one row of the table fits on the stack, so the
// preload's start-up can ask too (it must not allocate).
inline constexpr std::size_t kLongestKnownName = 63;
inline constexpr std::size_t kFar = static_cast<std::size_t>(-1);

// Levenshtein distance from `typed` to `known` (kFar for a known name past
// kLongestKnownName); `fold_case` takes letters of either case for the same.
inline std::size_t edit_distance(std::string_view typed, std::string_view known, bool fold_case) noexcept {
  if (known.size() > kLongestKnownName) return kFar;
  std::size_t row[kLongestKnownName + 1];
  for (std::size_t j = 0; j <= known.size(); ++j) row[j] = j;
  auto same = [fold_case](char x, char y) {
    if (!fold_case) return x == y;
    return std::toupper(static_cast<unsigned char>(x)) == std::toupper(static_cast<unsigned char>(y));
  };
  for (std::size_t i = 1; i <= typed.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= known.size(); ++j) {
      std::size_t above = row[j];
      row[j] = std::min({row[j - 1] + 1, above + 1, diagonal + (same(typed[i - 1], known[j - 1]) ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[known.size()];
}

}  // namespace connfuzz::inject
