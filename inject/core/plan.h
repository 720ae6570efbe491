// Fault plans: which call fails how. One text form, parsed and printed here.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "actions.h"
#include "errno_table.h"

namespace connfuzz::inject {

enum class Mode : std::uint8_t { Realistic, Any };

// Which of the calls a rule counts it fires on (indexes start at 1).
enum class Which : std::uint8_t { Range, Every, Percent };

// A filter on the call: the address family, socket type and port it concerns.
struct Predicate {
  enum Family : std::uint8_t { kUnix = 1, kInet = 2, kInet6 = 4, kUnspec = 8 };
  enum Type : std::uint8_t { kStream = 1, kDgram = 2 };
  std::uint8_t families = 0;  // 0: any family
  std::uint8_t types = 0;     // 0: any type
  std::uint16_t port = 0;
  bool has_port = false;

  bool operator==(const Predicate&) const = default;
};

struct Rule {
  Call call = Call::connect;
  Predicate where;
  Which which = Which::Range;
  std::uint32_t first = 1;
  std::uint32_t last = 1;  // kOpenEnd: no upper bound
  std::uint8_t percent = 0;
  Action action = Action::errno_value;  // what happens in the call (actions.def)
  int err = 0;       // errno_value: the errno the call returns (for so_error: the value it reads)
  int eventual = 0;  // after EINPROGRESS, EINTR or a delay: how it ends (0: as the kernel says)
  int signal = 0;            // Action::signal
  std::int64_t delay_ns = 0;  // Action::delay: virtual time before the outcome

  static constexpr std::uint32_t kOpenEnd = UINT32_MAX;
  bool operator==(const Rule&) const = default;
};

struct Plan {
  static constexpr int kMaxRules = 32;
  Rule rules[kMaxRules];
  int rule_count = 0;
  std::uint64_t seed = 0;
  Mode mode = Mode::Realistic;
  bool hold = false;  // hold real attempts "in progress" until the program waits

  bool operator==(const Plan& other) const;
};

struct PlanError {
  std::size_t column = 0;  // 1-based column of the text where the problem starts
  std::string message;     // what was expected there
  std::string what() const;  // "column 9: expected ..."
};

class PlanSyntaxError : public std::invalid_argument {
 public:
  explicit PlanSyntaxError(const PlanError& error);
  PlanError error;
};

// Parses a plan; on failure returns nullopt and fills `error`.
std::optional<Plan> parse_plan(std::string_view text, PlanError& error);
// The throwing twin: PlanSyntaxError names the column.
Plan parse_plan(std::string_view text);

// The normalized text: parse_plan(to_text(p)) == p.
std::string to_text(const Plan& plan);
std::string to_text(const Rule& rule);

}  // namespace connfuzz::inject
