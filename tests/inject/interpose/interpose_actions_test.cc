// Plan actions against the real kernel: a real signal inside a blocked connect (EINTR,
// an SA_RESTART restart, SO_SNDTIMEO's exception, a blocked signal), a real
// cancellation through the caller's cleanup handler, and slow networks on the
// virtual clock.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/un.h>
#include <unistd.h>
#include <time.h>

#include <atomic>
#include <cstdio>
#include <cstring>

#include "injector_fixture.h"
#include "loopback.h"

namespace connfuzz::testing {
namespace {

std::atomic<int> g_handled{0};
void on_signal(int) { g_handled.fetch_add(1); }

// A handler for `sig` for the test's length, with or without SA_RESTART.
class Handler {
 public:
  Handler(int sig, bool restart) : sig_(sig) {
    struct sigaction action {};
    action.sa_handler = on_signal;
    action.sa_flags = restart ? SA_RESTART : 0;
    sigaction(sig, &action, &before_);
    g_handled = 0;
  }
  ~Handler() { sigaction(sig_, &before_, nullptr); }

 private:
  int sig_;
  struct sigaction before_ {};
};

bool connected(int fd) {
  sockaddr_storage peer{};
  socklen_t len = sizeof(peer);
  return getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0;
}

void set_send_timeout(int fd, long usec) {
  timeval tv{usec / 1'000'000, usec % 1'000'000};
  ASSERT_EQ(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
}

using ActionTest = InjectorTest;

TEST_F(ActionTest, ASignalInsideABlockedConnectGivesEintrAndTheAttemptGoesOn) {
  Handler handler(SIGALRM, false);
  LoopbackPort server(true);
  use_plan("connect@1=!SIGALRM");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
  EXPECT_EQ(errno, EINTR);
  EXPECT_EQ(g_handled.load(), 1) << "the program's own handler ran";
  // POSIX: the connection is established asynchronously; waiting shows it.
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 1000), 1);
  int err = -1;
  socklen_t len = sizeof(err);
  EXPECT_EQ(getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len), 0);
  EXPECT_EQ(err, 0);
  EXPECT_TRUE(connected(fd));
  EXPECT_NE(log_text().find("the kernel answered EINTR"), std::string::npos) << log_text();
  close(fd);
}

TEST_F(ActionTest, UnderSaRestartTheKernelRestartsTheConnect) {
  Handler handler(SIGALRM, true);
  LoopbackPort server(true);
  use_plan("connect@1=!SIGALRM");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);
  EXPECT_EQ(g_handled.load(), 1);
  EXPECT_TRUE(connected(fd));
  EXPECT_NE(log_text().find("SA_RESTART restarted it"), std::string::npos) << log_text();
  close(fd);
}

TEST_F(ActionTest, WithASendTimeoutSaRestartDoesNotRestart) {
  // Linux: a wait with a timeout is interrupted with EINTR whatever SA_RESTART says.
  Handler handler(SIGALRM, true);
  LoopbackPort server(true);
  use_plan("connect@1=!SIGALRM");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  set_send_timeout(fd, 5'000'000);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
  EXPECT_EQ(errno, EINTR);
  EXPECT_EQ(g_handled.load(), 1);
  close(fd);
}

TEST_F(ActionTest, ASignalTheThreadBlocksStaysPendingAndConnectGoesOn) {
  Handler handler(SIGALRM, false);
  sigset_t alarm, before;
  sigemptyset(&alarm);
  sigaddset(&alarm, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &alarm, &before);
  LoopbackPort server(true);
  use_plan("connect@1=!SIGALRM");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);
  sigset_t pending;
  sigpending(&pending);
  EXPECT_TRUE(sigismember(&pending, SIGALRM));
  EXPECT_EQ(g_handled.load(), 0);
  pthread_sigmask(SIG_SETMASK, &before, nullptr);  // delivered now
  EXPECT_EQ(g_handled.load(), 1);
  close(fd);
}

TEST_F(ActionTest, ASignalWithoutAHandlerIsNotSentInRealisticMode) {
  LoopbackPort server(true);
  use_plan("connect@1=!SIGUSR2");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);  // and the process is still here
  EXPECT_NE(log_text().find("NOT INJECTED connect@1=!SIGUSR2: no handler"), std::string::npos) << log_text();
  close(fd);
}

struct Worker {
  const LoopbackPort* server;
  int fd = -1;
  bool cleaned_up = false;
  bool returned = false;
};

