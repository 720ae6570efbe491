// The steady clock a harness runs its inputs on: the program's clocks stand still while
// it runs and move by exactly what the waits let pass, so that an input's calls do not
// depend on the machine's speed; a whole program (no harness) keeps the real clock's pace.
#include <poll.h>
#include <pthread.h>
#include <semaphore.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <functional>

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

timespec timespec_at(std::int64_t ns) { return {static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)}; }

class ClockTest : public InjectorTest {
 protected:
  // A poll that runs out on an attempt that never answers: 2.5 s of virtual time let pass.
  // Returns how far the program's clock moved across the poll alone (installing the plan
  // starts an input, which sets the clock on the kernel's current millisecond).
  static std::int64_t wait_out_a_silent_attempt() {
    LoopbackPort server(true);
    use_plan("connect@1=EINPROGRESS>ETIMEDOUT");
    int fd = pending_connect(server);
    pollfd p{fd, POLLOUT, 0};
    std::int64_t before = program_clock_ns();
    EXPECT_EQ(poll(&p, 1, 2500), 0);
    std::int64_t moved = program_clock_ns() - before;
    close(fd);
    return moved;
  }
};

class SteadyClockTest : public ClockTest {
 protected:
  void SetUp() override {
    ClockTest::SetUp();
    inject::runtime().set_steady_clock(true);
    inject::runtime().clear_plan();  // an input starts
  }
  void TearDown() override {
    inject::runtime().set_steady_clock(false);
    ClockTest::TearDown();
  }

  // A deadline read off the program's clock, which a simulated wait put 2.5 s ahead of the
  // kernel's: `timed_out_at` waits until then, and must time out after the 3 ms the
  // program asked for, not 2.5 s more; the input's thread then finds those 3 ms passed.
  static void expect_a_deadline_on_the_programs_clock(clockid_t clock, const std::function<bool(timespec)>& timed_out_at) {
    wait_out_a_silent_attempt();
    inject::Runtime::mark_input_thread(true);
    std::int64_t before = program_clock_ns(), real_before = kernel_clock_ns();
    EXPECT_TRUE(timed_out_at(timespec_at(program_clock_ns(clock) + 3 * kMs))) << "clock " << clock;
    EXPECT_LT(kernel_clock_ns() - real_before, 1000 * kMs) << "clock " << clock;
    EXPECT_EQ(program_clock_ns() - before, 3 * kMs) << "clock " << clock;
    inject::Runtime::mark_input_thread(false);
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
  EXPECT_EQ(wait_out_a_silent_attempt(), 2500 * kMs);
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

// How far the program's clock moved from arming a timerfd `value_ns` ahead to the end of
// a wait for it, after `real_pause_ns` of real time the injector did not see.
std::int64_t clock_moved_by_a_timer(std::int64_t value_ns, std::int64_t real_pause_ns) {
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  EXPECT_GE(timer, 0);
  std::int64_t armed = program_clock_ns();
  itimerspec value{{0, 0}, {0, static_cast<long>(value_ns)}};
  EXPECT_EQ(timerfd_settime(timer, 0, &value, nullptr), 0);
  let_real_time_pass(real_pause_ns);
  pollfd p{timer, POLLIN, 0};
  EXPECT_EQ(poll(&p, 1, -1), 1);
  close(timer);
  return program_clock_ns() - armed;
}

TEST_F(SteadyClockTest, ARelativeTimerfdFiresWhenTheProgramsClockReachesIt) {
  EXPECT_EQ(clock_moved_by_a_timer(40 * kMs, 2 * kMs), 40 * kMs);  // counted from the program's clock
}

// The kernel's timer fired while the program ran (its clock stood still): the wait that
// hears of it finds the clock at the expiry, as if it had waited for it.
TEST_F(SteadyClockTest, ATimerTheKernelFiredFirstIsHeardOfAtItsExpiry) {
  EXPECT_EQ(clock_moved_by_a_timer(5 * kMs, 20 * kMs), 5 * kMs);
}

TEST_F(SteadyClockTest, TheInputsThreadFindsAsMuchTimePassedAsItSlept) {
  inject::Runtime::mark_input_thread(true);
  std::int64_t before = program_clock_ns();
  timespec three_ms{0, 3 * kMs};
  EXPECT_EQ(nanosleep(&three_ms, nullptr), 0);
  EXPECT_EQ(program_clock_ns() - before, 3 * kMs);
  EXPECT_EQ(usleep(2000), 0);
  EXPECT_EQ(program_clock_ns() - before, 5 * kMs);
  EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, 0, &three_ms, nullptr), 0);
  EXPECT_EQ(program_clock_ns() - before, 8 * kMs);
  timespec wake = timespec_at(program_clock_ns() + 4 * kMs);
  EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nullptr), 0);
  EXPECT_EQ(program_clock_ns() - before, 12 * kMs);
  inject::Runtime::mark_input_thread(false);
  // Another thread's sleep (libFuzzer's memory watch) is not the input's.
  EXPECT_EQ(nanosleep(&three_ms, nullptr), 0);
  EXPECT_EQ(program_clock_ns() - before, 12 * kMs);
}

