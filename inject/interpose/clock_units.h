// Nanoseconds and timespecs, and a clock as the kernel reads it (past the wrappers).
#pragma once

#include <time.h>

#include <cstdint>

#include "real_calls.h"

namespace connfuzz::inject {

inline constexpr std::int64_t kNsPerSec = 1'000'000'000;

// Whether ns_of(ts) fits in 64 bits (a tv_sec near its type's limit means "for ever").
inline bool fits_in_ns(const timespec& ts) { return ts.tv_sec < INT64_MAX / kNsPerSec - 1; }
inline std::int64_t ns_of(const timespec& ts) { return ts.tv_sec * kNsPerSec + ts.tv_nsec; }
inline timespec timespec_of(std::int64_t ns) { return {static_cast<time_t>(ns / kNsPerSec), static_cast<long>(ns % kNsPerSec)}; }

inline std::int64_t real_now_ns(clockid_t clock) {
  timespec ts{};
  real().clock_gettime(clock, &ts);
  return ns_of(ts);
}

}  // namespace connfuzz::inject
