// The verdict engine on one fuzz input: its calls, what the target returned, and what
// the harness read off the kernel after it returned. Every rule runs on every input.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "connect_target.h"
#include "event_log.h"
#include "plan.h"
#include "verdict.h"

namespace connfuzz::fuzz {

// A target's error convention, written down: an errno the target meets and what it
// reports instead (the public API's rows, registered with the target).
using Translation = connfuzz::Translation;

struct InputRun {
  const targets::ConnectResult& result;
  std::span<const inject::Event* const> events;  // this input's calls, in order
  const inject::Plan& plan;
  std::span<const Translation> translations;  // the target's error convention
  // The target tries each of this many addresses in turn (1: it connects to the first).
  std::size_t addresses_to_try = 1;
  bool kernel = false;  // the kernel target: what it owes is documented errnos, not outcomes
  // The target promises to give up within this much time (0: it makes no promise), and
  // this much time passed while it ran, on the clock the target reads (virtual time).
  std::int64_t deadline_ns = 0;
  std::int64_t elapsed_ns = 0;
  // Read after the target returned: connfuzz still holds the returned socket's attempt;
  // getpeername's errno on it (0: the kernel has a connection); the sockets the input
  // opened that are still open, but the one it handed back.
  bool result_held = false;
  int result_peer_errno = 0;
  std::vector<int> still_open;
  // What the target broke of the public API's contract, as the harness saw it ("": nothing).
  std::string broken_contract;
};

// Every finding of the input, worst first.
std::vector<Finding> check_input(const InputRun& run);

// The findings made inside the target's call, where the run cannot go on.
Finding spin_finding(std::uint32_t calls);
// Still calling after the budget and `let_run_ns` of virtual time let run. A target with
// a deadline has then broken that promise (timeout-overrun: the let-run time took it far
// past it, and it still waits or retries); one without a deadline loops unbounded (spin).
Finding endless_loop_finding(std::uint32_t calls, std::int64_t let_run_ns, std::int64_t deadline_ns);
Finding overrun_finding(std::int64_t passed_ns, std::int64_t deadline_ns);
// How far past its deadline a target may wait before it is said to wait for ever.
std::int64_t overrun_limit_ns(std::int64_t deadline_ns) noexcept;
// After a thread was cancelled inside connect: the target's next call did not return.
Finding deadlock_finding(bool asleep_for_good, int cap_seconds);
// Whether the input cancelled a thread inside connect (an injected ECANCELED).
bool cancelled_inside_connect(std::span<const inject::Event* const> events);

// "4242 connect#1(3, ...) = -1 EINTR (INJECTED connect@1=EINTR)", without the newline.
std::string line_text(const inject::Event& event);

}  // namespace connfuzz::fuzz
