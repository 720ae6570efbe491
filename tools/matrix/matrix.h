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
#include "event_line.h"

namespace connfuzz::tools {

// Worst first: a cell's verdict is the first of its findings in this order.
enum class Verdict {
  crash,
  hang,
  spin,
  misuse,
  bad_fd,
  use_before_connect,
  reuse_after_failure,
  fd_leak,
  false_success,
  spurious_failure,
  abandoned,
  ok,
};
std::string_view verdict_name(Verdict verdict) noexcept;  // "use-before-connect"

// What the fault-free run showed: where faults can go and what the program does anyway.
struct CleanRun {
  std::vector<std::pair<inject::Call, unsigned long>> sites;  // (call, index) it made, in order of first sight
  std::set<std::pair<inject::Call, int>> kernel_errors;      // (call, errno) the kernel answered without a fault
  std::size_t events = 0;
  bool connected = false;  // some socket was seen connected (false-success can be judged)
  bool sees_waits = true;  // the backend logs waits, SO_ERROR and getpeername (abandoned can be judged)
};
CleanRun learn_clean_run(std::string_view log);  // the fault-free run's event log

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

struct Finding {
  Verdict verdict;
  std::string detail;  // "fd 4 (socket#1): connect#1 failed with ECONNREFUSED and it was never closed"
};

// How a cell's run ended, as the verdicts need it.
struct CellRun {
  int exit_status = 0;
  int signal = 0;  // the signal that ended it, if one did
  bool timed_out = false;
  std::string log;  // the event log's text
};

enum class Reach { fired, refused, unreached };  // did the cell's fault happen at all
struct Judgement {
  Reach reach = Reach::fired;
  std::vector<Finding> findings;  // worst first; empty: ok
  Verdict verdict() const noexcept { return findings.empty() ? Verdict::ok : findings.front().verdict; }
};

// `cell` is nullptr for the clean run itself.
Judgement judge(const MatrixCell* cell, const CleanRun& clean, const CellRun& run);

std::vector<EventLine> read_events(std::string_view log);

}  // namespace connfuzz::tools
