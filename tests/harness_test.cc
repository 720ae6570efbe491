// The harness between inputs: what one input leaves at the peers is gone before the next.
#include "harness.h"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

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
  static void SetUpTestSuite() { harness().initialize("posix"); }
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
    Verdict verdict = harness().run(connects);
    ASSERT_FALSE(verdict.finding) << "input " << i << ": " << verdict.finding->reason << "\n" << verdict.calls;
    ASSERT_FALSE(pending_at(peer)) << "input " << i << " left its connection at the peer";
  }
}
