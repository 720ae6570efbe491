// Crashes that are findings, not core dumps: a process that expects its children to
// crash (a sweep's runners, a matrix's cells, the cancellation probe) lowers its soft
// core limit to 0 before they do.
#pragma once

namespace connfuzz::inject {

// Sets the calling process's soft RLIMIT_CORE to 0 (inherited across fork and exec);
// the hard limit stays, so a later run the user asks for may raise it again.
void disable_core_files() noexcept;

}  // namespace connfuzz::inject
