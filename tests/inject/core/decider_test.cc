// The decider's realistic EINTR: signal(7)'s lists as a table, and the refusal it logs.
#include <gtest/gtest.h>

#include <cerrno>
#include <string>

#include "decider.h"

namespace connfuzz::inject {
namespace {

struct Case {
  Call call;
  std::uint8_t interrupters;
  const char* why;  // nullptr: EINTR is possible
};

constexpr std::uint8_t kNone = 0;
constexpr std::uint8_t kRestarting = kCaughtSignal;  // every handler has SA_RESTART

class WhyNoEintrTest : public ::testing::TestWithParam<Case> {};

TEST_P(WhyNoEintrTest, FollowsSignal7) {
  const Case& c = GetParam();
  const char* why = why_no_eintr(c.call, c.interrupters);
  EXPECT_STREQ(why, c.why) << call_name(c.call) << " with interrupters " << int{c.interrupters};
}

INSTANTIATE_TEST_SUITE_P(
    Calls, WhyNoEintrTest,
    ::testing::Values(
        // Restarted by SA_RESTART unless the socket has a timeout; a stop interrupts them only with one.
        Case{Call::connect, kNone, kNoHandler}, Case{Call::connect, kRestarting, kEveryHandlerRestarts},
        Case{Call::connect, kHandlersUnknown, nullptr}, Case{Call::connect, kSendTimeout, nullptr},
        Case{Call::connect, kReceiveTimeout, kNoHandler}, Case{Call::send, kRestarting, kEveryHandlerRestarts},
        Case{Call::send, kRestarting | kSendTimeout, nullptr}, Case{Call::write, kNone | kSendTimeout, nullptr},
        Case{Call::recv, kSendTimeout, kNoHandler}, Case{Call::recv, kReceiveTimeout, nullptr},
        Case{Call::read, kRestarting, kEveryHandlerRestarts}, Case{Call::read, kHandlersUnknown, nullptr},
        // Never restarted: any handler interrupts them; a stop does not (poll and select restart then).
        Case{Call::poll, kNone, kNoHandler}, Case{Call::poll, kRestarting, nullptr},
        Case{Call::ppoll, kSendTimeout | kReceiveTimeout, kNoHandler}, Case{Call::select, kRestarting, nullptr},
        Case{Call::pselect, kNone, kNoHandler}, Case{Call::close, kNone, kNoHandler},
        Case{Call::close, kRestarting, nullptr},
        // A stop and SIGCONT interrupt epoll_wait even without a handler.
        Case{Call::epoll_wait, kNone, nullptr}));

Decision decide_once(const std::string& plan_text, Call call, std::uint8_t interrupters) {
  Decider decider;
  decider.install(parse_plan(plan_text));
  Facts facts;
  facts.family = AF_INET;
  facts.type = SOCK_STREAM;
  facts.state = Blocking | Inet | Stream | Connected;
  facts.interrupters = interrupters;
  return decider.decide(call, facts);
}

TEST(Decider, RefusesAnEintrNoSignalCanCauseAndSaysWhy) {
  Decision d = decide_once("connect@1=EINTR", Call::connect, kNone);
  EXPECT_EQ(d.rule, 0);
  EXPECT_TRUE(d.refused);
  EXPECT_STREQ(d.why, kNoHandler);
}

TEST(Decider, FiresAnEintrAHandlerCanCause) {
  Decision d = decide_once("connect@1=EINTR", Call::connect, kCaughtSignal | kCaughtWithoutRestart);
  EXPECT_TRUE(d.fired());
  EXPECT_EQ(d.err, EINTR);
}

TEST(Decider, AWaitInterruptedAfterADelayIsAnEintrToo) {
  Decision d = decide_once("poll@1=+400ms>EINTR", Call::poll, kNone);
  EXPECT_TRUE(d.refused);
  EXPECT_STREQ(d.why, kNoHandler);
  EXPECT_TRUE(decide_once("poll@1=+400ms>EINTR", Call::poll, kRestarting).fired());
}

// Linux's ep_poll returns at once for a zero timeout, before it looks for a signal:
// epoll_pwait(timeout 0) with a signal pending returns 0, where ppoll returns EINTR.
TEST(Decider, RefusesAnEintrFromAnEpollWaitThatDoesNotBlock) {
  Decider decider;
  decider.install(parse_plan("epoll_wait@*=EINTR poll@*=EINTR"));
  Facts facts;
  facts.interrupters = kHandlersUnknown;
  facts.wait_does_not_block = true;
  Decision d = decider.decide(Call::epoll_wait, facts);
  EXPECT_TRUE(d.refused);
  EXPECT_STREQ(d.why, kWaitDoesNotBlock);
  // poll with a zero timeout still checks for signals; an epoll_wait that blocks is interrupted.
  EXPECT_TRUE(decider.decide(Call::poll, facts).fired());
  facts.wait_does_not_block = false;
  EXPECT_TRUE(decider.decide(Call::epoll_wait, facts).fired());
  Decider any;
  any.install(parse_plan("epoll_wait@*=EINTR mode=any"));
  facts.wait_does_not_block = true;
  EXPECT_TRUE(any.decide(Call::epoll_wait, facts).fired());
}

TEST(Decider, AnyModeKeepsEveryEintr) {
  EXPECT_TRUE(decide_once("connect@1=EINTR poll@1=EINTR mode=any", Call::connect, kNone).fired());
}

TEST(Decider, OtherRefusalsKeepTheirOwnReason) {
  Decision d = decide_once("connect@1=EINPROGRESS", Call::connect, kHandlersUnknown);
  EXPECT_TRUE(d.refused);
  EXPECT_STREQ(d.why, kNotRealistic);
}

}  // namespace
}  // namespace connfuzz::inject

