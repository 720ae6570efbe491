// Counts the report's cells per target and per errno class.
#include "report_totals.h"

namespace connfuzz::tools {

void Tally::add(const Cell& cell) {
  ++rows;
  if (cell.outcome == Outcome::untested) return;
  ++exercised;
  if (cell.outcome == Outcome::handled) ++handled;
  if (cell.outcome == Outcome::documented) ++documented;
  if (cell.outcome == Outcome::found) ++found;
}

Totals totals_of(const Coverage& coverage) {
  Totals totals;
  auto rows = inject::errno_rows();
  for (const auto& cells : coverage.cells) {
    TargetTotals t;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      if (rows[r].call == inject::Call::connect) t.connect.add(cells[r]);
      t.all.add(cells[r]);
      totals.classes[static_cast<std::size_t>(rows[r].klass)].add(cells[r]);
    }
    totals.targets.push_back(t);
  }
  totals.inputs = static_cast<int>(coverage.inputs.size());
  for (const InputResult& input : coverage.inputs) {
    totals.inputs_with_findings += input.outcome >= Outcome::documented;
    totals.inputs_new += input.outcome == Outcome::found;
  }
  return totals;
}

std::string cell_symbol(Outcome outcome) {
  switch (outcome) {
    case Outcome::untested: return "·";
    case Outcome::handled: return "✓";
    case Outcome::documented: return "D";
    case Outcome::found: return "✗";
  }
  return "?";
}

}  // namespace connfuzz::tools
