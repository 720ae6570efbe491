// The plan grammar against any text: it never crashes, a rejection names a column
// inside the text, and an accepted plan round-trips: parse -> print -> parse gives
// the same plan and the same text.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "plan.h"

namespace {

[[noreturn]] void violated(const char* property, std::string_view text, const std::string& detail) {
  std::fprintf(stderr, "connfuzz: plan_fuzzer: %s\n  input: %.*s\n  %s\n", property, static_cast<int>(text.size()),
               text.data(), detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A plan is a line; longer inputs only slow the search (libFuzzer's default -max_len).
  constexpr std::size_t kMaxPlanBytes = 4096;
  if (size > kMaxPlanBytes) return -1;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  using namespace connfuzz::inject;
  PlanError error;
  auto plan = parse_plan(text, error);
  if (!plan) {
    if (error.column < 1 || error.column > text.size() + 1)
      violated("a rejection names a column outside the text", text, error.what());
    if (error.message.empty()) violated("a rejection says nothing", text, error.what());
    return 0;
  }
  std::string printed = to_text(*plan);
  PlanError again_error;
  auto again = parse_plan(printed, again_error);
  if (!again) violated("the printed plan does not parse", text, printed + "\n  " + again_error.what());
  if (!(*again == *plan)) violated("parse -> print -> parse changed the plan", text, printed);
  if (to_text(*again) != printed) violated("printing is not stable", text, printed + " vs " + to_text(*again));
  return 0;
}
