// Memory straight from the kernel, zero until written and never touched before: for
// the runtime's big tables, made in the preload's constructor or on a program's first
// intercepted call, where an allocator may not be usable (ASan's calls clock_gettime
// while it holds its own lock) and where writing zeros would cost every program under
// connfuzz its start-up.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

namespace connfuzz::inject {

// `size` bytes of zero pages; without them the process cannot go on, so it ends with
// status 125 after naming `what` on stderr.
inline void* zero_pages(std::size_t size, const char* what) noexcept {
  void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p != MAP_FAILED) return p;
  static const char prefix[] = "connfuzz: no memory for the ";
  (void)!write(STDERR_FILENO, prefix, sizeof(prefix) - 1);
  (void)!write(STDERR_FILENO, what, std::strlen(what));
  (void)!write(STDERR_FILENO, "\n", 1);
  _exit(125);
}

}  // namespace connfuzz::inject
