// The terminate handler of one_write_terminate.h.
#include "one_write_terminate.h"

#include <cxxabi.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <exception>
#include <string>
#include <typeinfo>

namespace connfuzz::fuzz {
namespace {

std::string what_was_thrown() {
  std::type_info* type = abi::__cxa_current_exception_type();
  if (type == nullptr) return "terminate called without an active exception\n";
  int status = -1;
  char* demangled = abi::__cxa_demangle(type->name(), nullptr, nullptr, &status);
  std::string text = "terminate called after throwing an instance of '" +
                     std::string(status == 0 && demangled != nullptr ? demangled : type->name()) + "'\n";
  std::free(demangled);
  try {
    throw;
  } catch (const std::exception& e) {
    text += "  what():  " + std::string(e.what()) + "\n";
  } catch (...) {
  }
  return text;
}

[[noreturn]] void terminate_in_one_write() {
  static std::atomic<bool> terminating{false};
  // A what() that throws, or a second thread's terminate, gets the plain words.
  std::string text = terminating.exchange(true) ? "terminate called recursively\n" : what_was_thrown();
  (void)!write(STDERR_FILENO, text.data(), text.size());
  std::abort();
}

}  // namespace

void say_uncaught_exceptions_in_one_write() { std::set_terminate(terminate_in_one_write); }

}  // namespace connfuzz::fuzz
