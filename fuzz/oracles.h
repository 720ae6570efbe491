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
};

// The first oracle the input breaks, in the order of DESIGN.md.
std::optional<Finding> check_oracles(const OracleInput& input);

// The oracle that stops a target making more calls than an input may.
Finding spin_finding(std::uint32_t calls);

// The calls the oracles read: the log since the last reset.
std::vector<const inject::Event*> logged_events();

}  // namespace connfuzz::fuzz
