// A single-threaded process's memory, descriptors and signal state, kept so that they can
// be put back in place: what a fork of the same state would start with, without the fork.
// `connfuzz sweep`'s worker (or the cell runner it forks) takes one before its first cell
// and puts it back after a cell that crashed: forking a new runner and burying the old
// one cost a crash several times what the cell did (most of it page faults, on a machine
// where they are dear).
//
// Put back: every private writable page (the ones present or swapped out when the
// snapshot was taken, byte for byte; the others dropped, so that they read as zeros or as
// their file again), the program break, mappings made since (unmapped), descriptors opened
// since (closed), every signal's disposition, the alternate signal stack, the umask, the
// working directory (by its path). Switched off: the interval timers (a fork inherits
// none). Refused, so that the caller lets the process die as before: a second thread, a
// child process, a pending signal, a POSIX timer, a mapping of the snapshot's gone or
// changed, a descriptor of the snapshot's closed or replaced by another file, a signal
// handler running on a stack the restore would rewrite, a process other than the one that
// took it (a child a cell forked). Shared mappings keep what was written to them, as they
// do across a fork. Not looked at: resource limits, credentials, scheduling, prctl and
// seccomp state, sessions, memory locks, SysV semaphore undo, locks held through the
// snapshot's descriptors, a descriptor's offset and flags. What the snapshot keeps is
// read-only once taken, so that a wild write into it faults instead; a restore writes
// only a scratch area of its own.

#pragma once

namespace connfuzz::fuzz {

// False, keeping nothing, when this process cannot have one: more than one thread, or
// more private writable memory than is worth walking (a sanitizer's shadow: terabytes).
bool take_process_snapshot() noexcept;

// Async-signal-safe, for a crash handler with every signal blocked: puts the snapshot
// back. False when there is none, when something above is refused, or when a step fails
// (an munmap, a madvise); the process may then be half put back, and the caller is to die
// at once.
bool restore_process_snapshot() noexcept;

}  // namespace connfuzz::fuzz
