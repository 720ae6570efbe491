// A fixture that installs a plan into the in-process injector for one test.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "plan.h"
#include "runtime.h"

namespace connfuzz::testing {

class InjectorTest : public ::testing::Test {
 protected:
  void SetUp() override { inject::runtime().clear_plan(); }
  void TearDown() override { inject::runtime().clear_plan(); }

  static void use_plan(const std::string& text) { inject::runtime().install(inject::parse_plan(text)); }

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
