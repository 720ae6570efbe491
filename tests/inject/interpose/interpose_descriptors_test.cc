// The socket table follows descriptors the kernel closes or copies without close():
// dup, dup2, dup3, fcntl(F_DUPFD), close_range, closefrom.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <string>

#include "injector_fixture.h"
#include "loopback.h"

namespace connfuzz::testing {
namespace {

// A pipe with two bytes waiting in it; its ends closed by the raw syscall, so that
// the table hears of neither.
struct FullPipe {
  int fds[2] = {-1, -1};
  FullPipe() {
    EXPECT_EQ(syscall(SYS_pipe2, fds, O_NONBLOCK | O_CLOEXEC), 0);
    EXPECT_EQ(syscall(SYS_write, fds[1], "hi", 2), 2);
  }
  ~FullPipe() {
    for (int fd : fds) syscall(SYS_close, fd);
  }
  int read_end() const { return fds[0]; }
};

class DescriptorTest : public InjectorTest {
 protected:
  // A non-blocking socket whose attempt the plan simulates: a read on it says EAGAIN
  // until the attempt ends, whatever the kernel would say.
  int simulated_socket() { return simulate_attempt(socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)); }

  int simulate_attempt(int fd) {
    use_plan("connect@1=EINPROGRESS>ECONNREFUSED");
    EXPECT_EQ(connect(fd, server_.addr(), server_.len()), -1);
    EXPECT_EQ(errno, EINPROGRESS);
    char byte;
    EXPECT_EQ(read(fd, &byte, 1), -1);
    EXPECT_EQ(errno, EAGAIN) << "the attempt should be simulated";
    return fd;
  }

  // What a read of up to two bytes gets: the bytes, or the errno.
  static std::string read_two(int fd) {
    char buf[2];
    ssize_t n = read(fd, buf, sizeof(buf));
    return n < 0 ? "errno " + std::to_string(errno) : std::string(buf, static_cast<std::size_t>(n));
  }

  // A socket connected for real to the test's listener.
  int connected_socket() {
    int fd = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    EXPECT_EQ(syscall(SYS_connect, fd, server_.addr(), server_.len()), 0);
    return fd;
  }

  static bool peer_known(int fd) {
    sockaddr_storage peer{};
    socklen_t len = sizeof(peer);
    return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0;
  }

  LoopbackPort server_{true};
};

TEST_F(DescriptorTest, Dup2OfAPipeOntoASimulatedSocketLeavesNoStaleState) {
  int fd = simulated_socket();
  FullPipe pipe;
  ASSERT_EQ(dup2(pipe.read_end(), fd), fd);
  EXPECT_EQ(read_two(fd), "hi");
  close(fd);
}

TEST_F(DescriptorTest, Dup3OfAPipeOntoASimulatedSocketLeavesNoStaleState) {
  int fd = simulated_socket();
  FullPipe pipe;
  ASSERT_EQ(dup3(pipe.read_end(), fd, O_CLOEXEC), fd);
  EXPECT_EQ(read_two(fd), "hi");
  close(fd);
}

TEST_F(DescriptorTest, Dup2OfAConnectedSocketOntoASimulatedOneGivesItTheConnectedState) {
  int fd = simulated_socket();
  int other = connected_socket();
  ASSERT_EQ(dup2(other, fd), fd);
  EXPECT_TRUE(peer_known(fd)) << "errno " << errno;
  close(fd);
  syscall(SYS_close, other);
}

TEST_F(DescriptorTest, DupOfASimulatedSocketSharesItsAttempt) {
  int fd = simulated_socket();
  int copy = dup(fd);
  ASSERT_GE(copy, 0);
  char byte;
  EXPECT_EQ(read(copy, &byte, 1), -1);
  EXPECT_EQ(errno, EAGAIN) << "the copy is the same socket, its attempt still pending";
  close(copy);
  close(fd);
}

TEST_F(DescriptorTest, FcntlDupfdOfASimulatedSocketSharesItsAttempt) {
  int fd = simulated_socket();
  int copy = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  ASSERT_GE(copy, 0);
  char byte;
  EXPECT_EQ(read(copy, &byte, 1), -1);
  EXPECT_EQ(errno, EAGAIN) << "the copy is the same socket, its attempt still pending";
  close(copy);
  close(fd);
}

// A descriptor closed behind the table's back (a raw syscall, a libc-internal close)
// leaves state under its number: F_DUPFD onto that number must not inherit it.
TEST_F(DescriptorTest, FcntlDupfdOntoANumberWithLeftoverStateStartsClean) {
  FullPipe pipe;
  int fd = simulated_socket();
  syscall(SYS_close, fd);
  int copy = fcntl(pipe.read_end(), F_DUPFD, fd);
  ASSERT_EQ(copy, fd) << "the number should have been the lowest free one from itself up";
  EXPECT_EQ(read_two(copy), "hi");
  close(copy);
}

TEST_F(DescriptorTest, CloseRangeForgetsTheSocketsItClosesSoANewSocketThereStartsFresh) {
  // A socket that will get the number without socket() (accept, a raw dup, an inherited one).
  int other = connected_socket();
  int fd = simulated_socket();
  ASSERT_EQ(close_range(static_cast<unsigned>(fd), static_cast<unsigned>(fd), 0), 0);
  ASSERT_EQ(syscall(SYS_dup3, other, fd, O_CLOEXEC), fd);
  EXPECT_TRUE(peer_known(fd)) << "errno " << errno;
  close(fd);
  syscall(SYS_close, other);
}

TEST_F(DescriptorTest, CloseRangeThatOnlySetsCloexecKeepsTheState) {
  int fd = simulated_socket();
  ASSERT_EQ(close_range(static_cast<unsigned>(fd), static_cast<unsigned>(fd), CLOSE_RANGE_CLOEXEC), 0);
  char byte;
  EXPECT_EQ(read(fd, &byte, 1), -1);
  EXPECT_EQ(errno, EAGAIN) << "the socket is still open, its attempt still pending";
  close(fd);
}

TEST_F(DescriptorTest, ClosefromForgetsTheSocketsItCloses) {
  // A number far above the test's own descriptors, so closefrom closes only the socket.
  constexpr int kHigh = 900;
  for (int fd = kHigh; fd < kHigh + 100; ++fd) ASSERT_LT(syscall(SYS_fcntl, fd, F_GETFD), 0) << fd << " is in use";
  // Made there by raw syscalls: only its connect tells the table of it.
  int raw = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  ASSERT_EQ(syscall(SYS_dup3, raw, kHigh, O_CLOEXEC), kHigh);
  syscall(SYS_close, raw);
  simulate_attempt(kHigh);
  closefrom(kHigh);
  FullPipe pipe;
  ASSERT_EQ(syscall(SYS_dup3, pipe.read_end(), kHigh, O_CLOEXEC), kHigh);
  EXPECT_EQ(read_two(kHigh), "hi");
  syscall(SYS_close, kHigh);
}

}  // namespace
}  // namespace connfuzz::testing
