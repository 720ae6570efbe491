// Parses an event-log line into its fields, and gives an Event the same fields.
#include "event_line.h"

#include <cctype>
#include <charconv>

namespace connfuzz::inject {
namespace {

template <typename T>
bool read_number(std::string_view& text, T& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc()) return false;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  return true;
}

bool consume(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

}  // namespace

std::optional<EventLine> parse_event_line(std::string_view line) {
  std::size_t start = line.find_first_not_of(' ');
  if (start == std::string_view::npos || !std::isdigit(static_cast<unsigned char>(line[start]))) return std::nullopt;
  std::string_view text = line.substr(start);
  EventLine e;
  if (!read_number(text, e.pid) || !consume(text, " ")) return std::nullopt;
  std::size_t hash = text.find('#');
  if (hash == std::string_view::npos) return std::nullopt;
  auto call = inject::call_from_name(text.substr(0, hash));
  if (!call) return std::nullopt;
  e.call = *call;
  text.remove_prefix(hash + 1);
  if (!read_number(text, e.index) || !consume(text, "(")) return std::nullopt;
  std::size_t equals = text.rfind(") = ");
  if (equals == std::string_view::npos) return std::nullopt;
  std::string_view args = text.substr(0, equals);
  text.remove_prefix(equals + 4);
  if (!read_number(text, e.result)) return std::nullopt;
  if (e.call == inject::Call::socket) {
    e.fd = e.result >= 0 ? static_cast<int>(e.result) : -1;
  } else if (!args.empty() && std::isdigit(static_cast<unsigned char>(args[0]))) {
    int fd = -1;
    if (read_number(args, fd)) e.fd = fd;
  }
  // SO_ERROR's value follows a result of 0 in brackets; a failed call's errno follows it.
  bool value = e.call == inject::Call::so_error && e.result == 0;
  if (value ? consume(text, " [") : (e.result < 0 && consume(text, " "))) {
    std::size_t end = text.find_first_of("] ");
    auto err = inject::errno_from_text(text.substr(0, end));
    if (!err && !(value && text.starts_with("0]"))) return std::nullopt;
    e.err = err.value_or(0);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end);
    consume(text, "]");
  }
  if (consume(text, " (")) {
    static constexpr std::pair<std::string_view, LineMark> kMarks[] = {{"INJECTED", LineMark::injected},
                                                                        {"GUARD", LineMark::guard},
                                                                        {"SIMULATED", LineMark::simulated},
                                                                        {"NOT INJECTED", LineMark::refused}};
    for (auto [name, mark] : kMarks)
      if (consume(text, name)) {
        e.mark = mark;
        break;
      }
    consume(text, " ");
    if (text.ends_with(')')) text.remove_suffix(1);
    e.note = text;
  }
  return e;
}

EventLine line_of(const Event& event) noexcept {
  EventLine line;
  line.pid = event.pid;
  line.call = event.call;
  line.index = event.index;
  line.fd = event.call == Call::socket ? static_cast<int>(event.result) : event.fd;
  line.result = event.result;
  line.err = event.err;
  switch (event.mark) {
    case Mark::None: line.mark = LineMark::none; break;
    case Mark::Injected: line.mark = LineMark::injected; break;
    case Mark::Guard: line.mark = LineMark::guard; break;
    case Mark::Simulated: line.mark = LineMark::simulated; break;
    case Mark::Refused: line.mark = LineMark::refused; break;
  }
  line.note = event.note;
  return line;
}

const ErrnoRow* row_of(const EventLine& event) noexcept {
  if (!(event.failed() || event.pending_error())) return nullptr;
  return find_row(event.call, event.err);
}

}  // namespace connfuzz::inject
