// A fixture that installs a plan into the in-process injector for one test.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>

#include "loopback.h"
#include "plan.h"
#include "runtime.h"

namespace connfuzz::testing {

// `clock` as the program reads it: through the wrapper, on the virtual clock.
inline std::int64_t program_clock_ns(clockid_t clock = CLOCK_MONOTONIC) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

// CLOCK_MONOTONIC as the kernel keeps it (the system call, past the wrapper).
inline std::int64_t kernel_clock_ns() {
  timespec ts{};
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

class InjectorTest : public ::testing::Test {
 protected:
  // These tests stand for a program that catches signals, as the fuzzers' targets do:
  // every EINTR the socket's state allows can happen (interpose_signals_test.cc tracks).
  void SetUp() override {
    inject::runtime().clear_plan();
    inject::runtime().set_signal_handlers(inject::SignalHandlers::caught);
  }
  void TearDown() override { inject::runtime().clear_plan(); }

  static void use_plan(const std::string& text) { inject::runtime().install(inject::parse_plan(text)); }

  // A non-blocking connect through the injector that the plan keeps pending.
  static int pending_connect(const LoopbackPort& server) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
    EXPECT_EQ(errno, EINPROGRESS);
    return fd;
  }

  // The event log, one formatted line per event, for assertions and failure output.
  static std::string log_text() {
    std::string out;
    auto& log = inject::runtime().log();
    for (std::uint32_t i = 0; i < log.size(); ++i) {
      char line[512];
      inject::format_event(log.at(i), line, sizeof(line));
      out += line;
    }
    return out;
  }
};

}  // namespace connfuzz::testing
