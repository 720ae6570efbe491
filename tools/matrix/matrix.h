// `connfuzz matrix`: the cells a program could meet and the verdict on each run of it.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "actions.h"
#include "errno_table.h"
#include "program_verdict.h"

namespace connfuzz::tools {

// The verdicts and the judgement of a run are the one engine's (fuzz/verdict/).
using fuzz::CleanRun;
using fuzz::Finding;
using fuzz::Judgement;
using fuzz::learn_clean_run;
using fuzz::read_events;
using fuzz::Reach;
using fuzz::Verdict;
using fuzz::verdict_name;
using CellRun = fuzz::ProgramRun;

struct MatrixCell {
  inject::Call call = inject::Call::connect;
  unsigned long index = 1;
  bool onward = false;  // "@N-": this call and every later one
  int err = 0;
  int eventual = 0;     // after EINPROGRESS or EINTR: how the attempt ends (0: it succeeds)
  std::string plan;     // "connect@1=EINTR"
  inject::Action action = inject::Action::errno_value;  // a cell of --actions: what its first rule does
  // Only still-connecting faults that end in a connection: a correct caller succeeds.
  bool only_still_connecting() const noexcept;
};

// The cell a one-rule plan stands for ("connect@1-=EINTR"); throws PlanSyntaxError.
MatrixCell cell_for_plan(const std::string& plan_text);

struct CellFilter {
  std::vector<inject::Call> calls;  // empty: every call the clean run made
  std::vector<int> errnos;          // empty: every documented errno of the call
  bool any_mode = false;            // also the errnos impossible on a live socket
  unsigned long max_index = 4;
  std::vector<inject::Action> actions;  // --actions: cells that signal, slow down or cancel too
};
std::vector<MatrixCell> plan_cells(const CleanRun& clean, const CellFilter& filter);

// What the cell's plan did, as the engine's outcome rule reads it.
fuzz::PlannedFault planned_fault(const MatrixCell& cell);

// `cell` is nullptr for the clean run itself.
Judgement judge(const MatrixCell* cell, const CleanRun& clean, const CellRun& run);


}  // namespace connfuzz::tools
