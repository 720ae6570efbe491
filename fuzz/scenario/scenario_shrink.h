// One step simpler: the candidates `connfuzz minimize` tries while the same finding fires.
#pragma once

#include <vector>

#include "scenario.h"

namespace connfuzz::fuzz {

// Scenarios one step simpler than `s`, the biggest steps first: a plan rule or an
// address fewer, half or one byte less of an address, the listener instead of fuzzed
// bytes, the true length, a plainer rule (the first call, no filter, no eventual
// errno), an earlier mode of the same fuzzer, protocol 0, a plain plan. Each differs
// from `s`, and none can be reached back from another, so a greedy walk ends.
std::vector<Scenario> simpler_scenarios(const Scenario& s);

}  // namespace connfuzz::fuzz
