// A cell runner that outlives the cells that crash it: the crash is undone in place (the
// process put back as it was before its first cell) instead of a new runner forked.
#pragma once

#include <csetjmp>

namespace connfuzz::fuzz {

// Installs the crash handlers and takes the process snapshot. From then on a crash
// signal (an abort, a fault) between cell_begins and cell_ends puts the process back as it
// was here, writes on `outcomes` the line a forked runner's death would have made the
// worker write ("died\t<wait status>"), and jumps to `back`, which the caller sets with
// sigsetjmp(back, 1) at once. False, with nothing installed, when the process can have no
// snapshot (process_snapshot.h) or CONNFUZZ_SWEEP_RESTORE is 0: a crash kills the runner.
bool undo_crashes_in_place(sigjmp_buf* back, int outcomes);

void cell_begins() noexcept;
void cell_ends() noexcept;

}  // namespace connfuzz::fuzz
