// Timerfds on the virtual clock: a deadline a program learns of from a timerfd fires
// when virtual time reaches it, through the real descriptor (epoll, poll and read are
// the kernel's), before a slow network it was meant to bound.
#include <poll.h>
#include <sys/epoll.h>
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

itimerspec after_ms(std::int64_t value_ms, std::int64_t interval_ms = 0) {
  return {{static_cast<time_t>(interval_ms / 1000), static_cast<long>(interval_ms % 1000 * kMs)},
          {static_cast<time_t>(value_ms / 1000), static_cast<long>(value_ms % 1000 * kMs)}};
}

const itimerspec* ptr(const itimerspec& spec) { return &spec; }

std::uint64_t expirations(int timer) {
  std::uint64_t ticks = 0;
  return read(timer, &ticks, sizeof(ticks)) == sizeof(ticks) ? ticks : 0;
}

using TimerfdTest = InjectorTest;

TEST_F(TimerfdTest, ADeadlineTimerFiresOnVirtualTimeBeforeASlowerNetwork) {
  LoopbackPort server(true);
  use_plan("connect@1=+3s");
  std::int64_t connected_at = program_clock_ns();
  int fd = pending_connect(server);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  ASSERT_GE(timer, 0);
  std::int64_t start = program_clock_ns();
  ASSERT_EQ(timerfd_settime(timer, 0, ptr(after_ms(2000)), nullptr), 0);
  // Asio's reactor: both in one epoll set, waiting without a timeout.
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event socket_event{EPOLLOUT, {.u64 = 1}}, timer_event{EPOLLIN, {.u64 = 2}};
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &socket_event), 0);
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, timer, &timer_event), 0);
  epoll_event ready[2]{};
  ASSERT_EQ(epoll_wait(ep, ready, 2, -1), 1);
  // epoll_event is packed on x86_64: its fields are read by value, never bound to a reference.
  std::uint64_t first = ready[0].data.u64;
  EXPECT_EQ(first, 2u) << "the deadline, not the socket\n" << log_text();
  std::int64_t passed = program_clock_ns() - start;
  EXPECT_GE(passed, 2000 * kMs);
  EXPECT_LT(passed, 3000 * kMs) << "virtual time stopped at the deadline";
  EXPECT_EQ(expirations(timer), 1u);
  ASSERT_EQ(epoll_wait(ep, ready, 2, -1), 1) << "the network answers later";
  std::uint64_t second = ready[0].data.u64;
  EXPECT_EQ(second, 1u);
  EXPECT_GE(program_clock_ns() - connected_at, 3000 * kMs);
  close(ep);
  close(timer);
  close(fd);
}

// A reactor that takes one event at a time (maxevents 1): the kernel's event for the
// simulated socket (whose real one is connected already) is dropped, and must not fill
// the only slot while the deadline's timer waits behind it.
TEST_F(TimerfdTest, AOneEventBufferHearsTheDeadlineBehindTheSimulatedSocket) {
  LoopbackPort server(true);
  use_plan("connect@1=+130s");
  int fd = pending_connect(server);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  ASSERT_GE(timer, 0);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event socket_event{EPOLLOUT, {.u64 = 1}}, timer_event{EPOLLIN, {.u64 = 2}};
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &socket_event), 0);
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, timer, &timer_event), 0);
  std::int64_t start = program_clock_ns();
  ASSERT_EQ(timerfd_settime(timer, 0, ptr(after_ms(2000)), nullptr), 0);
  epoll_event ready[1]{};
  ASSERT_EQ(epoll_wait(ep, ready, 1, -1), 1);
  std::uint64_t first = ready[0].data.u64;
  EXPECT_EQ(first, 2u) << "the deadline, not the socket\n" << log_text();
  EXPECT_LT(program_clock_ns() - start, 3000 * kMs) << "virtual time stopped at the deadline, not at the network's answer";
  close(ep);
  close(timer);
  close(fd);
}

// A simulated socket closed where connfuzz does not see it (libuv closes with
// syscall(SYS_close)) has left the epoll set, as the kernel drops a closed file: no event
// of its simulation comes back for a descriptor that is gone.
TEST_F(TimerfdTest, ASocketClosedBehindConnfuzzsBackLeavesTheEpollSet) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ECONNREFUSED");
  int fd = pending_connect(server);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event socket_event{EPOLLOUT, {.u64 = 1}};
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &socket_event), 0);
  ASSERT_EQ(syscall(SYS_close, fd), 0);
  epoll_event ready[4]{};
  EXPECT_EQ(epoll_wait(ep, ready, 4, 200), 0) << "an event for closed fd " << fd << "\n" << log_text();
  close(ep);
}

