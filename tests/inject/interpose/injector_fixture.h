// A fixture that installs a plan into the in-process injector for one test.
#pragma once

#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>

#include "loopback.h"
#include "plan.h"
#include "runtime.h"

namespace connfuzz::testing {

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
