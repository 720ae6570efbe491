// Realistic EINTR against the real kernel: injected only where a signal handler or a
// stop and continue could interrupt the call (signal(7)), as the program's own
// sigaction(), signal() and setsockopt() calls make it so.
#include <poll.h>
#include <signal.h>
#include <sys/epoll.h>

#include <string>

#include "injector_fixture.h"
#include "loopback.h"

// glibc exports it; its header declares it only for XPG4.2 programs.
extern "C" sighandler_t bsd_signal(int, sighandler_t);

namespace connfuzz::testing {
namespace {

using inject::runtime;

void on_signal(int) {}

int error_of(long result) { return result < 0 ? errno : 0; }

// The signals a test here may give a handler; put back as they were afterwards.
constexpr int kTestSignals[] = {SIGUSR1, SIGUSR2};

class SignalsTest : public InjectorTest {
 public:
  static void handle(int sig, int flags) {
    struct sigaction action {};
    action.sa_handler = on_signal;
    action.sa_flags = flags;
    ASSERT_EQ(sigaction(sig, &action, nullptr), 0);
  }

 protected:
  void SetUp() override {
    InjectorTest::SetUp();
    runtime().set_signal_handlers(inject::SignalHandlers::tracked);
    for (int i = 0; i < 2; ++i) sigaction(kTestSignals[i], nullptr, &before_[i]);
  }
  void TearDown() override {
    for (int i = 0; i < 2; ++i) sigaction(kTestSignals[i], &before_[i], nullptr);
    InjectorTest::TearDown();
  }

  // Only the handlers a sanitizer puts on faults, which interrupt no waiting call: the
  // state the "no handler" tests need (checked, not assumed).
  static bool catches_an_asynchronous_signal() {
    for (int sig = 1; sig < 65; ++sig) {
      if (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL || sig == SIGTRAP || sig == SIGSYS ||
          sig == SIGABRT)
        continue;
      struct sigaction now {};
      if (sigaction(sig, nullptr, &now) == 0 && now.sa_handler != SIG_DFL && now.sa_handler != SIG_IGN) return true;
    }
    return false;
  }

  bool logged(const std::string& text) { return log_text().find(text) != std::string::npos; }

 private:
  struct sigaction before_[2] {};
};

const std::string kNoHandler = "no signal handler is installed: Linux cannot return EINTR here";
const std::string kRestarts = "every signal handler has SA_RESTART: Linux restarts this call";

TEST_F(SignalsTest, WithNoHandlerABlockingConnectGetsNoEintr) {
  ASSERT_FALSE(catches_an_asynchronous_signal());
  LoopbackPort server(true);
  use_plan("connect@1=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), 0);
  close(fd);
  EXPECT_TRUE(logged("= 0 (NOT INJECTED connect@1=EINTR: " + kNoHandler + ")")) << log_text();
}

TEST_F(SignalsTest, AHandlerWithoutSaRestartMakesConnectEintrPossible) {
  LoopbackPort server(true);
  handle(SIGUSR1, 0);
  use_plan("connect@1=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EINTR);
  close(fd);
  EXPECT_TRUE(logged("= -1 EINTR (INJECTED connect@1=EINTR)")) << log_text();
}

TEST_F(SignalsTest, HandlersThatRestartLeaveEintrToTheWaitsThatNeverRestart) {
  LoopbackPort server(true);
  handle(SIGUSR1, SA_RESTART);
  use_plan("send@1=EINTR poll@1=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), 0);
  EXPECT_EQ(send(fd, "x", 1, MSG_NOSIGNAL), 1);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(error_of(poll(&p, 1, 0)), EINTR);
  close(fd);
  EXPECT_TRUE(logged("= 1 (NOT INJECTED send@1=EINTR: " + kRestarts + ")")) << log_text();
  EXPECT_TRUE(logged("= -1 EINTR (INJECTED poll@1=EINTR)")) << log_text();
}

TEST_F(SignalsTest, WithNoHandlerPollGetsNoEintrButEpollWaitDoes) {
  // signal(7): after a stop and SIGCONT, epoll_wait fails with EINTR; poll is restarted.
  ASSERT_FALSE(catches_an_asynchronous_signal());
  LoopbackPort server(true);
  use_plan("poll@1=EINTR epoll_wait@1=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), 0);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 0), 1);
  int ep = epoll_create1(EPOLL_CLOEXEC);
  epoll_event watch{};
  watch.events = EPOLLOUT;
  ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &watch), 0);
  epoll_event got[1];
  // A wait that blocks (a zero timeout returns before Linux looks for a signal).
  EXPECT_EQ(error_of(epoll_wait(ep, got, 1, 1000)), EINTR);
  close(ep);
  close(fd);
  EXPECT_TRUE(logged("(NOT INJECTED poll@1=EINTR: " + kNoHandler + ")")) << log_text();
  EXPECT_TRUE(logged("= -1 EINTR (INJECTED epoll_wait@1=EINTR)")) << log_text();
}

TEST_F(SignalsTest, WithNoHandlerASendTimeoutLetsAStopInterruptConnect) {
  ASSERT_FALSE(catches_an_asynchronous_signal());
  LoopbackPort server(true);
  use_plan("connect@*=EINTR");
  timeval timeout{5, 0};
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)), 0);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EINTR);
  close(fd);
  // A timeout set back to none takes the exception away again.
  int second = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(setsockopt(second, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout)), 0);
  timeval none{0, 0};
  ASSERT_EQ(setsockopt(second, SOL_SOCKET, SO_SNDTIMEO, &none, sizeof(none)), 0);
  EXPECT_EQ(error_of(connect(second, server.addr(), server.len())), 0);
  close(second);
  EXPECT_TRUE(logged("= 0 (NOT INJECTED connect@*=EINTR: " + kNoHandler + ")")) << log_text();
}

