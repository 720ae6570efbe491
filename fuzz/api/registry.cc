// A fuzzer's target list, checked once at start-up: a mistake in it is the user's, told
// by name before any input runs.
#include "registry.h"

#include <dlfcn.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <set>

namespace connfuzz::fuzz {
namespace {

std::vector<RegisteredTarget>& registry() {
  static std::vector<RegisteredTarget> targets;
  return targets;
}

bool is_identifier(std::string_view name) {
  return !name.empty() && name.size() <= 64 &&
         std::all_of(name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// One of connfuzz's own fuzzers: each target is a row of modes.def of that family.
std::string own_modes(std::string_view fuzzer, const std::vector<connfuzz::Target>& targets,
                      std::vector<RegisteredTarget>& out) {
  for (const connfuzz::Target& t : targets) {
    auto mode = mode_from_name(t.name);
    if (!mode || mode_family(*mode) != fuzzer)
      return "target '" + t.name + "' is not a mode of connfuzz's " + std::string(fuzzer) + " fuzzer (fuzz/modes.def)";
    out.push_back({*mode, t});
  }
  for (Mode mode : family_modes(fuzzer))
    if (std::none_of(out.begin(), out.end(), [mode](const RegisteredTarget& r) { return r.mode == mode; }))
      return "connfuzz's " + std::string(fuzzer) + " fuzzer has no target for its mode " + mode_name(mode);
  return "";
}

std::string user_modes(std::string_view fuzzer, const std::vector<connfuzz::Target>& targets,
                       std::vector<RegisteredTarget>& out) {
  constexpr std::size_t kMaxUserTargets = 256 - kFirstUserMode;
  if (targets.size() > kMaxUserTargets) return "more than " + std::to_string(kMaxUserTargets) + " targets";
  std::vector<std::string> names;
  for (const connfuzz::Target& t : targets) {
    if (mode_from_name(t.name) && !is_user_mode(*mode_from_name(t.name)))
      return "target '" + t.name + "' has the name of one of connfuzz's own modes: choose another";
    out.push_back({static_cast<Mode>(kFirstUserMode + names.size()), t});
    names.push_back(t.name);
  }
  set_user_modes(fuzzer, std::move(names));
  return "";
}

}  // namespace

// A target held as a plain function pointer is its own entry.
static const void* entry_of(const connfuzz::Target& t) {
  using Plain = connfuzz::Result (*)(const connfuzz::Request&);
  const Plain* plain = t.connect.target<Plain>();
  return plain != nullptr ? reinterpret_cast<const void*>(*plain) : nullptr;
}

std::string register_targets(std::string_view fuzzer, std::vector<connfuzz::Target> targets,
                             std::vector<const void*> entries) {
  if (!is_identifier(fuzzer)) return "the fuzzer's name '" + std::string(fuzzer) + "' is not 1 to 64 of [A-Za-z0-9_]";
  if (targets.empty()) return "the fuzzer has no targets";
  std::set<std::string> seen;
  for (const connfuzz::Target& t : targets) {
    if (!is_identifier(t.name)) return "target name '" + t.name + "' is not 1 to 64 of [A-Za-z0-9_]";
    if (!seen.insert(t.name).second) return "two targets are named '" + t.name + "'";
    if (!t.connect) return "target '" + t.name + "' has no connect function";
  }
  std::vector<RegisteredTarget> out;
  bool own = !family_modes(fuzzer).empty() && !is_user_mode(family_modes(fuzzer).front());
  std::string problem = own ? own_modes(fuzzer, targets, out) : user_modes(fuzzer, targets, out);
  if (!problem.empty()) return problem;
  for (std::size_t i = 0; i < out.size(); ++i)
    out[i].entry = i < entries.size() && entries[i] != nullptr ? entries[i] : entry_of(out[i].target);
  registry() = std::move(out);
  return problem;
}

std::span<const RegisteredTarget> registered_targets() noexcept { return registry(); }

const RegisteredTarget* registered_target(Mode mode) noexcept {
  for (const RegisteredTarget& t : registry())
    if (t.mode == mode) return &t;
  return nullptr;
}

std::string target_location(Mode mode) {
  const RegisteredTarget* t = registered_target(mode);
  if (t == nullptr) return mode_name(mode);
  Dl_info info{};
  if (t->entry == nullptr || dladdr(t->entry, &info) == 0 || info.dli_fname == nullptr) return t->target.name;
  char offset[32];
  std::snprintf(offset, sizeof(offset), "+%#zx",
                static_cast<std::size_t>(static_cast<const char*>(t->entry) - static_cast<const char*>(info.dli_fbase)));
  return t->target.name + " (" + info.dli_fname + offset + ")";
}

}  // namespace connfuzz::fuzz
