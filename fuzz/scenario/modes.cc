// modes.def as a table, and the user's modes beside it.
#include "modes.h"

#include <algorithm>
#include <charconv>

namespace connfuzz::fuzz {
namespace {

struct ModeInfo {
  Mode mode;
  std::string_view name;
  std::string_view family;
  std::string_view bug;  // the verdict's id ("socket_leak"), "none" for a real target
  int faults;            // how many faults an example's bug needs; 0 for a real target
  std::string_view what;
};

constexpr ModeInfo kModes[] = {
#define CONNFUZZ_MODE(code, id, family, bug, faults, what) {Mode::id, #id, #family, #bug, faults, what},
#include "modes.def"
#undef CONNFUZZ_MODE
};

constexpr bool codes_rise(std::span<const ModeInfo> modes) {
  for (std::size_t i = 1; i < modes.size(); ++i)
    if (modes[i].mode <= modes[i - 1].mode) return false;
  return static_cast<int>(modes.back().mode) < kFirstUserMode;
}
constexpr bool examples_say_their_faults(std::span<const ModeInfo> modes) {
  for (const ModeInfo& m : modes)
    if ((m.bug == "none") != (m.faults == 0) || m.faults < 0 || m.faults > 2) return false;
  return true;
}
static_assert(examples_say_their_faults(kModes), "modes.def: an example's bug needs 1 or 2 faults; a real target says 0");
static_assert(codes_rise(kModes), "modes.def: codes rise line by line and stay below kFirstUserMode");

const std::vector<Mode>& own_modes() {
  static const std::vector<Mode> list = [] {
    std::vector<Mode> out;
    for (const auto& m : kModes) out.push_back(m.mode);
    return out;
  }();
  return list;
}

const ModeInfo* info(Mode mode) noexcept {
  for (const auto& m : kModes)
    if (m.mode == mode) return &m;
  return nullptr;
}

struct UserModes {
  std::string fuzzer;
  std::vector<std::string> names;
};
UserModes& user_modes() {
  static UserModes modes;
  return modes;
}

std::size_t user_index(Mode mode) noexcept { return static_cast<std::size_t>(mode) - kFirstUserMode; }

}  // namespace

std::span<const Mode> all_modes() noexcept { return own_modes(); }
bool is_user_mode(Mode mode) noexcept { return static_cast<int>(mode) >= kFirstUserMode; }

std::string mode_name(Mode mode) {
  if (const ModeInfo* m = info(mode)) return std::string(m->name);
  const auto& names = user_modes().names;
  if (is_user_mode(mode) && user_index(mode) < names.size()) return names[user_index(mode)];
  return std::to_string(static_cast<int>(mode));
}

std::string_view mode_family(Mode mode) noexcept {
  if (const ModeInfo* m = info(mode)) return m->family;
  // Only a code the fuzzer registered is its own: any other for_family maps onto one.
  bool registered = is_user_mode(mode) && user_index(mode) < user_modes().names.size();
  return registered ? std::string_view(user_modes().fuzzer) : std::string_view();
}

std::string_view mode_description(Mode mode) noexcept {
  const ModeInfo* m = info(mode);
  return m != nullptr ? m->what : "a target of the fuzzer's own";
}

std::string mode_bug(Mode mode) {
  const ModeInfo* m = info(mode);
  if (m == nullptr || m->bug == "none") return {};
  std::string bug(m->bug);
  std::replace(bug.begin(), bug.end(), '_', '-');  // a verdict's name is its id, dashed
  return bug;
}

int mode_bug_faults(Mode mode) noexcept {
  const ModeInfo* m = info(mode);
  return m != nullptr ? m->faults : 0;
}

std::optional<Mode> mode_from_name(std::string_view name) noexcept {
  for (const auto& m : kModes)
    if (m.name == name) return m.mode;
  const auto& names = user_modes().names;
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<Mode>(kFirstUserMode + i);
  int code = 0;
  auto [end, ec] = std::from_chars(name.data(), name.data() + name.size(), code);
  if (ec == std::errc() && end == name.data() + name.size() && code >= kFirstUserMode && code <= 255)
    return static_cast<Mode>(code);  // a user's target whose name this process was not told
  return std::nullopt;
}

std::vector<Mode> family_modes(std::string_view family) {
  std::vector<Mode> modes;
  for (const auto& m : kModes)
    if (m.family == family) modes.push_back(m.mode);
  if (modes.empty() && !family.empty() && family == user_modes().fuzzer)
    for (std::size_t i = 0; i < user_modes().names.size(); ++i) modes.push_back(static_cast<Mode>(kFirstUserMode + i));
  return modes;
}

std::vector<std::string_view> families() {
  std::vector<std::string_view> out;
  for (const auto& m : kModes)
    if (std::find(out.begin(), out.end(), m.family) == out.end()) out.push_back(m.family);
  return out;
}

void set_user_modes(std::string_view fuzzer, std::vector<std::string> names) {
  user_modes() = UserModes{std::string(fuzzer), std::move(names)};
}

}  // namespace connfuzz::fuzz
