// The call budget's grace: past the budget virtual time runs in growing steps, so that a
// loop bounded by its own deadline ends there; one still calling after the horizon is a spin.
#include <fcntl.h>
#include <poll.h>
#include <time.h>

#include <vector>

#include "injector_fixture.h"
#include "loopback.h"

namespace connfuzz::testing {
namespace {

using inject::runtime;

struct SpinSeen {
  int times = 0;
  std::uint32_t calls = 0;
  std::int64_t let_run_ns = 0;
};
SpinSeen g_spin;

void note_spin(std::uint32_t calls, std::int64_t let_run_ns) {
  ++g_spin.times;
  g_spin.calls = calls;
  g_spin.let_run_ns = let_run_ns;
}

void note_clock_limit(std::int64_t) { ++g_spin.times; }

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kS = 1000 * kMs;

class BudgetTest : public InjectorTest {
 protected:
  void SetUp() override {
    InjectorTest::SetUp();
    g_spin = {};
  }
  void TearDown() override {
    runtime().set_call_budget(0, nullptr);
    runtime().set_clock_limit(0, nullptr);
    if (fd_ >= 0) close(fd_);
    InjectorTest::TearDown();
  }
  // A tracked socket whose every poll the plan fails at once: the virtual clock alone
  // cannot move. Logs one call (socket#1).
  void poll_fails_at_once(const std::string& more_rules = "") {
    use_plan("poll@*=EAGAIN " + more_rules);
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_GE(fd_, 0);
  }
  int poll_once() {
    pollfd p{fd_, POLLOUT, 0};
    return poll(&p, 1, 1000);
  }
  int fd_ = -1;
};

TEST_F(BudgetTest, PastTheBudgetTimeRunsInDoublingStepsUpToTheHorizonThenItIsASpin) {
  poll_fails_at_once();
  constexpr std::uint32_t kBudget = 5;
  runtime().set_call_budget(kBudget, note_spin);
  std::int64_t before = program_clock_ns();
  std::vector<std::int64_t> let_run;  // after call 2, 3, ... (call 1 was socket)
  for (int i = 0; i < 400 && g_spin.times == 0; ++i) {
    EXPECT_EQ(poll_once(), -1);
    EXPECT_EQ(errno, EAGAIN) << "the time let run must leave the call's errno alone";
    let_run.push_back(runtime().time_let_run_ns());
  }
  ASSERT_EQ(g_spin.times, 1) << "never called a spin after " << let_run.size() << " polls";
  // Nothing before the budget; from its own call on 1 ms, then twice as much each call.
  ASSERT_GT(let_run.size(), 6u);
  EXPECT_EQ(let_run[0], 0);
  EXPECT_EQ(let_run[kBudget - 3], 0);
  EXPECT_EQ(let_run[kBudget - 2], 1 * kMs);
  EXPECT_EQ(let_run[kBudget - 1], 3 * kMs);
  EXPECT_EQ(let_run[kBudget], 7 * kMs);
  // Up to the horizon exactly, then kCallsPastHorizon calls more.
  std::uint32_t steps = 0;
  for (std::int64_t total = 0, step = inject::kFirstGraceStepNs; total < inject::kSpinHorizonNs; step *= 2, ++steps)
    total += step;
  EXPECT_EQ(g_spin.let_run_ns, inject::kSpinHorizonNs);
  EXPECT_EQ(let_run.back(), inject::kSpinHorizonNs);
  EXPECT_EQ(g_spin.calls, kBudget + steps + inject::kCallsPastHorizon - 1);
  // The program's clock saw it: an hour later than it was.
  EXPECT_GE(program_clock_ns() - before, inject::kSpinHorizonNs);
  // Once: the calls after it are left to whoever the hook did not stop.
  for (int i = 0; i < 5; ++i) poll_once();
  EXPECT_EQ(g_spin.times, 1);
  EXPECT_EQ(runtime().time_let_run_ns(), inject::kSpinHorizonNs);
}

TEST_F(BudgetTest, ALoopBoundedByItsOwnDeadlineEndsThereAndIsNoSpin) {
  poll_fails_at_once();
  constexpr std::uint32_t kBudget = 20;
  runtime().set_call_budget(kBudget, note_spin);
  const std::int64_t deadline = program_clock_ns() + 5 * kS;
  int polls = 0;
  while (program_clock_ns() < deadline && polls < 1000) {
    poll_once();
    ++polls;
  }
  EXPECT_GE(program_clock_ns(), deadline);
  EXPECT_EQ(g_spin.times, 0);
  // 5 s is passed in about 13 doublings of 1 ms, not in an hour.
  EXPECT_LT(polls, static_cast<int>(kBudget) + 16) << polls;
  EXPECT_LT(runtime().time_let_run_ns(), 2 * 5 * kS + kMs);
  // A new input starts with no time let run.
  runtime().reset_for_input();
  EXPECT_EQ(runtime().time_let_run_ns(), 0);
}

TEST_F(BudgetTest, TimeLetRunDoesNotCountTowardsTheClockLimit) {
  poll_fails_at_once();
  runtime().set_call_budget(3, note_spin);
  runtime().set_clock_limit(5 * kS, note_clock_limit);
  for (int i = 0; i < 400 && g_spin.times == 0; ++i) poll_once();
  EXPECT_EQ(g_spin.times, 1);
  EXPECT_EQ(g_spin.let_run_ns, inject::kSpinHorizonNs) << "the clock limit stopped the grace";
  // A wait of the program's own still counts: 6 s past the limit's start is over it.
  g_spin = {};
  runtime().advance_clock_by(6 * kS);
  EXPECT_EQ(g_spin.times, 1);
}

TEST_F(BudgetTest, TheNetworkStandsStillWhileTimeIsLetRun) {
  LoopbackPort server(true);
  poll_fails_at_once("connect@1=+30s");
  ASSERT_EQ(connect(fd_, server.addr(), server.len()), -1);
  ASSERT_EQ(errno, EINPROGRESS);
  ASSERT_EQ(runtime().sockets().get(fd_).phase, inject::Phase::Held);
  runtime().set_call_budget(4, note_spin);
  for (int i = 0; i < 400 && g_spin.times == 0; ++i) poll_once();
  ASSERT_EQ(g_spin.times, 1);
  // An hour later, the 30 s handshake is still 30 s away: what ends a loop is its own deadline.
  EXPECT_EQ(runtime().sockets().get(fd_).phase, inject::Phase::Held);
  std::int64_t left = runtime().sockets().due_ns(fd_) - runtime().now_ns();
  EXPECT_GT(left, 29 * kS);
  EXPECT_LE(left, 30 * kS);
}

}  // namespace
}  // namespace connfuzz::testing