// A pending connect ends connected or failed: EISCONN as its failure is refused in
// realistic mode (libFuzzer's connect%1=EINTR>EISCONN called a correct re-connect false-success).
namespace connfuzz::inject {
namespace {
TEST(Decider, RefusesAnOutcomeNoPendingConnectHas) {
  constexpr std::uint8_t kInterruptible = kCaughtSignal | kCaughtWithoutRestart;
  Decision impossible = decide_once("connect@1=EINTR>EISCONN", Call::connect, kInterruptible);
  EXPECT_TRUE(impossible.refused);
  EXPECT_STREQ(impossible.why, kNotRealistic);
  Decision refused = decide_once("connect@1=EINTR>ECONNREFUSED", Call::connect, kInterruptible);
  EXPECT_TRUE(refused.fired()) << "ECONNREFUSED is how an attempt ends";
  EXPECT_EQ(refused.eventual, ECONNREFUSED);
}
}  // namespace
}  // namespace connfuzz::inject

// An AF_UNIX stream connect never pends (it connects, or fails in connect() itself), and
// the only error Linux ever leaves pending on an AF_UNIX socket is ECONNRESET
// (unix_release_sock, unix_dgram_disconnected): a connect failure as SO_ERROR's value is
// realistic on an inet socket only (curl's sweep read an injected ECONNREFUSED on a
// connected AF_UNIX socket, which Linux never reports).
namespace connfuzz::inject {
namespace {
TEST(Decider, RefusesAConnectFailureAsSoErrorOfAnAfUnixSocket) {
  for (const char* plan : {"getsockopt.SO_ERROR@1=ECONNREFUSED", "getsockopt.SO_ERROR@1=EACCES",
                           "getsockopt.SO_ERROR@1=EPERM", "getsockopt.SO_ERROR@1=ENOBUFS",
                           "getsockopt.SO_ERROR@1=ENOSR"}) {
    Decider decider;
    decider.install(parse_plan(plan));
    Facts facts;
    facts.family = AF_UNIX;
    facts.type = SOCK_STREAM;
    facts.state = Nonblocking | Unix | Stream | Connected;
    Decision on_unix = decider.decide(Call::so_error, facts);
    EXPECT_TRUE(on_unix.refused) << plan;
    EXPECT_STREQ(on_unix.why, kNotRealistic) << plan;
    decider.install(parse_plan(plan));
    facts.family = AF_INET;
    facts.state = Nonblocking | Inet | Stream | Pending;
    EXPECT_TRUE(decider.decide(Call::so_error, facts).fired()) << plan << " ends an inet attempt";
  }
}
}  // namespace
}  // namespace connfuzz::inject

// A delay on a non-blocking socket is answered at once with EINPROGRESS, which no AF_UNIX
// connect returns: realistic mode declines it there as it declines the errno (a delayed
// AF_UNIX connect made Asio's async range report a connection the kernel never pends).
// A blocking AF_UNIX connect does wait, on a full backlog; mode=any delays anything.
namespace connfuzz::inject {
namespace {
TEST(Decider, ADelayOnANonBlockingConnectNeedsWhatEinprogressNeeds) {
  auto decide_delay = [](const char* plan, int family, std::uint16_t blocking) {
    Decider decider;
    decider.install(parse_plan(plan));
    Facts facts;
    facts.family = family;
    facts.type = SOCK_STREAM;
    facts.state = static_cast<std::uint16_t>(blocking | Stream | (family == AF_UNIX ? Unix : Inet));
    return decider.decide(Call::connect, facts);
  };
  Decision unix_nonblocking = decide_delay("connect@1=+3s", AF_UNIX, Nonblocking);
  EXPECT_TRUE(unix_nonblocking.refused);
  EXPECT_STREQ(unix_nonblocking.why, kNotRealistic);
  EXPECT_TRUE(decide_delay("connect@1=+3s>ECONNREFUSED", AF_UNIX, Nonblocking).refused);
  EXPECT_TRUE(decide_delay("connect@1=+3s", AF_UNIX, Blocking).fired()) << "a full backlog";
  EXPECT_TRUE(decide_delay("connect@1=+3s", AF_INET, Nonblocking).fired());
  EXPECT_TRUE(decide_delay("connect@1=+3s mode=any", AF_UNIX, Nonblocking).fired());
  // The planned outcome must be one the socket's kind can end with: an AF_UNIX connect
  // is refused, never timed out or unreachable.
  EXPECT_TRUE(decide_delay("connect@1=+3s>ECONNREFUSED", AF_UNIX, Blocking).fired());
  EXPECT_TRUE(decide_delay("connect@1=+3s>ETIMEDOUT", AF_UNIX, Blocking).refused);
  EXPECT_TRUE(decide_delay("connect@1=+3s>ETIMEDOUT", AF_INET, Blocking).fired());
}
}  // namespace
}  // namespace connfuzz::inject
