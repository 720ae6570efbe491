// Format 1's positional picks, frozen; format 2's codes.
#include "format.h"

#include <algorithm>
#include <cerrno>
#include <vector>

#include "errno_table.h"

namespace connfuzz::fuzz {
namespace {

using inject::Call;

// Format 1 picked a mode as modes.def's [b % 29]: the 29 modes there were (codes 0 to 28).
constexpr int kV1ModeCount = 29;
constexpr int kV1CallCount = 18;

#define CONNFUZZ_V1_ROWS(call, ...) std::vector<int>{__VA_ARGS__},
const std::vector<int> kV1Rows[] = {
#include "format_v1_rows.def"
};
#undef CONNFUZZ_V1_ROWS
static_assert(std::size(kV1Rows) == kV1CallCount);

const std::vector<int>& rows_now(Call call) {
  static const auto by_call = [] {
    std::vector<std::vector<int>> table(inject::kCallCount);
    for (const auto& row : inject::errno_rows()) table[static_cast<int>(row.call)].push_back(row.err);
    return table;
  }();
  return by_call[static_cast<int>(call)];
}

const std::vector<int>& rows_of(Format format, Call call) {
  if (format.version == 1 && static_cast<int>(call) < kV1CallCount) return kV1Rows[static_cast<int>(call)];
  return rows_now(call);
}

bool has_row(Call call, int err) {
  for (int e : rows_now(call))
    if (e == err) return true;
  return false;
}

}  // namespace

Format format_of(std::span<const std::uint8_t> bytes, std::size_t& header_size) noexcept {
  if (!bytes.empty() && bytes[0] == kFormat2Tag) {
    header_size = 1;
    return Format{2};
  }
  header_size = 0;
  return Format{1};
}

Mode mode_from_byte(Format format, std::uint8_t b) noexcept {
  if (format.version == 1) return all_modes()[b % kV1ModeCount];
  // A user's target keeps its code (for_family maps it onto the fuzzer's own); a code
  // below that no mode has (a raw engine input) picks one of connfuzz's own modes.
  auto own = all_modes();
  bool known = std::find(own.begin(), own.end(), static_cast<Mode>(b)) != own.end();
  return known || b >= kFirstUserMode ? static_cast<Mode>(b) : own[b % own.size()];
}

Call call_from_byte(Format format, std::uint8_t b) noexcept {
  return static_cast<Call>(b % (format.version == 1 ? kV1CallCount : inject::kCallCount));
}

int errno_from_byte(Format format, Call call, std::uint8_t b) noexcept {
  const std::vector<int>& rows = rows_of(format, call);
  if (format.version >= 2 && has_row(call, b)) return b;
  return rows.empty() ? (b & 0x7f) : rows[b % rows.size()];
}

int eventual_from_byte(Format format, Call call, std::uint8_t v) noexcept {
  const std::vector<int>& rows = rows_of(format, call);
  if (format.version >= 2 && has_row(call, v)) return v;
  return rows.empty() ? -1 : rows[(v - 1u) % rows.size()];
}

int errno_byte(Call call, int err) noexcept { return err > 0 && err < 128 && has_row(call, err) ? err : -1; }

}  // namespace connfuzz::fuzz
