// The interposition layer against the real kernel on loopback: every injected fault
// is followed by what Linux would answer.
#include <fcntl.h>
#include <poll.h>
#include <sys/un.h>

#include <cstring>
#include <filesystem>
#include <vector>

#include "injector_fixture.h"
#include "loopback.h"

namespace connfuzz::testing {
namespace {

using inject::runtime;

int so_error(int fd) {
  int err = -1;
  socklen_t len = sizeof(err);
  EXPECT_EQ(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
  return err;
}

// errno of a failed call, 0 on success.
int error_of(int result) { return result < 0 ? errno : 0; }

bool peer_known(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof(peer);
  return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0;
}

bool fd_open(int fd) { return syscall(SYS_fcntl, fd, F_GETFD) >= 0; }

using ConnectTest = InjectorTest;

TEST_F(ConnectTest, EintrOnABlockingConnectStartsTheRealAttempt) {
  LoopbackPort server(true);
  use_plan("connect@1=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
  EXPECT_EQ(errno, EINTR);
  // The attempt went on in the kernel: the wait reports success, and the peer exists.
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 1000), 1);
  EXPECT_TRUE(p.revents & POLLOUT);
  EXPECT_EQ(so_error(fd), 0);
  EXPECT_TRUE(peer_known(fd));
  int accepted = server.accept_one();
  EXPECT_GE(accepted, 0) << "the listener never saw the connection";
  raw_close(accepted);
  // The socket is blocking again, as the program left it.
  EXPECT_EQ(fcntl(fd, F_GETFL) & O_NONBLOCK, 0);
  close(fd);
  EXPECT_NE(log_text().find("connect#1(" + std::to_string(fd)), std::string::npos) << log_text();
  EXPECT_NE(log_text().find("= -1 EINTR (INJECTED connect@1=EINTR)"), std::string::npos) << log_text();
}

TEST_F(ConnectTest, AReconnectAfterEintrGetsTheKernelsOwnAnswer) {
  LoopbackPort server(true);
  use_plan("connect@1=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), EINTR);
  int second = error_of(connect(fd, server.addr(), server.len()));
  // Linux: 0 when the pending attempt has completed (SS_CONNECTING -> connected), else EISCONN/EALREADY.
  EXPECT_TRUE(second == 0 || second == EISCONN || second == EALREADY) << second;
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EISCONN);
  close(fd);
}

TEST_F(ConnectTest, HoldKeepsTheAttemptInProgressUntilTheProgramWaits) {
  LoopbackPort server(true);
  use_plan("connect@1=EINTR hold");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  // A non-blocking socket in realistic mode cannot get EINTR: use a blocking one.
  close(fd);
  fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), EINTR);
  int flags = fcntl(fd, F_GETFL);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EALREADY);
  EXPECT_FALSE(peer_known(fd));
  EXPECT_EQ(errno, ENOTCONN);
  EXPECT_EQ(so_error(fd), 0);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 1000), 1);
  EXPECT_TRUE(peer_known(fd));
  close(fd);
}

TEST_F(ConnectTest, InprogressThenRefusedReportsTheErrorOnceThroughSoError) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS>ECONNREFUSED");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), EINPROGRESS);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 1000), 1);
  EXPECT_EQ(p.revents & (POLLOUT | POLLERR | POLLHUP), POLLOUT | POLLERR | POLLHUP);
  EXPECT_EQ(so_error(fd), ECONNREFUSED);
  EXPECT_EQ(so_error(fd), 0);
  EXPECT_FALSE(peer_known(fd));
  EXPECT_EQ(errno, ENOTCONN);
  EXPECT_LT(server.accept_one(), 0) << "nothing should have reached the listener";
  close(fd);
}

// The synthesised aftermath must be what a real refused attempt looks like.
std::vector<std::string> aftermath(int fd, const sockaddr* addr, socklen_t len) {
  std::vector<std::string> seen;
  auto note = [&](const char* what, long value) { seen.push_back(std::string(what) + "=" + std::to_string(value)); };
  pollfd p{fd, POLLIN | POLLOUT, 0};
  note("poll", poll(&p, 1, 1000));
  note("revents", p.revents);
  note("so_error", so_error(fd));
  note("so_error", so_error(fd));
  p = {fd, POLLIN | POLLOUT | POLLRDHUP, 0};
  note("poll", poll(&p, 1, 0));
  note("revents", p.revents);
  note("getpeername", peer_known(fd) ? 0 : errno);
  char buf[4];
  long r = read(fd, buf, sizeof(buf));
  note("read", r < 0 ? -errno : r);
  r = recv(fd, buf, sizeof(buf), 0);
  note("recv", r < 0 ? -errno : r);
  r = send(fd, "x", 1, MSG_NOSIGNAL);
  note("send", r < 0 ? -errno : r);
  note("connect", error_of(connect(fd, addr, len)));
  return seen;
}

