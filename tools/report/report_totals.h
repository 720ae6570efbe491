// What every form of the report says first: per target and per errno class, how many
// rows of the table the inputs reached, handled, and broke on.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "coverage.h"
#include "errno_table.h"

namespace connfuzz::tools {

struct Tally {
  int rows = 0;        // rows of the table in scope
  int exercised = 0;   // reached by at least one input
  int handled = 0;     // reached, and no input that reached it found anything
  int documented = 0;  // a documented finding among the inputs that reached it
  int found = 0;       // a new finding among them
  void add(const Cell& cell);
};

struct TargetTotals {
  Tally connect;  // the 29 rows of connect()
  Tally all;      // every row of the table
};

struct Totals {
  std::vector<TargetTotals> targets;  // as Coverage::targets
  std::array<Tally, inject::kErrnoClassCount> classes{};  // over every target
  int inputs = 0, inputs_with_findings = 0, inputs_new = 0;
};

Totals totals_of(const Coverage& coverage);

// A cell's symbol in the text forms: "✓", "D", "✗" or "·".
std::string cell_symbol(Outcome outcome);

}  // namespace connfuzz::tools
