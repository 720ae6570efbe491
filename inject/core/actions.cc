// The actions.def table read into rows, and the lookups of action and signal names.
#include "actions.h"

#include <signal.h>
#include <string.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <iterator>

namespace connfuzz::inject {
namespace {

constexpr ActionInfo kActions[] = {
#define CONNFUZZ_ACTION(id, syntax, on_connect, on_waits, when, answer, what) \
  {Action::id, #id, syntax, on_connect, on_waits, static_cast<std::uint16_t>(when), answer, what},
#include "actions.def"
#undef CONNFUZZ_ACTION
};

struct Unit {
  const char* name;
  std::int64_t ns;
};
constexpr Unit kUnits[] = {{"s", 1'000'000'000}, {"ms", 1'000'000}, {"us", 1'000}, {"ns", 1}};

}  // namespace

std::span<const ActionInfo> action_rows() noexcept { return kActions; }

const ActionInfo* find_action(Action action) noexcept {
  for (const ActionInfo& a : kActions)
    if (a.action == action) return &a;
  return nullptr;
}

const ActionInfo* find_action(std::string_view name) noexcept {
  for (const ActionInfo& a : kActions)
    if (a.name == name) return &a;
  return nullptr;
}

bool is_wait_call(Call call) noexcept {
  return call == Call::poll || call == Call::ppoll || call == Call::select || call == Call::pselect ||
         call == Call::epoll_wait;
}

bool is_io_call(Call call) noexcept {
  return call == Call::read || call == Call::write || call == Call::send || call == Call::recv;
}

bool takes_action(Call call, Action action) noexcept {
  if (action == Action::errno_value) return true;
  const ActionInfo* info = find_action(action);
  return info && ((call == Call::connect && info->on_connect) || (is_wait_call(call) && info->on_waits));
}

std::optional<int> signal_from_text(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(text.front()))) {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || value < 1 || value >= NSIG) return std::nullopt;
    return value;
  }
  if (text.substr(0, 3) == "SIG") text.remove_prefix(3);
  for (int sig = 1; sig < SIGRTMIN; ++sig) {
    const char* abbrev = sigabbrev_np(sig);
    if (abbrev != nullptr && text == abbrev) return sig;
  }
  return std::nullopt;
}

const char* signal_name(int sig) noexcept {
  // "SIG" + sigabbrev_np, built once (a plan's install prints it first) so that the
  // log can name a signal from inside a handler.
  static const auto names = [] {
    struct Names {
      char text[65][16] = {};
    } all;
    for (int s = 1; s < SIGRTMIN && s < 65; ++s)
      if (const char* abbrev = sigabbrev_np(s)) {
        strcpy(all.text[s], "SIG");
        strncat(all.text[s], abbrev, sizeof(all.text[s]) - 4);
      }
    return all;
  }();
  if (sig < 1 || sig >= 65 || names.text[sig][0] == '\0') return nullptr;
  return names.text[sig];
}

std::string_view signal_refusal(int sig) noexcept {
  if (sig == SIGKILL || sig == SIGSTOP) return "cannot be caught or blocked: it ends or stops the program, it interrupts nothing";
  return "";
}

std::size_t duration_text(std::int64_t ns, char* out, std::size_t size) noexcept {
  if (size == 0) return 0;
  const Unit* unit = &kUnits[std::size(kUnits) - 1];
  for (const Unit& u : kUnits)
    if (ns != 0 && ns % u.ns == 0) {
      unit = &u;
      break;
    }
  char digits[24];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), ns / unit->ns);
  std::size_t n = 0;
  for (const char* p = digits; p < end && n + 1 < size; ++p) out[n++] = *p;
  for (const char* p = unit->name; *p && n + 1 < size; ++p) out[n++] = *p;
  out[n] = '\0';
  return n;
}

std::string duration_text(std::int64_t ns) {
  char buffer[32];
  return std::string(buffer, duration_text(ns, buffer, sizeof(buffer)));
}

}  // namespace connfuzz::inject