TEST_F(TimerfdTest, AWaitInterruptedOverAndOverStillHearsTheDeadline) {
  LoopbackPort server(true);
  use_plan("connect@1=+30s poll@*=+400ms>EINTR");
  int fd = pending_connect(server);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  ASSERT_EQ(timerfd_settime(timer, 0, ptr(after_ms(2000)), nullptr), 0);
  pollfd waits[2]{{fd, POLLOUT, 0}, {timer, POLLIN, 0}};
  int interrupted = 0, result = -1;
  for (int i = 0; i < 20 && (result = poll(waits, 2, -1)) < 0; ++i) {
    ASSERT_EQ(errno, EINTR);
    ++interrupted;
  }
  EXPECT_EQ(result, 1) << log_text();
  EXPECT_EQ(interrupted, 4) << "at 0.4 to 1.6 s; the fifth wait hears the deadline at 2 s";
  EXPECT_TRUE(waits[1].revents & POLLIN);
  EXPECT_EQ(waits[0].revents, 0);
  close(timer);
  close(fd);
}

TEST_F(TimerfdTest, AnIntervalTimerCountsEveryExpirationOnceAcrossJumps) {
  LoopbackPort server(true);
  use_plan("connect@1=+10s");
  int fd = pending_connect(server);
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  ASSERT_EQ(timerfd_settime(timer, 0, ptr(after_ms(100, 100)), nullptr), 0);
  pollfd wait_socket{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&wait_socket, 1, 350), 0) << "350 ms of virtual time";
  EXPECT_EQ(expirations(timer), 3u) << "at 100, 200 and 300 ms";
  EXPECT_EQ(poll(&wait_socket, 1, 100), 0);
  EXPECT_EQ(expirations(timer), 1u) << "at 400 ms; none of the three again";
  itimerspec left{};
  ASSERT_EQ(timerfd_gettime(timer, &left), 0);
  EXPECT_GT(left.it_value.tv_nsec, 0);
  EXPECT_LE(left.it_value.tv_nsec, 50 * kMs) << "the next at 500 ms, 450 ms having passed";
  close(timer);
  close(fd);
}

TEST_F(TimerfdTest, AnAbsoluteExpiryIsReadOnTheProgramsClock) {
  LoopbackPort server(true);
  use_plan("connect@1=+10s");
  int fd = pending_connect(server);
  pollfd wait_socket{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&wait_socket, 1, 5000), 0) << "the program's clock is now 5 s ahead of the kernel's";
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  std::int64_t at = program_clock_ns() + 1000 * kMs;
  itimerspec when{{0, 0}, {static_cast<time_t>(at / 1'000'000'000), static_cast<long>(at % 1'000'000'000)}};
  ASSERT_EQ(timerfd_settime(timer, TFD_TIMER_ABSTIME, &when, nullptr), 0);
  itimerspec left{};
  ASSERT_EQ(timerfd_gettime(timer, &left), 0);
  EXPECT_EQ(left.it_value.tv_sec, 0) << "one second away, not six";
  pollfd both[2]{wait_socket, {timer, POLLIN, 0}};
  ASSERT_EQ(poll(both, 2, -1), 1);
  EXPECT_TRUE(both[1].revents & POLLIN);
  EXPECT_GE(program_clock_ns(), at);
  EXPECT_LT(program_clock_ns(), at + 1000 * kMs);
  close(timer);
  close(fd);
}

TEST_F(TimerfdTest, ARealtimeTimerMovesWithTheMonotonicOne) {
  LoopbackPort server(true);
  use_plan("connect@1=+10s");
  int fd = pending_connect(server);
  int timer = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
  ASSERT_EQ(timerfd_settime(timer, 0, ptr(after_ms(1500)), nullptr), 0);
  std::int64_t start = program_clock_ns();
  pollfd both[2]{{fd, POLLOUT, 0}, {timer, POLLIN, 0}};
  ASSERT_EQ(poll(both, 2, -1), 1);
  EXPECT_TRUE(both[1].revents & POLLIN);
  EXPECT_GE(program_clock_ns() - start, 1500 * kMs);
  EXPECT_LT(program_clock_ns() - start, 2500 * kMs);
  close(timer);
  close(fd);
}