void close_in_cleanup(void* argument) {
  auto* w = static_cast<Worker*>(argument);
  close(w->fd);
  w->cleaned_up = true;
}

void* connect_on_worker(void* argument) {
  auto* w = static_cast<Worker*>(argument);
  w->fd = socket(AF_INET, SOCK_STREAM, 0);
  pthread_cleanup_push(close_in_cleanup, w);
  connect(w->fd, w->server->addr(), w->server->len());
  w->returned = true;
  pthread_cleanup_pop(0);
  return nullptr;
}

TEST_F(ActionTest, CancelEndsTheWorkerInsideConnectThroughItsCleanupHandler) {
  LoopbackPort server(true);
  use_plan("connect@1=CANCEL");
  Worker w{&server};
  pthread_t thread;
  ASSERT_EQ(pthread_create(&thread, nullptr, connect_on_worker, &w), 0);
  void* result = nullptr;
  ASSERT_EQ(pthread_join(thread, &result), 0);
  EXPECT_EQ(result, PTHREAD_CANCELED);
  EXPECT_FALSE(w.returned) << "connect never returned";
  EXPECT_TRUE(w.cleaned_up);
  EXPECT_NE(log_text().find("ECANCELED (INJECTED connect@1=CANCEL: the thread was cancelled inside connect"),
            std::string::npos)
      << log_text();
}

TEST_F(ActionTest, CancelIsNeverSentToTheMainThread) {
  LoopbackPort server(true);
  use_plan("connect@1=CANCEL");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);
  EXPECT_NE(log_text().find("NOT INJECTED connect@1=CANCEL: connect runs on the main thread"), std::string::npos)
      << log_text();
  close(fd);
}

TEST_F(ActionTest, ASlowNetworkKeepsANonBlockingAttemptPendingForItsVirtualTime) {
  LoopbackPort server(true);
  use_plan("connect@1=+250ms");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  std::int64_t start = program_clock_ns();
  EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
  EXPECT_EQ(errno, EINPROGRESS);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 100), 0) << "not yet after 100 ms";
  EXPECT_FALSE(connected(fd));
  EXPECT_EQ(poll(&p, 1, 1000), 1) << "there after 250 ms";
  EXPECT_TRUE(p.revents & POLLOUT);
  std::int64_t elapsed = program_clock_ns() - start;
  EXPECT_GE(elapsed, 250'000'000);
  EXPECT_LT(elapsed, 1'000'000'000);
  EXPECT_TRUE(connected(fd)) << "the kernel's own connection";
  close(fd);
}

TEST_F(ActionTest, ASlowNetworkCanEndInTheOutcomeThePlanGives) {
  LoopbackPort server(true);
  use_plan("connect@1=+3s>ECONNREFUSED");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  std::int64_t start = program_clock_ns();
  EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
  fd_set writable;
  FD_ZERO(&writable);
  FD_SET(fd, &writable);
  EXPECT_EQ(select(fd + 1, nullptr, &writable, nullptr, nullptr), 1);
  EXPECT_GE(program_clock_ns() - start, 3'000'000'000LL);
  int err = 0;
  socklen_t len = sizeof(err);
  getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
  EXPECT_EQ(err, ECONNREFUSED);
  close(fd);
}

TEST_F(ActionTest, ABlockingConnectWhoseSendTimeoutRunsOutFirstSaysEinprogress) {
  LoopbackPort server(true);
  use_plan("connect@1=+250ms");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  set_send_timeout(fd, 100'000);
  std::int64_t start = program_clock_ns();
  EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
  EXPECT_EQ(errno, EINPROGRESS) << "socket(7): the send timeout of a blocking connect";
  std::int64_t elapsed = program_clock_ns() - start;
  EXPECT_GE(elapsed, 100'000'000);
  EXPECT_LT(elapsed, 250'000'000);
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, -1), 1);
  EXPECT_GE(program_clock_ns() - start, 250'000'000);
  EXPECT_TRUE(connected(fd));
  close(fd);
}

TEST_F(ActionTest, ABlockingConnectWithALongerSendTimeoutWaitsTheDelayOut) {
  LoopbackPort server(true);
  use_plan("connect@1=+250ms");
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  set_send_timeout(fd, 1'000'000);
  std::int64_t start = program_clock_ns();
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);
  EXPECT_GE(program_clock_ns() - start, 250'000'000);
  EXPECT_TRUE(connected(fd));
  close(fd);
}