// A wake-up time is read on the program's clock, which a simulated wait put seconds
// ahead of the kernel's: the sleep lasts what the program's clock has still to go.
TEST_F(SteadyClockTest, AnAbsoluteSleepEndsWhenTheProgramsClockSaysSo) {
  wait_out_a_silent_attempt();
  inject::Runtime::mark_input_thread(true);
  std::int64_t before = program_clock_ns();
  timespec wake = timespec_at(before + 3 * kMs);
  std::int64_t real_before = kernel_clock_ns();
  EXPECT_EQ(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &wake, nullptr), 0);
  EXPECT_LT(kernel_clock_ns() - real_before, 1000 * kMs);  // not the 2.5 s the kernel's clock is behind
  EXPECT_EQ(program_clock_ns() - before, 3 * kMs);
  inject::Runtime::mark_input_thread(false);
}

TEST_F(SteadyClockTest, AConditionVariablesDeadlineIsReadOnTheProgramsClock) {
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t on_realtime = PTHREAD_COND_INITIALIZER, on_monotonic;
  pthread_condattr_t monotonic;
  pthread_condattr_init(&monotonic);
  pthread_condattr_setclock(&monotonic, CLOCK_MONOTONIC);
  pthread_cond_init(&on_monotonic, &monotonic);
  pthread_mutex_lock(&mutex);
  expect_a_deadline_on_the_programs_clock(CLOCK_REALTIME, [&](timespec at) { return pthread_cond_timedwait(&on_realtime, &mutex, &at) == ETIMEDOUT; });
  expect_a_deadline_on_the_programs_clock(CLOCK_MONOTONIC, [&](timespec at) { return pthread_cond_timedwait(&on_monotonic, &mutex, &at) == ETIMEDOUT; });
  expect_a_deadline_on_the_programs_clock(CLOCK_MONOTONIC, [&](timespec at) {
    return pthread_cond_clockwait(&on_realtime, &mutex, CLOCK_MONOTONIC, &at) == ETIMEDOUT;
  });
  pthread_mutex_unlock(&mutex);
  pthread_cond_destroy(&on_monotonic);
  pthread_condattr_destroy(&monotonic);
}

TEST_F(SteadyClockTest, ASemaphoresDeadlineIsReadOnTheProgramsClock) {
  sem_t empty;
  sem_init(&empty, 0, 0);
  expect_a_deadline_on_the_programs_clock(CLOCK_REALTIME, [&](timespec at) { return sem_timedwait(&empty, &at) != 0 && errno == ETIMEDOUT; });
  expect_a_deadline_on_the_programs_clock(CLOCK_MONOTONIC, [&](timespec at) {
    return sem_clockwait(&empty, CLOCK_MONOTONIC, &at) != 0 && errno == ETIMEDOUT;
  });
  sem_destroy(&empty);
}

TEST_F(SteadyClockTest, FallsNoFurtherBehindThanItsLag) {
  std::int64_t before = program_clock_ns();
  std::int64_t real_before = kernel_clock_ns();
  let_real_time_pass(inject::kSteadyLagNs + 30 * kMs);
  std::int64_t moved = program_clock_ns() - before;
  EXPECT_GE(moved, kernel_clock_ns() - real_before - inject::kSteadyLagNs - kMs);
  EXPECT_LE(moved, kernel_clock_ns() - real_before);
}

// A whole program under the preload: its clocks keep the real clock's pace, plus what
// simulated waits let pass; the CPU-time clocks count what it ran.
using WholeProgramClockTest = ClockTest;

TEST_F(WholeProgramClockTest, KeepsTheRealClocksPacePlusTheSimulatedWaits) {
  std::int64_t before = program_clock_ns();
  let_real_time_pass(5 * kMs);
  EXPECT_GE(program_clock_ns() - before, 5 * kMs);
  wait_out_a_silent_attempt();
  std::int64_t kernel = kernel_clock_ns();
  std::int64_t ahead = program_clock_ns() - kernel;  // the timeout, less what the wait took for real
  EXPECT_GT(ahead, 2000 * kMs);
  EXPECT_LE(ahead, 2500 * kMs);
  EXPECT_LT(program_clock_ns(CLOCK_THREAD_CPUTIME_ID), 2500 * kMs);  // no offset on time it ran
}

// Its deadlines too are on its clock, ahead of the kernel's by the simulated waits.
TEST_F(WholeProgramClockTest, ADeadlineIsReadOnItsClock) {
  wait_out_a_silent_attempt();
  pthread_mutex_t mutex = PTHREAD_MUTEX_INITIALIZER;
  pthread_cond_t never = PTHREAD_COND_INITIALIZER;
  std::int64_t real_before = kernel_clock_ns();
  timespec at = timespec_at(program_clock_ns(CLOCK_REALTIME) + 3 * kMs);
  pthread_mutex_lock(&mutex);
  EXPECT_EQ(pthread_cond_timedwait(&never, &mutex, &at), ETIMEDOUT);
  pthread_mutex_unlock(&mutex);
  EXPECT_LT(kernel_clock_ns() - real_before, 1000 * kMs);
}

}  // namespace
}  // namespace connfuzz::testing
