// The table of verdicts (verdicts.def) and a finding: which verdict, and the one line that shows it.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace connfuzz::fuzz {

enum class Verdict {
#define CONNFUZZ_VERDICT(id, name, meaning, rule) id,
#include "verdicts.def"
#undef CONNFUZZ_VERDICT
};

struct VerdictRow {
  Verdict verdict;
  std::string_view name;     // "still-connecting-failure": the word in ERROR:, SUMMARY: and the matrix
  std::string_view meaning;  // one line
  std::string_view rule;     // what DESIGN.md or connect-contract.md asks of the target
};

std::span<const VerdictRow> verdict_rows() noexcept;
std::string_view verdict_name(Verdict verdict) noexcept;
std::optional<Verdict> verdict_named(std::string_view name) noexcept;

struct Finding {
  Verdict verdict = Verdict::crash;
  std::string reason;  // one line, naming the call that shows it
  std::string_view name() const noexcept { return verdict_name(verdict); }
};

// Worst first, as the table orders them; findings of one verdict keep their order.
void sort_worst_first(std::vector<Finding>& findings);

// How many intercepted calls a run may make before it is suspected of a spin: the
// same rule for a fuzz input (no fault-free run to learn from) and a matrix cell
// (which may make many more calls than its fault-free run, up to this).
inline constexpr std::size_t kCallBudgetFloor = 2000;
inline constexpr std::size_t kCallBudgetPerCleanCall = 50;
constexpr std::size_t call_budget(std::size_t clean_calls) noexcept {
  return clean_calls * kCallBudgetPerCleanCall > kCallBudgetFloor ? clean_calls * kCallBudgetPerCleanCall
                                                                  : kCallBudgetFloor;
}

}  // namespace connfuzz::fuzz
