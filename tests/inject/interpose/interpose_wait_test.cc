// Waits on simulated attempts: poll, select and epoll agree with the virtual clock.
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <time.h>

#include "injector_fixture.h"
#include "loopback.h"

namespace connfuzz::testing {
namespace {

using WaitTest = InjectorTest;

TEST_F(WaitTest, APollTimeoutOnANeverAnsweringAttemptPassesOnTheVirtualClock) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ETIMEDOUT");
  int fd = pending_connect(server);
  std::int64_t virtual_start = program_clock_ns();
  std::int64_t real_start = kernel_clock_ns();
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 5000), 0);
  std::int64_t virtual_elapsed = program_clock_ns() - virtual_start;
  EXPECT_GE(virtual_elapsed, 5'000'000'000LL);
  EXPECT_LT(virtual_elapsed, 6'000'000'000LL);
  // Behaviour, not speed: the real clock moved by less than the timeout it skipped.
  EXPECT_LT(kernel_clock_ns() - real_start, 5'000'000'000LL);
  close(fd);
}

TEST_F(WaitTest, AnEndlessWaitEndsWhenTheKernelWouldGiveUp) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ETIMEDOUT");
  int fd = pending_connect(server);
  std::int64_t start = program_clock_ns();
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, -1), 1);
  EXPECT_TRUE(p.revents & POLLERR);
  EXPECT_GE(program_clock_ns() - start, 127'000'000'000LL);
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  EXPECT_EQ(err, ETIMEDOUT);
  close(fd);
}

TEST_F(WaitTest, SelectSeesTheFailureAsReadableAndWritable) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ENETUNREACH");
  int fd = pending_connect(server);
  fd_set rd, wr;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_SET(fd, &rd);
  FD_SET(fd, &wr);
  timeval tv{1, 0};
  EXPECT_EQ(select(fd + 1, &rd, &wr, nullptr, &tv), 2);
  EXPECT_TRUE(FD_ISSET(fd, &rd));
  EXPECT_TRUE(FD_ISSET(fd, &wr));
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  EXPECT_EQ(err, ENETUNREACH);
  close(fd);
}

TEST_F(WaitTest, SelectStillReportsRealSocketsBesideASimulatedOne) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ETIMEDOUT");
  int pending = pending_connect(server);
  int real_fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(connect(real_fd, server.addr(), server.len()), 0);
  fd_set wr;
  FD_ZERO(&wr);
  FD_SET(pending, &wr);
  FD_SET(real_fd, &wr);
  timeval tv{1, 0};
  EXPECT_EQ(select(std::max(pending, real_fd) + 1, nullptr, &wr, nullptr, &tv), 1);
  EXPECT_TRUE(FD_ISSET(real_fd, &wr));
  EXPECT_FALSE(FD_ISSET(pending, &wr));
  close(pending);
  close(real_fd);
}

TEST_F(WaitTest, EpollDeliversTheFailureWithTheProgramsData) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ECONNREFUSED");
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  epoll_event reg{};
  reg.events = EPOLLOUT | EPOLLET;
  reg.data.u64 = 0xC0FFEE;
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &reg), 0);
  ASSERT_EQ(connect(fd, server.addr(), server.len()), -1);
  epoll_event got[4];
  ASSERT_EQ(epoll_wait(ep, got, 4, 1000), 1);
  // epoll_event is packed on x86_64: copy its fields before comparing them.
  std::uint64_t data = got[0].data.u64;
  std::uint32_t events = got[0].events;
  EXPECT_EQ(data, 0xC0FFEEu);
  EXPECT_EQ(events & (EPOLLOUT | EPOLLERR | EPOLLHUP), static_cast<std::uint32_t>(EPOLLOUT | EPOLLERR | EPOLLHUP));
  // Edge-triggered: the failure is announced once.
  EXPECT_EQ(epoll_wait(ep, got, 4, 10), 0);
  close(fd);
  close(ep);
}

TEST_F(WaitTest, EpollHidesTheRealUnconnectedSocketWhileTheAttemptIsSimulated) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ETIMEDOUT");
  int ep = epoll_create1(EPOLL_CLOEXEC);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  epoll_event reg{};
  reg.events = EPOLLOUT;
  reg.data.fd = fd;
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &reg), 0);
  ASSERT_EQ(connect(fd, server.addr(), server.len()), -1);
  epoll_event got[4];
  // The real socket is fresh (POLLOUT|POLLHUP at once); the simulated one is connecting.
  EXPECT_EQ(epoll_wait(ep, got, 4, 100), 0);
  close(fd);
  close(ep);
}

TEST_F(WaitTest, EveryPollCanBeInterrupted) {
  LoopbackPort server(true);
  use_plan("poll@*=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  pollfd p{fd, POLLOUT, 0};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(poll(&p, 1, 0), -1);
    EXPECT_EQ(errno, EINTR);
  }
  close(fd);
}

TEST_F(WaitTest, PollsOfDescriptorsThatAreNotSocketsAreNotCounted) {
  use_plan("poll@1=EINTR");
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  pollfd p{pipe_fds[1], POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 0), 1);  // a pipe: not on a connect path
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

}  // namespace
}  // namespace connfuzz::testing
