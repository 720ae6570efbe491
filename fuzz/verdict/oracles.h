// The oracles checked after every input (DESIGN.md "Oracles"), read off the event log.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "connect_target.h"
#include "event_log.h"

namespace connfuzz::fuzz {

struct Finding {
  std::string oracle;  // "socket-leak", "false-success", ...: the name in ERROR: and SUMMARY:
  std::string reason;  // one line, naming the call that shows it
};

struct OracleInput {
  const targets::ConnectResult& result;
  std::span<const inject::Event* const> events;  // this input's calls, in order
  bool asio_errors = false;       // failures are Asio error_codes (EAGAIN arrives as ENOBUFS)
  // The plan is mode=any: it injects errnos the kernel could not return there (EINPROGRESS on
  // a blocking socket), which a caller cannot tell apart; failing with one is clean.
  bool any_mode = false;
  bool kernel = false;            // the kernel target: every errno must be in the table
  bool hold = false;              // the plan holds real attempts "in progress" until waited for
  // The target promises to give up within this much time (0: it makes no promise), and
  // this much time passed while it ran, on the clock the target reads (virtual time).
  std::int64_t deadline_ns = 0;
  std::int64_t elapsed_ns = 0;
};

// The first oracle the input breaks, in the order of DESIGN.md.
std::optional<Finding> check_oracles(const OracleInput& input);

// The oracle that stops a target making more calls than an input may.
Finding spin_finding(std::uint32_t calls);

// How far past its deadline a target may wait before it is said to wait for ever,
// and the finding that says so.
std::int64_t overrun_limit_ns(std::int64_t deadline_ns) noexcept;
Finding overrun_finding(std::int64_t passed_ns, std::int64_t deadline_ns);

// After a thread was cancelled inside connect: the target's next call did not return.
Finding deadlock_finding(bool asleep_for_good, int cap_seconds);
// Whether the input cancelled a thread inside connect (an injected ECANCELED).
bool cancelled_inside_connect(std::span<const inject::Event* const> events);

// The calls the oracles read: the log since the last reset.
std::vector<const inject::Event*> logged_events();

}  // namespace connfuzz::fuzz
