// `connfuzz matrix`'s cells: every (call, index, errno) a program could meet, and the action cells.
#include "matrix.h"

#include <algorithm>
#include <csignal>
#include <initializer_list>
#include <map>

#include "event_log.h"
#include "plan.h"

namespace connfuzz::tools {
namespace {

using inject::Call;
using inject::class_of;
using inject::ErrnoClass;

std::string errno_text(int err) {
  const char* name = inject::errno_name(err);
  return name ? name : std::to_string(err);
}

}  // namespace

bool MatrixCell::only_still_connecting() const noexcept {
  // A signal inside connect is EINTR or a restart: a correct caller connects. A slow
  // network may outlast the program's own deadline, and a cancelled thread fails.
  if (action == inject::Action::signal) return true;
  return action == inject::Action::errno_value && eventual == 0 && class_of(call, err) == ErrnoClass::StillConnecting;
}

MatrixCell cell_for_plan(const std::string& plan_text) {
  inject::Plan plan = inject::parse_plan(plan_text);
  MatrixCell cell;
  cell.plan = inject::to_text(plan);
  if (plan.rule_count == 0) return cell;
  const inject::Rule& rule = plan.rules[0];
  cell.call = rule.call;
  cell.index = rule.first;
  cell.onward = rule.last == inject::Rule::kOpenEnd;
  cell.err = rule.err;
  cell.eventual = rule.eventual;
  cell.action = rule.action;
  return cell;
}

namespace {

// The action cells of one connect site: a real signal, slow networks (faster and slower
// than common deadlines, past Linux's own SYN give-up, ending refused), a slow network
// whose every wait is interrupted, a cancellation.
void add_action_cells(std::vector<MatrixCell>& cells, const CleanRun& clean, const CellFilter& filter,
                      unsigned long index) {
  constexpr std::int64_t kMs = 1'000'000;
  auto add = [&](std::initializer_list<inject::Rule> rules) {
    inject::Plan plan;
    for (const inject::Rule& r : rules) plan.rules[plan.rule_count++] = r;
    if (filter.any_mode) plan.mode = inject::Mode::Any;
    MatrixCell cell = cell_for_plan(inject::to_text(plan));
    cells.push_back(cell);
  };
  auto connect_rule = [&](inject::Action action) {
    inject::Rule rule;
    rule.call = Call::connect;
    rule.first = rule.last = static_cast<std::uint32_t>(index);
    rule.action = action;
    return rule;
  };
  for (inject::Action action : filter.actions) {
    inject::Rule rule = connect_rule(action);
    switch (action) {
      case inject::Action::signal:
        rule.signal = SIGALRM;
        add({rule});
        break;
      case inject::Action::cancel: add({rule}); break;
      case inject::Action::delay:
        for (std::int64_t delay : {250 * kMs, 3000 * kMs, 130'000 * kMs}) {
          rule.delay_ns = delay;
          add({rule});
        }
        rule.delay_ns = 3000 * kMs;
        rule.eventual = ECONNREFUSED;
        add({rule});
        // Every wait the program makes interrupted every 400 ms of a handshake that
        // takes the longest a plan allows: a program must give up on its own deadline.
        rule.delay_ns = inject::kMaxDelayNs;
        rule.eventual = 0;
        for (auto [call, wait_index] : clean.sites) {
          if (!inject::is_wait_call(call) || wait_index != 1) continue;
          inject::Rule wait;
          wait.call = call;
          wait.first = 1;
          wait.last = inject::Rule::kOpenEnd;
          wait.action = inject::Action::delay;
          wait.delay_ns = 400 * kMs;
          wait.eventual = EINTR;
          add({rule, wait});
        }
        break;
      default: break;
    }
  }
}

}  // namespace

std::vector<MatrixCell> plan_cells(const CleanRun& clean, const CellFilter& filter) {
  std::vector<MatrixCell> cells;
  auto add = [&](Call call, unsigned long index, bool onward, int err, int eventual) {
    inject::Plan plan;
    inject::Rule& rule = plan.rules[plan.rule_count++];
    rule.call = call;
    rule.first = static_cast<std::uint32_t>(index);
    rule.last = onward ? inject::Rule::kOpenEnd : static_cast<std::uint32_t>(index);
    rule.err = err;
    rule.eventual = eventual;
    if (filter.any_mode) plan.mode = inject::Mode::Any;
    cells.push_back({call, index, onward, err, eventual, inject::to_text(plan)});
  };
  for (auto [call, index] : clean.sites) {
    if (index > filter.max_index) continue;
    if (!filter.calls.empty() && std::find(filter.calls.begin(), filter.calls.end(), call) == filter.calls.end()) continue;
    for (const inject::ErrnoRow& row : inject::errno_rows()) {
      if (row.call != call || ((row.when & inject::Never) && !filter.any_mode)) continue;
      if (!filter.errnos.empty() && std::find(filter.errnos.begin(), filter.errnos.end(), row.err) == filter.errnos.end())
        continue;
      add(call, index, false, row.err, 0);
      // "From this index on" too, except where an endless fault is no documented failure:
      // retrying on EINTR is the documented answer, and signals that never stop do not
      // happen, so an endless EINTR would make every correct loop "spin".
      // connect is the exception: calling it again after EINTR is the misstep to catch.
      // Likewise EAGAIN on I/O: on a non-blocking socket it means "not ready yet", and one
      // that never ends while poll says ready is a world no kernel makes.
      bool endless_is_realistic = call == Call::connect || (row.err != EINTR && !(row.err == EAGAIN && inject::is_io_call(call)));
      if (endless_is_realistic) add(call, index, true, row.err, 0);
      // A pending attempt that fails later: what the caller reads after its wait.
      if (call == Call::connect && (row.err == EINPROGRESS || row.err == EINTR)) add(call, index, false, row.err, ECONNREFUSED);
    }
  }
  for (auto [call, index] : clean.sites)
    if (call == Call::connect && index <= filter.max_index) add_action_cells(cells, clean, filter, index);
  return cells;
}

fuzz::PlannedFault planned_fault(const MatrixCell& cell) {
  fuzz::PlannedFault fault;
  fault.only_still_connecting = cell.only_still_connecting();
  fault.what = (cell.action == inject::Action::signal ? std::string("a signal inside") : errno_text(cell.err) + " from") + " " +
               std::string(inject::call_name(cell.call)) +
               (cell.call == Call::connect ? ", which says the attempt goes on (and it succeeded)"
                                           : ", which is no failure (the documented answer is to go on)");
  return fault;
}

Judgement judge(const MatrixCell* cell, const CleanRun& clean, const CellRun& run) {
  if (cell == nullptr) return fuzz::judge_program(nullptr, clean, run);
  fuzz::PlannedFault fault = planned_fault(*cell);
  return fuzz::judge_program(&fault, clean, run);
}

}  // namespace connfuzz::tools
