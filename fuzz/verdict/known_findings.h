// Findings in real code under test (Asio, the kernel), documented in docs/FINDINGS.md.
// A fuzzer counts an input that breaks an oracle in exactly a documented way and goes
// on; a test replays each one's file and expects it still to happen. The oracle itself
// is never weakened: anything outside a documented finding's description still stops.
#pragma once

#include <span>
#include <string_view>

#include "connect_target.h"
#include "oracles.h"
#include "scenario.h"

namespace connfuzz::fuzz {

// The FINDINGS.md section that documents this finding, or "" when none does.
std::string_view documented_finding(const Scenario& scenario, const targets::ConnectResult& result,
                                    std::span<const inject::Event* const> events, const Finding& finding);

}  // namespace connfuzz::fuzz
