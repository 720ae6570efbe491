// The C++ form: a lambda that captures, an owner object, an error convention, and
// (THROWS) an exception out of the target.
#include <unistd.h>

#include <memory>
#include <stdexcept>

#include <connfuzz/connfuzz.hpp>

namespace {

struct Counter {
  int calls = 0;
};

std::vector<connfuzz::Target> targets() {
  auto counter = std::make_shared<Counter>();
  connfuzz::Traits traits;
  traits.translations = {{EAGAIN, ENOBUFS}};
  return {{"cxx_refusing", [counter](const connfuzz::Request&) {
             ++counter->calls;
#ifdef THROWS
             throw std::runtime_error("no route table");
#endif
             return connfuzz::Result::rejected(EINVAL, "refused before connecting");
           },
           traits}};
}

}  // namespace

CONNFUZZ_FUZZER(FUZZER_NAME, targets)
