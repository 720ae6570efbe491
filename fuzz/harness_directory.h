// Where the harness's AF_UNIX peers live: a directory of its own, always
// /tmp/connfuzz-harness-XXXXXX whatever $TMPDIR says. An input's AF_UNIX address is
// one of these paths, and a length that lies cuts it at a byte: for a file to mean the
// same thing under libFuzzer, AFL++, ClusterFuzz and `connfuzz repro` (each with its own
// $TMPDIR), the path must have the same length and the same prefixes everywhere.
//
// A harness that crashes cannot remove its directory, so each one holds a lock on a
// file inside it for its whole life (its forked children too), and every new harness
// removes the directories whose lock nobody holds any more.
#pragma once

#include <string>

namespace connfuzz::fuzz {

// The file inside a harness directory whose lock says its harness is alive.
inline constexpr const char* kHarnessLockName = "harness.lock";

// Removes abandoned harness directories in `parent`, then makes a new one there, locked
// for this process's life. Throws std::runtime_error naming what failed. `parent` is
// /tmp outside tests.
std::string make_harness_directory(const std::string& parent = "/tmp");

// Removes a harness directory and what is in it (its sockets and lock file).
void remove_harness_directory(const std::string& dir) noexcept;

// Removes every directory in `parent` that a harness made and no living one holds,
// leaving alone any made less than a minute ago (its harness may not hold it yet) and
// any that has no lock file (an older connfuzz's). Returns how many it removed.
int remove_abandoned_harness_directories(const std::string& parent = "/tmp") noexcept;

}  // namespace connfuzz::fuzz
