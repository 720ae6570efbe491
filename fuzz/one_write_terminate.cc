// The terminate handler of one_write_terminate.h. Its words go into a fixed buffer: an
// allocation that fails, or a what() that throws, must not cost the line that names the
// exception's type.
#include "one_write_terminate.h"

#include <cxxabi.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <typeinfo>

namespace connfuzz::fuzz {
namespace {

struct Words {
  char text[4096];
  std::size_t used = 0;
  void add(const char* more) {
    std::size_t n = std::min(std::strlen(more), sizeof(text) - used);
    std::memcpy(text + used, more, n);
    used += n;
  }
};

void add_what_was_thrown(Words& words) {
  std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) return words.add("terminate called without an active exception\n");
  int status = -1;
  char* demangled = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
  words.add("terminate called after throwing an instance of '");
  words.add(status == 0 && demangled != nullptr ? demangled : type->name());
  words.add("'\n");
  std::free(demangled);
  try {
    throw;
  } catch (const std::exception& e) {
    try {
      const char* what = e.what();
      words.add("  what():  ");
      words.add(what);
      words.add("\n");
    } catch (...) {
    }
  } catch (...) {
  }
}

// The raw system call: in a fuzzer, write() is the interposer's.
void write_all(const Words& words) {
  for (std::size_t done = 0; done < words.used;) {
    long n = syscall(SYS_write, STDERR_FILENO, words.text + done, words.used - done);
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

[[noreturn]] void terminate_in_one_write() {
  static std::atomic<bool> terminating{false};
  if (terminating.exchange(true)) {
    // A second thread's terminate: the first one's words are on their way, and its abort
    // ends the process; a moment, then this one's if it has not.
    timespec moment{1, 0};
    syscall(SYS_nanosleep, &moment, nullptr);
    std::abort();
  }
  static Words words;
  add_what_was_thrown(words);
  write_all(words);
  std::abort();
}

}  // namespace

void say_uncaught_exceptions_in_one_write() { std::set_terminate(terminate_in_one_write); }

}  // namespace connfuzz::fuzz