TEST_F(ConnectTest, ASynthesisedRefusalLooksLikeARealOneCallByCall) {
  LoopbackPort refusing(false);
  int real_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_EQ(error_of(connect(real_fd, refusing.addr(), refusing.len())), EINPROGRESS);
  std::vector<std::string> real = aftermath(real_fd, refusing.addr(), refusing.len());
  close(real_fd);

  LoopbackPort listening(true);
  use_plan("connect@1=EINPROGRESS>ECONNREFUSED");
  int fake_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_EQ(error_of(connect(fake_fd, listening.addr(), listening.len())), EINPROGRESS);
  std::vector<std::string> synthesised = aftermath(fake_fd, listening.addr(), listening.len());
  close(fake_fd);
  EXPECT_EQ(synthesised, real) << log_text();
}

TEST_F(ConnectTest, ASynthesisedPendingAttemptLooksLikeARealOne) {
  // A listener whose backlog is full drops SYNs: a real attempt stays in SYN_SENT.
  LoopbackPort full(false);
  syscall(SYS_listen, full.fd(), 0);
  std::vector<int> fillers;
  for (int i = 0; i < 4; ++i) {
    int f = raw_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK);
    syscall(SYS_connect, f, full.addr(), full.len());
    fillers.push_back(f);
  }
  int real_fd = raw_socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK);
  syscall(SYS_connect, real_fd, full.addr(), full.len());
  use_plan("connect@1=EINPROGRESS>ETIMEDOUT");
  int fake_fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_EQ(error_of(connect(fake_fd, full.addr(), full.len())), EINPROGRESS);
  char buf[4];
  for (int fd : {real_fd, fake_fd}) {
    SCOPED_TRACE(fd == real_fd ? "real" : "synthesised");
    EXPECT_EQ(error_of(static_cast<int>(read(fd, buf, 4))), EAGAIN);
    EXPECT_EQ(error_of(static_cast<int>(send(fd, "x", 1, MSG_NOSIGNAL))), EAGAIN);
    EXPECT_FALSE(peer_known(fd));
    EXPECT_EQ(so_error(fd), 0);
    EXPECT_EQ(error_of(connect(fd, full.addr(), full.len())), EALREADY);
  }
  close(fake_fd);
  raw_close(real_fd);
  for (int f : fillers) raw_close(f);
}

TEST_F(ConnectTest, AFailingCloseHasClosedTheDescriptor) {
  use_plan("close@1=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_TRUE(fd_open(fd));
  EXPECT_EQ(error_of(close(fd)), EINTR);
  EXPECT_FALSE(fd_open(fd));
}

TEST_F(ConnectTest, TheGuardAnswersForDestinationsOffLoopbackAndTheKernelNeverSeesThem) {
  sockaddr_in far{};
  far.sin_family = AF_INET;
  far.sin_port = htons(80);
  far.sin_addr.s_addr = htonl(0xC0000201);  // 192.0.2.1
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  std::uint64_t before = runtime().kernel_connects();
  EXPECT_EQ(error_of(connect(fd, reinterpret_cast<sockaddr*>(&far), sizeof(far))), ENETUNREACH);
  EXPECT_EQ(runtime().kernel_connects(), before);
  EXPECT_NE(log_text().find("{AF_INET, 192.0.2.1:80}, 16) = -1 ENETUNREACH (GUARD"), std::string::npos) << log_text();
  // The socket is untouched: a connect to loopback afterwards goes through.
  LoopbackPort server(true);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);
  EXPECT_EQ(runtime().kernel_connects(), before + 1);
  close(fd);
}

TEST_F(ConnectTest, TheGuardStopsAnInjectedEintrToo) {
  use_plan("connect@1=EINTR");
  sockaddr_in far = loopback(htons(80));
  far.sin_addr.s_addr = htonl(0xC0000201);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  std::uint64_t before = runtime().kernel_connects();
  EXPECT_EQ(error_of(connect(fd, reinterpret_cast<sockaddr*>(&far), sizeof(far))), ENETUNREACH);
  EXPECT_EQ(runtime().kernel_connects(), before);
  close(fd);
}

