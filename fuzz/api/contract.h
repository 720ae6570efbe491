// What a target broke of the public API's contract, noted where it is seen (an adapter,
// the harness catching an exception) and read by the verdict after the call.
#pragma once

#include <string>

namespace connfuzz::fuzz {

void note_broken_contract(std::string what);
// The first breach noted since the last take, and forget it ("" when none).
std::string take_broken_contract();

}  // namespace connfuzz::fuzz
