// The harness between inputs: what one input leaves at the peers is gone before the next.
#include "harness.h"
#include "target_lists.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "scenario.h"

using namespace connfuzz::fuzz;

namespace {

Scenario scenario_from(std::string_view text) {
  TextError error;
  auto scenario = parse_text(text, error);
  if (!scenario) ADD_FAILURE() << error.what();
  return scenario.value_or(Scenario{});
}

// Whether a connection waits at the peer's accept queue.
bool pending_at(const Peer& peer) {
  int fd = accept4(peer.fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd >= 0) close(fd);
  return fd >= 0;
}

class HarnessTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    ASSERT_EQ(register_targets("posix", connfuzz::targets::posix_targets()), "");
    harness().initialize("posix");
  }
};

}  // namespace

// More real connections than the listener's backlog holds: with a peer left undrained,
// a later blocking connect would wait for room in its queue.
TEST_F(HarnessTest, RealConnectsAreAcceptedBeforeTheNextInput) {
  Scenario connects = for_family(scenario_from("mode=posix_blocking\nsocket=AF_UNIX,SOCK_STREAM,0\n"
                                               "address=listener,AF_UNIX,length=true\n"),
                                 "posix");
  const Peer& peer = harness().listeners().accepting(SOCK_STREAM, AF_UNIX);
  for (int i = 0; i < SOMAXCONN + 10; ++i) {
    InputVerdict verdict = harness().run(connects);
    ASSERT_FALSE(verdict.any()) << "input " << i << ": " << verdict.findings.front().reason << "\n" << verdict.calls;
    ASSERT_FALSE(pending_at(peer)) << "input " << i << " left its connection at the peer";
  }
}

// The share of inputs the kernel answered is what the main job's summary shows beside
// exec/s: an input answered by the plan alone, or one whose socket() failed, is not one.
TEST_F(HarnessTest, CountsTheInputsWhoseConnectReachedTheKernel) {
  Scenario real = for_family(scenario_from("mode=posix_nonblocking\nsocket=AF_INET,SOCK_STREAM,0\n"
                                           "address=listener,AF_INET,length=true\n"),
                             "posix");
  Scenario injected = for_family(scenario_from("mode=posix_nonblocking\nsocket=AF_INET,SOCK_STREAM,0\n"
                                               "plan=connect@1=ECONNREFUSED\naddress=listener,AF_INET,length=true\n"),
                                 "posix");
  Scenario no_socket = for_family(scenario_from("mode=posix_nonblocking\nsocket=AF_UNSPEC,SOCK_STREAM,0\n"
                                                "address=listener,AF_INET,length=true\n"),
                                  "posix");
  RunStats before = harness().stats();
  for (const Scenario* input : {&real, &injected, &no_socket, &real}) {
    InputVerdict verdict = harness().run(*input);
    ASSERT_FALSE(verdict.any()) << verdict.findings.front().reason << "\n" << verdict.calls;
  }
  EXPECT_EQ(harness().stats().executions, before.executions + 4);
  EXPECT_EQ(harness().stats().kernel_inputs, before.kernel_inputs + 2);
}

// Once the target returned, the harness looks at its descriptor with calls of its own:
// the plan is for the target's calls, so an "every getsockopt fails" rule does not make
// its connected socket "not a socket" (a user's fuzzer reported broken-contract so).
TEST_F(HarnessTest, ThePlanDoesNotReachTheHarnesssOwnLookAtTheResult) {
  Scenario every_getsockopt = for_family(scenario_from("mode=posix_blocking\nsocket=AF_INET,SOCK_STREAM,0\n"
                                                       "plan=getsockopt@*=ENOTSOCK mode=any\n"
                                                       "address=listener,AF_INET,length=true\n"),
                                         "posix");
  InputVerdict verdict = harness().run(every_getsockopt);
  EXPECT_FALSE(verdict.any()) << verdict.findings.front().reason << "\n" << verdict.calls;
}

TEST_F(HarnessTest, StatsFileCarriesTheCounts) {
  namespace fs = std::filesystem;
  fs::path file = fs::temp_directory_path() / ("connfuzz-stats-" + std::to_string(getpid()) + ".json");
  ASSERT_EQ(setenv("CONNFUZZ_STATS", file.c_str(), 1), 0);
  harness().write_stats();
  unsetenv("CONNFUZZ_STATS");
  std::ifstream in(file);
  ASSERT_TRUE(in) << file;
  nlohmann::json stats = nlohmann::json::parse(in, nullptr, /*allow_exceptions=*/false);
  fs::remove(file);
  ASSERT_TRUE(stats.is_object());
  EXPECT_EQ(stats["fuzzer"], "posix");
  EXPECT_EQ(stats["executions"], harness().stats().executions);
  EXPECT_EQ(stats["kernel_inputs"], harness().stats().kernel_inputs);
  EXPECT_EQ(stats["rows"], harness().stats().rows_fired.size());
}