// An AF_UNIX listener in a directory of the test's own (the guard allows /tmp).
class UnixListener {
 public:
  UnixListener() {
    if (mkdtemp(dir_) == nullptr) return;
    addr_.sun_family = AF_UNIX;
    std::snprintf(addr_.sun_path, sizeof(addr_.sun_path), "%s/s", dir_);
    fd_ = socket(AF_UNIX, SOCK_STREAM, 0);
    if (bind(fd_, addr(), sizeof(addr_)) != 0 || listen(fd_, 8) != 0) fd_ = -1;
  }
  ~UnixListener() {
    if (fd_ >= 0) close(fd_);
    unlink(addr_.sun_path);
    rmdir(dir_);
  }
  bool ok() const { return fd_ >= 0; }
  const sockaddr* addr() const { return reinterpret_cast<const sockaddr*>(&addr_); }
  socklen_t len() const { return sizeof(addr_); }

 private:
  char dir_[32] = "/tmp/connfuzz-unix-XXXXXX";
  sockaddr_un addr_{};
  int fd_ = -1;
};

// Linux never pends an AF_UNIX connect: a non-blocking one connects or fails at once, so
// realistic mode declines a delay there (the kernel's answer stands), as it declines EINPROGRESS.
TEST_F(ActionTest, ANonBlockingAfUnixConnectIsNeverSlowInRealisticMode) {
  UnixListener server;
  ASSERT_TRUE(server.ok());
  use_plan("connect@1=+250ms");
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0);
  EXPECT_TRUE(connected(fd));
  EXPECT_NE(log_text().find("(NOT INJECTED connect@1=+250ms: the kernel cannot return this here"), std::string::npos)
      << log_text();
  close(fd);
  use_plan("connect@1=+250ms mode=any");
  fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
  EXPECT_EQ(errno, EINPROGRESS) << "mode=any keeps the network's answer";
  close(fd);
}

// A blocking AF_UNIX connect waits for room in a full backlog; when SO_SNDTIMEO runs out
// first Linux fails it with EAGAIN (unix_stream_connect) and nothing goes on.
TEST_F(ActionTest, ABlockingAfUnixConnectWhoseSendTimeoutRunsOutFirstSaysEagain) {
  UnixListener server;
  ASSERT_TRUE(server.ok());
  use_plan("connect@1=+250ms");
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  set_send_timeout(fd, 100'000);
  std::int64_t start = program_clock_ns();
  EXPECT_EQ(connect(fd, server.addr(), server.len()), -1);
  EXPECT_EQ(errno, EAGAIN);
  std::int64_t elapsed = program_clock_ns() - start;
  EXPECT_GE(elapsed, 100'000'000);
  EXPECT_LT(elapsed, 250'000'000) << "it gave up at SO_SNDTIMEO, not after the delay";
  EXPECT_FALSE(connected(fd)) << "no attempt goes on";
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0) << "a new connect starts afresh";
  close(fd);
  use_plan("connect@1=+250ms");
  fd = socket(AF_UNIX, SOCK_STREAM, 0);
  EXPECT_EQ(connect(fd, server.addr(), server.len()), 0) << "no send timeout: it waits the delay out";
  EXPECT_TRUE(connected(fd));
  close(fd);
}

TEST_F(ActionTest, AWaitIsInterruptedAfterItsDelayUnlessItsTimeoutComesFirst) {
  LoopbackPort server(true);
  use_plan("connect@1=+30s poll@*=+400ms>EINTR");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(fd, server.addr(), server.len());
  pollfd p{fd, POLLOUT, 0};
  std::int64_t start = program_clock_ns();
  EXPECT_EQ(poll(&p, 1, 1000), -1);
  EXPECT_EQ(errno, EINTR);
  std::int64_t first = program_clock_ns() - start;
  EXPECT_GE(first, 400'000'000);
  EXPECT_LT(first, 1'000'000'000);
  EXPECT_EQ(poll(&p, 1, 100), 0) << "the timeout came first";
  EXPECT_GE(program_clock_ns() - start, 500'000'000);
  close(fd);
}

TEST_F(ActionTest, AnInterruptedWaitStillReportsWhatIsReadyAtOnce) {
  LoopbackPort server(true);
  use_plan("poll@*=+400ms>EINTR");
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  connect(fd, server.addr(), server.len());
  pollfd p{fd, POLLOUT, 0};
  EXPECT_EQ(poll(&p, 1, 1000), 1);
  EXPECT_TRUE(p.revents & POLLOUT);
  close(fd);
}

}  // namespace
}  // namespace connfuzz::testing
