// The verdict engine on a whole program's run (a matrix cell, a replayed cell file):
// its event log's text, how it ended, and what its plan did.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "errno_table.h"
#include "event_line.h"
#include "verdict.h"

namespace connfuzz::fuzz {

// What the fault-free run showed: where faults can go and what the program does anyway.
struct CleanRun {
  std::vector<std::pair<inject::Call, unsigned long>> sites;  // (call, index) it made, in order of first sight
  std::set<std::pair<inject::Call, int>> kernel_errors;      // (call, errno) the kernel answered without a fault
  std::size_t events = 0;
  bool connected = false;  // some socket was seen connected (false-success can be judged)
  bool sees_waits = true;  // the backend logs waits, SO_ERROR and getpeername (abandoned can be judged)
};
CleanRun learn_clean_run(std::string_view log);  // the fault-free run's event log

// What a cell's plan did, as the outcome rule needs it.
struct PlannedFault {
  // Only faults that say "the attempt goes on" and end in a connection: a correct caller connects.
  bool only_still_connecting = false;
  std::string what;  // "EINTR from connect, which says the attempt goes on (and it succeeded)"
};

// How a program's run ended, as the verdicts need it.
struct ProgramRun {
  int exit_status = 0;
  int signal = 0;  // the signal that ended it, if one did
  bool timed_out = false;
  std::string log;  // the event log's text
};

enum class Reach { fired, refused, unreached };  // did the cell's fault happen at all
struct Judgement {
  Reach reach = Reach::fired;
  std::vector<Finding> findings;  // worst first; empty: ok
  bool ok() const noexcept { return findings.empty(); }
  Verdict worst() const noexcept { return findings.front().verdict; }  // not when ok()
  std::string_view verdict_text() const noexcept { return ok() ? "ok" : verdict_name(worst()); }
};

// `fault` is nullptr for the fault-free run itself.
Judgement judge_program(const PlannedFault* fault, const CleanRun& clean, const ProgramRun& run);

std::vector<inject::EventLine> read_events(std::string_view log);

}  // namespace connfuzz::fuzz