TEST_F(ConnectTest, TheGuardStopsDatagramsSentOffLoopback) {
  sockaddr_in far = loopback(htons(53));
  far.sin_addr.s_addr = htonl(0xC0000201);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_EQ(error_of(static_cast<int>(sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&far), sizeof(far)))), ENETUNREACH);
  close(fd);
}

TEST_F(ConnectTest, RealisticModeDoesNotInjectEinprogressOnABlockingSocket) {
  LoopbackPort server(true);
  use_plan("connect@1=EINPROGRESS");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);
  EXPECT_NE(log_text().find("(NOT INJECTED connect@1=EINPROGRESS: the kernel cannot return this here"), std::string::npos)
      << log_text();
  close(fd);
}

TEST_F(ConnectTest, AnyModeInjectsEvenWhatTheStateRulesOut) {
  use_plan("connect@1=EBADF mode=any");
  LoopbackPort server(true);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EBADF);
  close(fd);
}

TEST_F(ConnectTest, AnInjectedEalreadyLeavesARealAttemptInProgress) {
  LoopbackPort server(true);
  use_plan("connect@1=EALREADY mode=any");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EALREADY);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 1000), 1);
  EXPECT_EQ(so_error(fd), 0);
  EXPECT_TRUE(peer_known(fd)) << "a wait that ends in success must leave a real connection";
  int accepted = server.accept_one();
  EXPECT_GE(accepted, 0);
  raw_close(accepted);
  close(fd);
}

// Whether the kernel has connected the socket, asked past the interposer (which would
// learn it too).
bool kernel_connected(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof(peer);
  return syscall(SYS_getpeername, fd, &peer, &len) == 0;
}

struct StillConnectingRule {
  const char* plan;
  int type_flags;    // SOCK_NONBLOCK or 0
  int first_answer;  // what the first connect says
};

class StillConnectingRuleTest : public InjectorTest, public ::testing::WithParamInterface<StillConnectingRule> {};

// A rule "from this call on" says "still connecting" only while the attempt is: once
// the kernel has connected the socket, its connect is the kernel's to answer.
TEST_P(StillConnectingRuleTest, EndsWhenTheKernelHasConnectedTheSocket) {
  const StillConnectingRule& rule = GetParam();
  LoopbackPort server(true);
  use_plan(rule.plan);
  int fd = socket(AF_INET, SOCK_STREAM | rule.type_flags, 0);
  // Before the first connect nothing is pending: EALREADY is no answer there, the kernel's EINPROGRESS is.
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), rule.first_answer) << log_text();
  pollfd p{fd, POLLOUT, 0};
  ASSERT_EQ(poll(&p, 1, 1000), 1);
  ASSERT_TRUE(kernel_connected(fd));
  // Linux, after an attempt that ended in a connection: 0 once (the socket is marked
  // connected), then EISCONN. Never EALREADY, EINPROGRESS or EINTR again.
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), 0) << log_text();
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EISCONN) << log_text();
  std::string log = log_text();
  std::size_t second = log.find("connect#2(" + std::to_string(fd));
  ASSERT_NE(second, std::string::npos) << log;
  EXPECT_NE(log.substr(second, log.find('\n', second) - second)
                .find(" = 0 (NOT INJECTED " + std::string(rule.plan) + ": the kernel cannot return this here"),
            std::string::npos)
      << log;
  close(fd);
}

INSTANTIATE_TEST_SUITE_P(FromThisCallOn, StillConnectingRuleTest,
                         ::testing::Values(StillConnectingRule{"connect@1-=EALREADY", SOCK_NONBLOCK, EINPROGRESS},
                                           StillConnectingRule{"connect@1-=EINPROGRESS", SOCK_NONBLOCK, EINPROGRESS},
                                           StillConnectingRule{"connect@*=EALREADY", SOCK_NONBLOCK, EINPROGRESS},
                                           StillConnectingRule{"connect%100=EINPROGRESS", SOCK_NONBLOCK, EINPROGRESS}),
                         [](const ::testing::TestParamInfo<StillConnectingRule>& info) {
                           return std::to_string(info.index) + "_" + (std::strchr(info.param.plan, '=') + 1);
                         });

// A rule that fires once may still stand for a slow network: the kernel's connection,
// which the program has not waited for, is not looked at.
TEST_F(ConnectTest, AnEalreadyGivenOnceAfterEintrStillComesThoughTheKernelHasConnected) {
  LoopbackPort server(true);
  use_plan("connect@1=EINTR connect@2=EALREADY");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), EINTR);
  ASSERT_TRUE(kernel_connected(fd));
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EALREADY) << log_text();
  close(fd);
}

