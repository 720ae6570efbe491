// Runs a call on a thread of its own and tells a deadlock from a slow call without
// waiting for a timeout: a call is deadlocked when its thread, and every thread that
// started while it ran, sleep in futex waits with no timeout, sample after sample;
// nothing of the call is left to wake them.
#pragma once

#include <functional>

namespace connfuzz::fuzz {

enum class CallEnd {
  returned,
  deadlocked,  // every thread of the call asleep on a futex without a timeout
  timed_out,   // still going (running, or waiting with a timeout) after the cap
};

// A call that does not return is left behind on its thread, with `job`.
CallEnd run_watched(std::function<void()> job, int cap_seconds);

}  // namespace connfuzz::fuzz
