// Builds the errno table and the call list from their .def files.
#include "errno_table.h"

#include <array>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <vector>

namespace connfuzz::inject {
namespace {

using enum ErrnoClass;
constexpr bool Real = true;
constexpr bool Synth = false;

constexpr ErrnoRow kRows[] = {
#define CONNFUZZ_ERRNO(call, err, klass, sources, real, when) \
  {Call::call, err, klass, static_cast<std::uint8_t>(sources), real, static_cast<std::uint16_t>(when)},
#include "errno_table.def"
#undef CONNFUZZ_ERRNO
};

struct CallInfo {
  std::string_view name;
  std::string_view covers;
  bool cancellation_point;
};
constexpr CallInfo kCalls[] = {
#define CONNFUZZ_CALL(id, name, covers, cancellation_point) {name, covers, cancellation_point},
#include "calls.def"
#undef CONNFUZZ_CALL
};
static_assert(std::size(kCalls) == kCallCount);

constexpr int kMaxErrno = 4095;

}  // namespace

std::span<const ErrnoRow> errno_rows() noexcept { return kRows; }

std::string_view call_name(Call call) noexcept { return kCalls[static_cast<int>(call)].name; }
std::string_view call_covers(Call call) noexcept { return kCalls[static_cast<int>(call)].covers; }
bool is_cancellation_point(Call call) noexcept { return kCalls[static_cast<int>(call)].cancellation_point; }

std::optional<Call> call_from_name(std::string_view name) noexcept {
  for (int i = 0; i < kCallCount; ++i)
    if (kCalls[i].name == name) return static_cast<Call>(i);
  return std::nullopt;
}

std::string_view class_name(ErrnoClass klass) noexcept {
  switch (klass) {
    case StillConnecting: return "still-connecting";
    case OutOfResources: return "out-of-resources";
    case Refused: return "refused";
    case BadRequest: return "bad-request";
  }
  return "?";
}

std::string sources_text(std::uint8_t sources) {
  static constexpr std::pair<Source, std::string_view> kNames[] = {
      {GLIBC, "glibc"}, {LINUX, "Linux"}, {SVR4, "SVr4"}, {QNX, "QNX"}, {POSIX, "POSIX"}};
  std::string out;
  for (auto [bit, name] : kNames)
    if (sources & bit) out.append(out.empty() ? "" : ",").append(name);
  return out;
}

std::string when_text(std::uint16_t when) {
  if (when == Anytime) return "any state";
  if (when & Never) return "never on a live socket";
  static constexpr std::pair<When, std::string_view> kNames[] = {
      {Blocking, "blocking"}, {Nonblocking, "non-blocking"}, {Inet, "inet"},  {Unix, "unix"},
      {Stream, "stream"},     {Pending, "pending"},          {Connected, "connected"}};
  std::string out;
  for (auto [bit, name] : kNames)
    if (when & bit) out.append(out.empty() ? "" : ",").append(name);
  return out;
}

const ErrnoRow* find_row(Call call, int err) noexcept {
  for (const ErrnoRow& row : kRows)
    if (row.call == call && row.err == err) return &row;
  return nullptr;
}

const char* errno_name(int err) noexcept {
  if (err <= 0 || err > kMaxErrno) return nullptr;
  return strerrorname_np(err);
}

std::span<const int> platform_errnos() noexcept {
  static const std::vector<int> all = [] {
    std::vector<int> v;
    for (int e = 1; e <= kMaxErrno; ++e)
      if (strerrorname_np(e) != nullptr) v.push_back(e);
    return v;
  }();
  return all;
}

std::optional<int> errno_from_text(std::string_view text) noexcept {
  if (text.empty()) return std::nullopt;
  if (text.front() >= '0' && text.front() <= '9') {
    int value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size() || errno_name(value) == nullptr)
      return std::nullopt;
    return value;
  }
  for (int e : platform_errnos())
    if (text == errno_name(e)) return e;
  // Names that the platform gives as aliases of another errno's number.
  static constexpr std::pair<std::string_view, int> kAliases[] = {
      {"EWOULDBLOCK", EWOULDBLOCK}, {"ENOTSUP", ENOTSUP}, {"EDEADLOCK", EDEADLOCK}};
  for (auto [alias, value] : kAliases)
    if (text == alias) return value;
  return std::nullopt;
}

ErrnoClass class_of(Call call, int err) noexcept {
  const ErrnoRow* row = find_row(call, err);
  if (row != nullptr) return row->klass;
  return err == EINPROGRESS || err == EALREADY || err == EINTR ? ErrnoClass::StillConnecting : ErrnoClass::BadRequest;
}

}  // namespace connfuzz::inject
