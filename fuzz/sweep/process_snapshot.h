// A single-threaded process's memory, descriptors and signal state, kept so that they can
// be put back in place: what a fork of the same state would start with, without the fork.
// `connfuzz sweep`'s cell runner takes one before its first cell and puts it back after a
// cell that crashed: forking a new runner and burying the old one cost a crash several
// times what the cell did (most of it page faults, on a machine where they are dear).
//
// Put back: every private writable page (the ones present when the snapshot was taken,
// byte for byte; the others dropped, so that they read as zeros or as their file again),
// the program break, mappings made since (unmapped), descriptors opened since (closed),
// every signal's disposition, the alternate signal stack, the umask, the working
// directory, the interval timers. Refused, so that the caller lets the process die as
// before: a second thread, a child process, a pending signal, a POSIX timer, a mapping of
// the snapshot's gone or changed, a descriptor of the snapshot's closed or replaced, a
// signal handler running on a stack the restore would rewrite. Shared mappings keep what
// was written to them, as they do across a fork. Not looked at: resource limits,
// credentials, scheduling, locks held through the snapshot's descriptors.
#pragma once

namespace connfuzz::fuzz {

// False, keeping nothing, when this process cannot have one: more than one thread, or
// more private writable memory than is worth walking (a sanitizer's shadow: terabytes).
bool take_process_snapshot() noexcept;

// Async-signal-safe, for a crash handler: puts the snapshot back. False when there is
// none or when something above is refused; then nothing the caller can see was changed
// but the program break and, if the check failed late, descriptors and mappings made
// since the snapshot (the caller is to die at once).
bool restore_process_snapshot() noexcept;

}  // namespace connfuzz::fuzz
