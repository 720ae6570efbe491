// Findings in real code under test (Asio, the kernel), documented in docs/FINDINGS.md,
// as data: the verdicts each explains, the modes it happens in, the error the target
// reports, and the call (or sequence of calls) that defines it. A documented finding
// silences only the verdicts it names, on an input that shows its calls; anything
// else on the same input still fires.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <span>
#include <string_view>

#include "connect_target.h"
#include "event_log.h"
#include "scenario.h"
#include "verdict.h"

namespace connfuzz::fuzz {

// One call as a write-up describes it.
struct CallPattern {
  inject::Call call = inject::Call::connect;
  // anything: whatever it returned (a close frees the descriptor on Linux whatever it returns).
  // clean: it succeeded and, an SO_ERROR read, read no error.
  enum class Err : std::uint8_t { any_failure, equals, other_than, succeeded, clean, anything } err_test = Err::any_failure;
  int err = 0;
  enum class By : std::uint8_t { anyone, plan, kernel } by = By::anyone;  // injected, or the kernel's own answer
  std::string_view args_contain = {};  // a word of the logged arguments ("EPOLL_CTL_MOD")
};

// Where in the input's calls the pattern must stand.
enum class Shape : std::uint8_t {
  some_call,            // some call matches `first`
  then_same_fd,         // a call matches `first` and the very next one matches `then`, on the same descriptor
  every_last_call,      // each of the last kTail calls matches `first`: the call that spun is this one
  reported_by,          // the last call but a close that failed with the reported error matches `first`
                        // (a close comes after the failure it would report: the caller closes what failed)
  last_connect_of_result,  // the last connect on the returned descriptor matches `first`, to `destination`
  then_on_result,       // a call matches `first` (a poll carries no descriptor) and the very next one
                        // matches `then`, on the returned descriptor
};

// A destination a write-up names: its family, and (for AF_INET) port 0.
struct DestinationPattern {
  int family = -1;  // -1: any
  bool port_zero = false;
};

struct KnownFinding {
  std::string_view section;             // docs/FINDINGS.md's heading, and docs/findings/<section>.txt
  std::uint64_t verdicts;               // bits of Verdict it explains
  std::uint64_t modes;                  // bits of Mode it happens in
  int reported = -1;                    // the error the target reports (-1: any)
  Shape shape = Shape::some_call;
  CallPattern first, then = {};
  DestinationPattern destination = {};
};

inline constexpr std::size_t kTail = 16;

std::span<const KnownFinding> known_findings() noexcept;

// A documented finding that is found inside the target's call (an endless loop) stops the
// fuzzer, and OSS-Fuzz files each stop as a new crash. So, outside `connfuzz repro`, an
// input whose plan would cause one is steered around it: the unbounded rule that drives
// the loop is dropped, and the rest of the input runs. Returns the write-up's section
// when it steered ("" when the input was left as it was).
std::string_view steer_around_documented_stops(Scenario& scenario);

// Whether the write-up explains this finding of this input.
bool explains(const KnownFinding& known, const Scenario& scenario, const targets::ConnectResult& result,
              std::span<const inject::Event* const> events, const Finding& finding);

// The FINDINGS.md section that documents this finding, or "" when none does.
std::string_view documented_finding(const Scenario& scenario, const targets::ConnectResult& result,
                                    std::span<const inject::Event* const> events, const Finding& finding);

}  // namespace connfuzz::fuzz
