// The steady clock a harness runs its inputs on: the program's clocks stand still while
// it runs and move by exactly what the waits let pass, so that an input's calls do not
// depend on the machine's speed; a whole program (no harness) keeps the real clock's pace.
#include <poll.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cstdint>

#include "injector_fixture.h"
#include "loopback.h"

namespace connfuzz::testing {
namespace {

constexpr std::int64_t kMs = 1'000'000;

// Real time passes without a call the injector sees (a computation, a futex).
void let_real_time_pass(std::int64_t ns) {
  timespec step{0, static_cast<long>(ns)};
  syscall(SYS_nanosleep, &step, nullptr);
}

class SteadyClockTest : public InjectorTest {
 protected:
  void SetUp() override {
    InjectorTest::SetUp();
    inject::runtime().set_steady_clock(true);
    inject::runtime().clear_plan();  // an input starts
  }
  void TearDown() override {
    inject::runtime().set_steady_clock(false);
    InjectorTest::TearDown();
  }
};

TEST_F(SteadyClockTest, StandsStillWhileTheProgramRuns) {
  std::int64_t monotonic = program_clock_ns();
  std::int64_t realtime = program_clock_ns(CLOCK_REALTIME);
  let_real_time_pass(5 * kMs);
  EXPECT_EQ(program_clock_ns(), monotonic);
  EXPECT_EQ(program_clock_ns(CLOCK_REALTIME), realtime);
  EXPECT_EQ(program_clock_ns(CLOCK_BOOTTIME), program_clock_ns(CLOCK_BOOTTIME));
}

TEST_F(SteadyClockTest, ReadsAWholeMillisecondWhenAnInputStarts) {
  for (clockid_t clock : {CLOCK_MONOTONIC, CLOCK_REALTIME, CLOCK_MONOTONIC_COARSE}) {
    inject::runtime().clear_plan();  // an input starts
    EXPECT_EQ(program_clock_ns(clock) % kMs, 0) << "clock " << clock;
  }
}

TEST_F(SteadyClockTest, AWaitOnASimulatedAttemptMovesItByExactlyTheTimeout) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ETIMEDOUT");
  int fd = pending_connect(server);
  std::int64_t before = program_clock_ns();
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 2500), 0);
  EXPECT_EQ(program_clock_ns() - before, 2500 * kMs);
  close(fd);
}

TEST_F(SteadyClockTest, ARealWaitThatRunsOutMovesItByItsTimeout) {
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  std::int64_t before = program_clock_ns();
  pollfd p{pipe_fds[0], POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, 3), 0);
  EXPECT_EQ(program_clock_ns() - before, 3 * kMs);
  ASSERT_EQ(write(pipe_fds[1], "x", 1), 1);
  before = program_clock_ns();
  EXPECT_EQ(poll(&p, 1, 3), 1);  // a wait something ends moves it by nothing
  EXPECT_EQ(program_clock_ns(), before);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

TEST_F(SteadyClockTest, ARelativeTimerfdFiresWhenTheProgramsClockReachesIt) {
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  ASSERT_GE(timer, 0);
  std::int64_t armed = program_clock_ns();
  itimerspec in_40ms{{0, 0}, {0, 40 * kMs}};
  ASSERT_EQ(timerfd_settime(timer, 0, &in_40ms, nullptr), 0);
  let_real_time_pass(2 * kMs);  // the expiry counts from the program's clock, not the real one
  pollfd p{timer, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, -1), 1);
  EXPECT_EQ(program_clock_ns() - armed, 40 * kMs);
  close(timer);
}

TEST_F(SteadyClockTest, FallsNoFurtherBehindThanItsLag) {
  std::int64_t before = program_clock_ns();
  std::int64_t real_before = kernel_clock_ns();
  let_real_time_pass(inject::kSteadyLagNs + 30 * kMs);
  std::int64_t moved = program_clock_ns() - before;
  EXPECT_GE(moved, kernel_clock_ns() - real_before - inject::kSteadyLagNs - kMs);
  EXPECT_LE(moved, kernel_clock_ns() - real_before);
}

// A whole program under the preload: its clocks keep the real clock's pace.
using WholeProgramClockTest = InjectorTest;

TEST_F(WholeProgramClockTest, KeepsTheRealClocksPace) {
  inject::runtime().clear_plan();  // an input starts
  std::int64_t before = program_clock_ns();
  let_real_time_pass(5 * kMs);
  EXPECT_GE(program_clock_ns() - before, 5 * kMs);
}

}  // namespace
}  // namespace connfuzz::testing
