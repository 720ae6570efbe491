// A reason's words with what differs from run to run put as a placeholder, so that two
// sweeps of one target give the same table: the pid that starts a call's line (PID), the
// harness's ephemeral ports (PORT), its temporary directories (TMP), the engine's pid
// (==PID==), and the descriptor a socket gets (FD: a library's own threads open theirs
// when they run, GLib's async client).
#pragma once

#include <string>
#include <string_view>

namespace connfuzz::tools {

std::string stable_text(std::string_view text);

}  // namespace connfuzz::tools
