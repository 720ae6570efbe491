// One line of the event log read back: "4242 connect#1(3, {AF_INET, ...}, 16) = -1 EINTR (INJECTED connect@1=EINTR)".
#pragma once

#include <optional>
#include <string_view>

#include "errno_table.h"
#include "event_log.h"

namespace connfuzz::inject {

enum class LineMark { none, injected, guard, simulated, refused };

struct EventLine {
  long pid = 0;
  Call call = Call::connect;
  unsigned long index = 0;
  int fd = -1;       // the first argument of a call on a descriptor; socket's result for socket
  long result = 0;
  int err = 0;       // the errno of a failed call; for getsockopt.SO_ERROR, the value it read
  LineMark mark = LineMark::none;
  std::string_view note;  // the rule that fired, or the guard's reason

  bool failed() const noexcept { return result < 0; }
  bool pending_error() const noexcept { return call == Call::so_error && result == 0 && err != 0; }
};

// Lines that are no event (connfuzz's own notes, a program's output) give nullopt.
// `note` points into `line`.
std::optional<EventLine> parse_event_line(std::string_view line);

// The same line, read off an event in memory (the in-process fuzzers' log) without
// formatting it; `note` points into `event`.
EventLine line_of(const Event& event) noexcept;

// The row of the errno table a call went through: its errno, or the pending error
// SO_ERROR read; nullptr when it succeeded or the call does not document that errno.
const ErrnoRow* row_of(const EventLine& event) noexcept;

}  // namespace connfuzz::inject

// The command's parts read the log by these names too.
namespace connfuzz::tools {
using inject::EventLine;
using inject::LineMark;
using inject::parse_event_line;
}  // namespace connfuzz::tools
