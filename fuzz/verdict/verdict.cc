// The table of verdicts, read from verdicts.def.
#include "verdict.h"

#include <algorithm>

namespace connfuzz::fuzz {
namespace {

constexpr VerdictRow kRows[] = {
#define CONNFUZZ_VERDICT(id, name, meaning, rule) {Verdict::id, name, meaning, rule},
#include "verdicts.def"
#undef CONNFUZZ_VERDICT
};

}  // namespace

std::span<const VerdictRow> verdict_rows() noexcept { return kRows; }

std::string_view verdict_name(Verdict verdict) noexcept { return kRows[static_cast<std::size_t>(verdict)].name; }

std::optional<Verdict> verdict_named(std::string_view name) noexcept {
  for (const VerdictRow& row : kRows)
    if (row.name == name) return row.verdict;
  return std::nullopt;
}

void sort_worst_first(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) { return a.verdict < b.verdict; });
}

}  // namespace connfuzz::fuzz