TEST_F(ConnectTest, AnyModeStillSaysStillConnectingOnAConnectedSocket) {
  LoopbackPort server(true);
  use_plan("connect@1-=EALREADY mode=any");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), EALREADY);
  pollfd p{fd, POLLOUT, 0};
  ASSERT_EQ(poll(&p, 1, 1000), 1);
  ASSERT_TRUE(kernel_connected(fd));
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EALREADY) << log_text();
  std::string log = log_text();
  std::size_t second = log.find("connect#2(");
  ASSERT_NE(second, std::string::npos) << log;
  EXPECT_NE(log.substr(second, log.find('\n', second) - second).find(" = -1 EALREADY (INJECTED connect@1-=EALREADY)"),
            std::string::npos)
      << log;
  close(fd);
}

TEST_F(ConnectTest, ARefusedPlanIsAFinalFailureThatReachesNoListener) {
  LoopbackPort server(true);
  use_plan("connect@1=ECONNREFUSED");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), ECONNREFUSED);
  EXPECT_LT(server.accept_one(), 0);
  EXPECT_FALSE(peer_known(fd));
  // A new attempt on the same socket is the kernel's again.
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);
  close(fd);
}

TEST_F(ConnectTest, SocketCanRunOutOfDescriptors) {
  use_plan("socket@2=EMFILE");
  int first = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(first, 0);
  EXPECT_EQ(socket(AF_INET, SOCK_STREAM, 0), -1);
  EXPECT_EQ(errno, EMFILE);
  int third = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_GE(third, 0);
  close(first);
  close(third);
}

TEST_F(ConnectTest, APendingErrorInjectedIntoSoErrorFailsTheSocketConsistently) {
  LoopbackPort server(true);
  use_plan("getsockopt.SO_ERROR@1=ENOSR");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(fd, server.addr(), server.len());
  pollfd p{fd, POLLOUT, 0};
  poll(&p, 1, 1000);
  EXPECT_EQ(so_error(fd), ENOSR);
  EXPECT_FALSE(peer_known(fd));
  EXPECT_EQ(errno, ENOTCONN);
  EXPECT_EQ(error_of(static_cast<int>(send(fd, "x", 1, MSG_NOSIGNAL))), EPIPE);
  close(fd);
}

TEST_F(ConnectTest, PercentRulesDrawTheSameCallsFromTheSameSeed) {
  auto draws = [](const char* plan) {
    use_plan(plan);
    std::string pattern;
    for (int i = 0; i < 40; ++i) {
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      pattern += fd < 0 ? 'x' : '.';
      if (fd >= 0) close(fd);
    }
    return pattern;
  };
  std::string a = draws("socket%25=ENFILE seed=7");
  EXPECT_EQ(draws("socket%25=ENFILE seed=7"), a);
  EXPECT_NE(draws("socket%25=ENFILE seed=8"), a);
  EXPECT_NE(a.find('x'), std::string::npos);
  EXPECT_NE(a.find('.'), std::string::npos);
}

TEST_F(ConnectTest, FiltersCountOnlyTheCallsTheyMatch) {
  LoopbackPort server(true);
  use_plan("connect[unix]@1=ENOENT");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);  // not unix: not counted
  close(fd);
  char dir[] = "/tmp/connfuzz-unix-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/s", dir);
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr))), ENOENT);
  EXPECT_NE(log_text().find("(INJECTED connect[unix]@1=ENOENT)"), std::string::npos) << log_text();
  close(fd);
  std::filesystem::remove_all(dir);
}

TEST_F(ConnectTest, AfUnixConnectsOutsideTheAllowedDirectoriesMeetTheGuard) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "/run/connfuzz-test-nowhere.sock");
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr))), EACCES);
  EXPECT_NE(log_text().find("(GUARD AF_UNIX path outside the allowed directories)"), std::string::npos) << log_text();
  close(fd);
}

TEST_F(ConnectTest, AfUnixConnectsInsideATemporaryDirectoryReachTheKernel) {
  char dir[] = "/tmp/connfuzz-unix-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof(addr.sun_path), "%s/missing.sock", dir);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr))), ENOENT);  // the kernel's own
  EXPECT_EQ(log_text().find("GUARD"), std::string::npos) << log_text();
  close(fd);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace connfuzz::testing
