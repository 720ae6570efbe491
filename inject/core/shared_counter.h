// A count that every intercepted call bumps: the plan's call indexes, the log's slots.
// Threads and signal handlers bump it at once, so each bump must be one indivisible
// read-modify-write. Across threads that takes x86's bus lock, which was a third of an
// injected connect's cost; while the process has a single thread, an unlocked `xadd`
// is enough, because a signal lands between two instructions, never inside one. glibc's
// __libc_single_threaded turns false before the second thread exists and stays false
// (libstdc++ counts shared_ptr references the same way). A thread started with a raw
// clone(), unknown to glibc, is not seen: such programs are not supported (README).
#pragma once

#include <cstdint>

// Under ThreadSanitizer every bump stays an atomic it can see.
#if defined(__SANITIZE_THREAD__)
#define CONNFUZZ_UNLOCKED_BUMP 0
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define CONNFUZZ_UNLOCKED_BUMP 0
#endif
#endif
// glibc 2.32 and later (OSS-Fuzz's builder has 2.31: always locked there).
#if !defined(CONNFUZZ_UNLOCKED_BUMP) && defined(__x86_64__) && __has_include(<sys/single_threaded.h>)
#include <sys/single_threaded.h>
#define CONNFUZZ_UNLOCKED_BUMP 1
#elif !defined(CONNFUZZ_UNLOCKED_BUMP)
#define CONNFUZZ_UNLOCKED_BUMP 0
#endif

namespace connfuzz::inject {

class SharedCounter {
 public:
  // Adds one and returns the value before.
  std::uint32_t bump() noexcept {
#if CONNFUZZ_UNLOCKED_BUMP
    if (__libc_single_threaded) {
      std::uint32_t before = 1;
      asm volatile("xaddl %0, %1" : "+r"(before), "+m"(value_) : : "memory", "cc");
      return before;
    }
#endif
    return __atomic_fetch_add(&value_, 1, __ATOMIC_ACQ_REL);
  }
  // The compilers' builtins rather than std::atomic_ref, which libc++ 14 lacks.
  std::uint32_t load() const noexcept { return __atomic_load_n(&value_, __ATOMIC_ACQUIRE); }
  void store(std::uint32_t value) noexcept { __atomic_store_n(&value_, value, __ATOMIC_RELEASE); }

 private:
  std::uint32_t value_ = 0;
};

}  // namespace connfuzz::inject
