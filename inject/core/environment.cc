// The CONNFUZZ_* environment variables: the table of environment.def, their values, and
// the warning for a misspelt one. Nothing here allocates: the preload's start-up uses it.
#include "environment.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <iterator>

#include "edit_distance.h"

extern char** environ;

namespace connfuzz::inject {
namespace {

constexpr EnvVarInfo kRows[] = {
#define CONNFUZZ_ENV(id, name, fallback, meaning) {EnvVar::id, name, fallback, meaning},
#include "environment.def"
#undef CONNFUZZ_ENV
};

constexpr const char* kNames[] = {
#define CONNFUZZ_ENV(id, name, fallback, meaning) name,
#include "environment.def"
#undef CONNFUZZ_ENV
};

constexpr std::string_view kPrefix = "CONNFUZZ_";
// Longer than every name of the table; a longer unknown name is far from all of them.
constexpr std::size_t kLongestName = kLongestKnownName;
constexpr bool names_fit() {
  for (const EnvVarInfo& r : kRows)
    if (r.name.size() > kLongestName || !r.name.starts_with(kPrefix)) return false;
  return true;
}
static_assert(names_fit(), "environment.def: every name starts with CONNFUZZ_ and fits kLongestName");
// A name this close to a known one is taken for a misspelling of it.
constexpr std::size_t kCloseEnough = 3;


// Appends `text` to the line at `used`, as much as fits.
void append(char* line, std::size_t size, std::size_t& used, std::string_view text) noexcept {
  std::size_t n = std::min(text.size(), size - used);
  std::memcpy(line + used, text.data(), n);
  used += n;
}

void warn_one(std::string_view name, const char* who) noexcept {
  char line[512];
  constexpr std::size_t kRoom = sizeof line - 1;  // the last byte is the newline's
  std::size_t used = 0;
  append(line, kRoom, used, "connfuzz: ");
  if (who != nullptr && *who != '\0') {
    append(line, kRoom, used, who);
    append(line, kRoom, used, ": ");
  }
  append(line, kRoom, used, "unknown environment variable ");
  append(line, kRoom, used, name.substr(0, 200));
  if (const char* near = nearest_environment_name(name)) {
    append(line, kRoom, used, "; did you mean ");
    append(line, kRoom, used, near);
    append(line, kRoom, used, "?");
  } else {
    append(line, kRoom, used, " (connfuzz --help-env lists them)");
  }
  line[used++] = '\n';
  ssize_t ignored = write(STDERR_FILENO, line, used);
  (void)ignored;
}

}  // namespace

std::span<const EnvVarInfo> environment_rows() noexcept { return kRows; }

const char* env_name(EnvVar var) noexcept { return kNames[static_cast<std::size_t>(var)]; }

const char* env_value(EnvVar var) noexcept { return std::getenv(env_name(var)); }

const char* nearest_environment_name(std::string_view name) noexcept {
  const char* best = nullptr;
  std::size_t best_distance = kCloseEnough;
  for (const char* known : kNames) {
    std::string_view candidate = known;
    if (candidate == name) return nullptr;
    std::size_t apart = name.size() > candidate.size() ? name.size() - candidate.size() : candidate.size() - name.size();
    if (apart >= best_distance) continue;
    std::size_t d = edit_distance(name, candidate, false);
    if (d < best_distance) best = known, best_distance = d;
  }
  return best;
}

void warn_unknown_environment(const char* who) noexcept {
  static std::atomic<bool> warned{false};
  if (warned.exchange(true, std::memory_order_relaxed) || environ == nullptr) return;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    std::string_view text = *entry;
    std::string_view name = text.substr(0, text.find('='));
    if (!name.starts_with(kPrefix)) continue;
    // std::any_of: libc++ 14 (the OSS-Fuzz build's) has no std::ranges::any_of.
    bool known = std::any_of(std::begin(kRows), std::end(kRows), [&](const EnvVarInfo& r) { return r.name == name; });
    if (!known) warn_one(name, who);
  }
}

}  // namespace connfuzz::inject
