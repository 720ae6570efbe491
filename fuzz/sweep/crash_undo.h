// A sweep worker (or cell runner) that outlives the cells that crash it: the crash is
// undone in place (the process put back as it was before its first cell) instead of a
// new runner forked or a new worker started.
#pragma once

#include <csetjmp>

namespace connfuzz::fuzz {

// Installs the crash handlers and takes the process snapshot; call it right after
// sigsetjmp(*back, 1) returned 0, in the frame that runs the cells, with `back` in static
// storage (the snapshot then holds it as set). From then on a crash signal (an abort, a
// fault) between cell_begins and cell_ends puts the process back as it was here, writes on
// `outcomes` "died\t<wait status>\tundone" (the line a forked runner's death makes its
// worker write, and "undone") and jumps to `back`. A crash it cannot undo goes to the
// handler that was there before (the default: a forked runner dies, and its worker forks
// another; a worker that ran its cells itself dies, and `connfuzz sweep` starts another).
// False, with nothing installed, when the process can have no snapshot
// (process_snapshot.h) or CONNFUZZ_SWEEP_RESTORE is 0.
bool undo_crashes_in_place(sigjmp_buf* back, int outcomes);

void cell_begins() noexcept;
void cell_ends() noexcept;

}  // namespace connfuzz::fuzz
