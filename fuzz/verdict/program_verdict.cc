// The verdicts on a whole program's run: its sockets' story, then how it ended against what its plan did.
#include "program_verdict.h"

#include <algorithm>
#include <csignal>
#include <cstring>

#include "event_log.h"
#include "socket_story.h"

namespace connfuzz::fuzz {

std::vector<inject::EventLine> read_events(std::string_view log) {
  std::vector<inject::EventLine> events;
  while (!log.empty()) {
    std::size_t end = log.find('\n');
    std::string_view line = log.substr(0, end);
    if (auto e = inject::parse_event_line(line)) events.push_back(*e);
    if (end == std::string_view::npos) break;
    log.remove_prefix(end + 1);
  }
  return events;
}

CleanRun learn_clean_run(std::string_view log) {
  std::vector<inject::EventLine> events = read_events(log);
  CleanRun clean;
  clean.events = events.size();
  StoryOptions options;
  options.judge_kernel_errors = false;
  SocketStory follow(options);
  for (const inject::EventLine& e : events) {
    follow.see(e);
    if (e.index > 0 && std::find(clean.sites.begin(), clean.sites.end(), std::make_pair(e.call, e.index)) == clean.sites.end())
      clean.sites.emplace_back(e.call, e.index);
    if (e.failed() && e.mark == inject::LineMark::none) clean.kernel_errors.insert({e.call, e.err});
  }
  clean.connected = follow.saw_connection() || log.find(inject::kConnectedNote) != std::string_view::npos;
  return clean;
}

namespace {

// How the run ended, against what the plan did: at most one of these.
void judge_ending(const PlannedFault* fault, const CleanRun& clean, const ProgramRun& run, bool fired, bool connected,
                  std::vector<Finding>& findings) {
  auto add = [&](Verdict v, std::string reason) { findings.push_back({v, std::move(reason)}); };
  if (std::size_t at = run.log.find(inject::kBudgetExhausted); at != std::string::npos) {
    std::string said = run.log.substr(at, run.log.find('\n', at) - at);  // with the virtual time let run
    add(Verdict::spin, "the " + std::to_string(clean.events) + " calls of the fault-free run grew to the budget (" + said + ")");
  }
  else if (run.timed_out)
    add(Verdict::hang, "did not end within the timeout");
  else if (run.signal != 0)
    add(Verdict::crash, "killed by signal " + std::to_string(run.signal) + " (SIG" +
                            std::string(sigabbrev_np(run.signal) ? sigabbrev_np(run.signal) : "?") + ")");
  else if (run.exit_status == 0 && clean.connected && !connected)
    add(Verdict::false_success, "exit status 0, but no socket was ever connected");
  else if (run.exit_status != 0 && fault != nullptr && fired && fault->only_still_connecting)
    add(Verdict::still_connecting_failure, "exit status " + std::to_string(run.exit_status) + " after " + fault->what);
}

}  // namespace

Judgement judge_program(const PlannedFault* fault, const CleanRun& clean, const ProgramRun& run) {
  Judgement j;
  StoryOptions options;
  options.baseline_errors = &clean.kernel_errors;
  options.judge_kernel_errors = fault != nullptr;
  options.sees_waits = clean.sees_waits;
  SocketStory follow(options);
  bool fired = false, refused = false;
  for (const inject::EventLine& e : read_events(run.log)) {
    follow.see(e);
    fired |= e.mark == inject::LineMark::injected;
    refused |= e.mark == inject::LineMark::refused;
  }
  if (fault != nullptr) j.reach = fired ? Reach::fired : refused ? Reach::refused : Reach::unreached;
  bool exited_cleanly = run.exit_status == 0 && run.signal == 0 && !run.timed_out;
  follow.judge_leaks(exited_cleanly);
  std::vector<Finding> findings = follow.take_findings();
  bool connected = follow.saw_connection() || run.log.find(inject::kConnectedNote) != std::string::npos;
  judge_ending(fault, clean, run, fired, connected, findings);
  sort_worst_first(findings);
  j.findings = std::move(findings);
  return j;
}

}  // namespace connfuzz::fuzz
