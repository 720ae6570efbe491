// What `connfuzz sweep` and a fuzzer working for it say to each other: a cell (one
// scenario) a message on the way in, its outcome a line on the way out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "errno_table.h"
#include "program_verdict.h"

namespace connfuzz::fuzz {

// The descriptors a sweep worker reads cells from (a SOCK_SEQPACKET socket: a cell a
// message) and writes outcomes to (a line each); the fuzzer moves them out of its
// targets' way at once.
inline constexpr int kSweepCellsFd = 3;
inline constexpr int kSweepOutcomesFd = 4;
// The outcome line that says the cell runner died inside its cell: "died\t<wait status>";
// "died\t<wait status>\tundone" when it undid the crash in place and reads on.
inline constexpr std::string_view kDiedWord = "died";
inline constexpr std::string_view kUndoneWord = "undone";
// The line of a worker that ran its cells itself and ends between two to be replaced (a
// cell left a thread stuck): the cells sent after that one never ran.
inline constexpr std::string_view kRetiredWord = "retired";
// CONNFUZZ_SWEEP's value for a worker that forks a runner for its cells from the start
// (`connfuzz sweep` starts every worker after one that a cell ended so): a crash it
// cannot undo then costs a fork, not a new worker.
inline constexpr std::string_view kForkRunnersValue = "runners";

// The line a fuzzer prints when asked who it is (CONNFUZZ_IDENTIFY): "connfuzz-fuzzer
// <family> <format>"; `format` names the input its engine reads.
inline constexpr std::string_view kIdentityWord = "connfuzz-fuzzer";
inline constexpr std::string_view kScenarioFormat = "scenario";
// That line, without its newline; a sweep worker's first outcome line is the same.
// A fuzzer with targets of its own (a user's) names them after the format, by a comma:
// their modes are 128, 129, ... in that order, and tools read its text files by them.
std::string identity_line(std::string_view family, const std::vector<std::string>& own_targets = {});
// The family and format it names; nullopt for a line that is no identity line.
std::optional<std::pair<std::string, std::string>> parse_identity_line(std::string_view line);
std::vector<std::string> identity_targets(std::string_view line);

using Site = std::pair<inject::Call, unsigned long>;  // connect#2 is {connect, 2}

// "<id> <hex of the scenario's bytes>"
std::string cell_line(std::uint64_t id, const std::vector<std::uint8_t>& bytes);
std::optional<std::pair<std::uint64_t, std::vector<std::uint8_t>>> parse_cell_line(std::string_view line);

struct SweepFinding {
  std::string verdict;     // "socket-leak": a name of verdicts.def, or what a dead worker's output said
  std::string documented;  // the docs/FINDINGS.md section ("" when none)
  std::string reason;      // one line
  bool operator==(const SweepFinding&) const = default;
};

// What one cell did: whether its faults fired, the calls it made (for the faults of
// depth 2), the rows of the errno table it went through, and the engine's findings.
struct SweepOutcome {
  std::uint64_t id = 0;
  Reach reach = Reach::unreached;
  std::vector<Site> sites;             // in order of first sight
  std::vector<std::size_t> injected;   // rows of inject::errno_rows() a fault fired on
  std::vector<std::size_t> real;       // rows the kernel (or the guard) answered with
  std::vector<SweepFinding> findings;  // worst first; empty: ok
  bool ended_worker = false;           // the cell killed or hung its worker (the command's note, not on the line)
  bool operator==(const SweepOutcome&) const = default;
};

// One line, tab-separated, without its '\n'; tabs and newlines in reasons become spaces.
std::string outcome_line(const SweepOutcome& outcome);
std::optional<SweepOutcome> parse_outcome_line(std::string_view line);

std::string_view reach_name(Reach reach) noexcept;  // "fired", "refused", "unreached"
std::string site_text(const Site& site);              // "getsockopt.SO_ERROR#1"

}  // namespace connfuzz::fuzz