TEST_F(SignalsTest, WithNoHandlerAReceiveTimeoutLetsAStopInterruptRecvOnly) {
  ASSERT_FALSE(catches_an_asynchronous_signal());
  LoopbackPort server(true);
  use_plan("recv@1=EINTR send@1=EINTR");
  timeval timeout{5, 0};
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout)), 0);
  ASSERT_EQ(error_of(connect(fd, server.addr(), server.len())), 0);
  EXPECT_EQ(send(fd, "x", 1, MSG_NOSIGNAL), 1);
  char byte;
  EXPECT_EQ(error_of(recv(fd, &byte, 1, MSG_DONTWAIT)), EINTR);
  close(fd);
  EXPECT_TRUE(logged("(NOT INJECTED send@1=EINTR: " + kNoHandler + ")")) << log_text();
}

TEST_F(SignalsTest, AnyModeInjectsEintrWhateverTheHandlers) {
  ASSERT_FALSE(catches_an_asynchronous_signal());
  LoopbackPort server(true);
  use_plan("connect@1=EINTR poll@1=EINTR mode=any");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), EINTR);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(error_of(poll(&p, 1, 0)), EINTR);
  close(fd);
}

// Each way a program sets a disposition, and whether a blocking connect may then get
// EINTR: glibc's signal() and bsd_signal() set SA_RESTART, sysv_signal() does not.
struct Installer {
  const char* name;
  void (*install)(int sig);
  bool eintr;
};
void PrintTo(const Installer& installer, std::ostream* out) { *out << installer.name; }

void with_sigaction(int sig) { SignalsTest::handle(sig, 0); }
void with_restarting_sigaction(int sig) { SignalsTest::handle(sig, SA_RESTART); }
void with_signal(int sig) { signal(sig, on_signal); }
void with_bsd_signal(int sig) { bsd_signal(sig, on_signal); }
void with_sysv_signal(int sig) { sysv_signal(sig, on_signal); }
void ignored(int sig) { signal(sig, SIG_IGN); }
void handled_then_reset(int sig) {
  SignalsTest::handle(sig, 0);
  signal(sig, SIG_DFL);
}

class InstallerTest : public SignalsTest, public ::testing::WithParamInterface<Installer> {};

TEST_P(InstallerTest, DecidesWhetherABlockingConnectMayGetEintr) {
  ASSERT_FALSE(catches_an_asynchronous_signal());
  LoopbackPort server(true);
  GetParam().install(SIGUSR2);
  use_plan("connect@1=EINTR");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(error_of(connect(fd, server.addr(), server.len())), GetParam().eintr ? EINTR : 0) << log_text();
  close(fd);
}

INSTANTIATE_TEST_SUITE_P(Dispositions, InstallerTest,
                         ::testing::Values(Installer{"sigaction", with_sigaction, true},
                                           Installer{"sigaction_SA_RESTART", with_restarting_sigaction, false},
                                           Installer{"signal", with_signal, false},
                                           Installer{"bsd_signal", with_bsd_signal, false},
                                           Installer{"sysv_signal", with_sysv_signal, true},
                                           Installer{"SIG_IGN", ignored, false},
                                           Installer{"handler_then_SIG_DFL", handled_then_reset, false}),
                         [](const ::testing::TestParamInfo<Installer>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace connfuzz::testing
