// The snapshot tests' frame: a process takes one snapshot in its life, so each case runs
// in a child of its own and sends back what it found wrong.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <functional>
#include <string>

namespace connfuzz::testing {

// Everything there is to read from `fd`, to its end (or, non-blocking, to what is there).
inline std::string read_all(int fd) {
  std::string text;
  char buffer[512];
  for (ssize_t n; (n = read(fd, buffer, sizeof(buffer))) > 0;) text.append(buffer, static_cast<std::size_t>(n));
  return text;
}

// What `body` reports wrong (empty: nothing), from a child; its exit must be clean too.
inline std::string in_child(const std::function<std::string()>& body) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return "pipe failed";
  pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    std::string wrong = body();
    if (write(pipe_fds[1], wrong.data(), wrong.size()) < 0) _exit(3);
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string said = read_all(pipe_fds[0]);
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) said += " (the child ended with wait status " + std::to_string(status) + ")";
  return said;
}

// AddressSanitizer's, ThreadSanitizer's and MemorySanitizer's shadow memory is more than a
// snapshot walks: under them sweeps fork a runner for each crash (UndefinedBehaviorSanitizer
// alone has none).
inline bool has_shadow_memory() {
  std::string sanitizers = CONNFUZZ_SANITIZE;
  return sanitizers.find("address") != std::string::npos || sanitizers.find("thread") != std::string::npos ||
         sanitizers.find("memory") != std::string::npos;
}

}  // namespace connfuzz::testing

#define SKIP_UNDER_A_SANITIZER_WITH_SHADOW()            \
  if (connfuzz::testing::has_shadow_memory())           \
  GTEST_SKIP() << "built with " CONNFUZZ_SANITIZE ": no snapshot is taken"