TEST_F(TimerfdTest, DisarmedAndInvalidSettingsAreTheKernelsAnswers) {
  int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
  itimerspec bad = after_ms(100);
  bad.it_value.tv_nsec = 1'000'000'000;
  EXPECT_EQ(timerfd_settime(timer, 0, &bad, nullptr), -1);
  EXPECT_EQ(errno, EINVAL);
  EXPECT_EQ(timerfd_settime(timer, 0x40, ptr(after_ms(100)), nullptr), -1) << "an unknown flag";
  EXPECT_EQ(errno, EINVAL);
  ASSERT_EQ(timerfd_settime(timer, 0, ptr(after_ms(60'000)), nullptr), 0);
  itimerspec old{};
  ASSERT_EQ(timerfd_settime(timer, 0, ptr(after_ms(0)), &old), 0) << "disarm";
  EXPECT_GE(old.it_value.tv_sec, 59) << "the old setting, as time left";
  std::uint64_t ticks = 0;
  EXPECT_EQ(read(timer, &ticks, sizeof(ticks)), -1);
  EXPECT_EQ(errno, EAGAIN);
  close(timer);
  EXPECT_FALSE(inject::runtime().timers().tracks(timer)) << "a closed timer's number may be a socket next";
}

// A wait with no simulated socket in it still runs on the virtual clock when it holds a
// virtual timer: Asio's reactor waits on its deadline timerfd alone when the socket's
// epoll registration failed. The clock's offset grows by the jump: no real sleep.
class TimerOnlyWaitTest : public TimerfdTest {
 protected:
  void SetUp() override {
    TimerfdTest::SetUp();
    timer_ = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    ASSERT_GE(timer_, 0);
    offset_before_ = inject::runtime().clock_offset_ns();
    ASSERT_EQ(timerfd_settime(timer_, 0, ptr(after_ms(2000)), nullptr), 0);
  }
  void TearDown() override {
    close(timer_);
    TimerfdTest::TearDown();
  }
  // How far the virtual clock ran ahead of the real one during the wait.
  std::int64_t jumped_ns() const { return inject::runtime().clock_offset_ns() - offset_before_; }

  int timer_ = -1;
  std::int64_t offset_before_ = 0;
};

TEST_F(TimerOnlyWaitTest, EpollWithOnlyTheTimerInItsSet) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event timer_event{EPOLLIN, {.u64 = 7}};
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, timer_, &timer_event), 0);
  epoll_event ready[2]{};
  EXPECT_EQ(epoll_wait(ep, ready, 2, -1), 1);
  std::uint64_t which = ready[0].data.u64;
  EXPECT_EQ(which, 7u);
  EXPECT_GE(jumped_ns(), 1900 * kMs) << "the wait slept for real";
  EXPECT_EQ(expirations(timer_), 1u);
  close(ep);
  EXPECT_FALSE(inject::runtime().sockets().get(ep).epoll_watches_timer) << "a new instance with its number starts clean";
}

TEST_F(TimerOnlyWaitTest, PollWithTheTimerAndAConnectedSocketThatStaysQuiet) {
  LoopbackPort server(true);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_EQ(connect(fd, server.addr(), server.len()), 0);
  pollfd waits[2]{{fd, POLLIN, 0}, {timer_, POLLIN, 0}};
  EXPECT_EQ(poll(waits, 2, -1), 1) << log_text();
  EXPECT_EQ(waits[0].revents, 0);
  EXPECT_TRUE(waits[1].revents & POLLIN);
  EXPECT_GE(jumped_ns(), 1900 * kMs) << "the wait slept for real";
  close(fd);
}

TEST_F(TimerOnlyWaitTest, SelectLooksAgainWithItsSetsAsGiven) {
  fd_set readable;
  FD_ZERO(&readable);
  FD_SET(timer_, &readable);
  EXPECT_EQ(select(timer_ + 1, &readable, nullptr, nullptr, nullptr), 1);
  EXPECT_TRUE(FD_ISSET(timer_, &readable));
  EXPECT_GE(jumped_ns(), 1900 * kMs) << "the wait slept for real";
}

TEST_F(TimerOnlyWaitTest, AWaitShorterThanTheTimerEndsAtItsOwnTimeout) {
  pollfd wait_timer{timer_, POLLIN, 0};
  EXPECT_EQ(poll(&wait_timer, 1, 500), 0);
  EXPECT_GE(jumped_ns(), 400 * kMs);
  EXPECT_LT(jumped_ns(), 1900 * kMs) << "the timer is not due yet";
  EXPECT_EQ(expirations(timer_), 0u);
}

}  // namespace
}  // namespace connfuzz::testing
