// The injector under pressure (issue 7): threads connecting at once under one plan, a
// storm of signals without SA_RESTART, connect from a signal handler, fork in the
// middle of a run (the child counts its own calls and inherits no held lock),
// descriptors above 1024. No deadlock, no event lost, no data race (the tsan preset
// runs these under ThreadSanitizer; every loop is bounded).
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <set>
#include <thread>
#include <vector>

#include "injector_fixture.h"
#include "loopback.h"
#include "real_calls.h"

namespace {

using connfuzz::inject::Call;
using connfuzz::inject::Mark;
using connfuzz::inject::RealCalls;
using connfuzz::inject::real;
using connfuzz::inject::runtime;
using connfuzz::testing::InjectorTest;
using connfuzz::testing::LoopbackPort;

// A connect made through the interposed socket(), connect() and close(): 3 events; 0
// or the errno it failed with (a bound port that does not listen refuses at once).
int connect_error(const LoopbackPort& port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  int err = connect(fd, port.addr(), port.len()) == 0 ? 0 : errno;
  close(fd);
  return err;
}

// Waits at most `seconds` for `child`, then kills it; its wait status.
int wait_bounded(pid_t child, int seconds) {
  int status = -1;
  for (int i = 0; i < seconds * 100; ++i) {
    if (waitpid(child, &status, WNOHANG) == child) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(child, SIGKILL);
  waitpid(child, &status, 0);
  return status;
}

std::vector<std::uint32_t> connect_indexes() {
  std::vector<std::uint32_t> indexes;
  auto& log = runtime().log();
  for (std::uint32_t i = 0; i < log.size(); ++i)
    if (log.at(i).call == Call::connect) indexes.push_back(log.at(i).index);
  return indexes;
}

class StressTest : public InjectorTest {};

TEST_F(StressTest, EightThreadsConnectingAtOnceLoseNoEventAndShareOneCount) {
  constexpr int kThreads = 8, kEach = 150;  // 3600 events: within the log's 4096
  LoopbackPort port(false);
  use_plan("connect%50=ECONNREFUSED seed=3");
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) wrong += connect_error(port) != ECONNREFUSED;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_EQ(runtime().log().size(), 3u * kThreads * kEach) << "events lost";
  EXPECT_EQ(runtime().log().dropped(), 0u);
  auto indexes = connect_indexes();
  std::set<std::uint32_t> unique(indexes.begin(), indexes.end());
  EXPECT_EQ(unique.size(), static_cast<std::size_t>(kThreads * kEach)) << "two connects got the same index";
  EXPECT_EQ(*unique.begin(), 1u);
  EXPECT_EQ(*unique.rbegin(), static_cast<std::uint32_t>(kThreads * kEach));
  int injected = 0;
  for (std::uint32_t i = 0; i < runtime().log().size(); ++i) injected += runtime().log().at(i).mark == Mark::Injected;
  EXPECT_GT(injected, kThreads * kEach / 4);  // about half, drawn per index
  EXPECT_LT(injected, kThreads * kEach * 3 / 4);
}

std::atomic<int> g_alarms{0};
void count_alarm(int) { g_alarms.fetch_add(1, std::memory_order_relaxed); }

TEST_F(StressTest, ASignalStormWithoutRestartMixesRealAndInjectedEintr) {
  LoopbackPort port(false);
  use_plan("connect%30=EINTR seed=5");
  struct sigaction action{}, old{};
  action.sa_handler = count_alarm;  // no SA_RESTART: interrupted calls fail with EINTR
  sigaction(SIGALRM, &action, &old);
  itimerval storm{{0, 200}, {0, 200}}, off{};
  setitimer(ITIMER_REAL, &storm, nullptr);
  int made = 0, odd = 0;
  for (int i = 0; i < 400; ++i, ++made) {
    int err = connect_error(port);
    // EINTR leaves the attempt going on; against a port that refuses, it is refused.
    odd += err != ECONNREFUSED && err != EINTR;
  }
  setitimer(ITIMER_REAL, &off, nullptr);
  sigaction(SIGALRM, &old, nullptr);
  EXPECT_EQ(odd, 0);
  EXPECT_GT(g_alarms.load(), 0) << "the storm never struck";
  EXPECT_EQ(connect_indexes().size(), static_cast<std::size_t>(made)) << "events lost during the storm";
}

const LoopbackPort* g_port = nullptr;
std::atomic<int> g_handler_connects{0};
void connect_in_handler(int) {
  int saved = errno;
  connect_error(*g_port);  // socket, connect and close inside a signal handler
  g_handler_connects.fetch_add(1, std::memory_order_relaxed);
  errno = saved;
}

TEST_F(StressTest, ConnectFromASignalHandlerDuringConnectsNeitherDeadlocksNorLosesEvents) {
  LoopbackPort port(false);
  g_port = &port;
  g_handler_connects = 0;  // --gtest_repeat runs this again in the same process
  use_plan("connect%50=ECONNREFUSED seed=9");
  struct sigaction action{}, old{};
  action.sa_handler = connect_in_handler;
  action.sa_flags = SA_RESTART;
  sigaction(SIGUSR1, &action, &old);
  pid_t self = getpid();
  pid_t tid = static_cast<pid_t>(syscall(SYS_gettid));
  std::atomic<bool> stop{false};
  std::thread signaller([&] {
    for (int i = 0; i < 200 && !stop; ++i) {
      syscall(SYS_tgkill, self, tid, SIGUSR1);
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  // Go on until the handler has connected a few times: the signaller may start late.
  // At most 1000 connects here and 200 in the handler: 3 600 events, within the log.
  int made = 0;
  for (int i = 0; i < 1000 && (i < 300 || g_handler_connects.load() < 10); ++i, ++made) {
    connect_error(port);
    if (i >= 300) std::this_thread::sleep_for(std::chrono::microseconds(50));
  }
  stop = true;
  signaller.join();
  sigaction(SIGUSR1, &old, nullptr);
  EXPECT_GT(g_handler_connects.load(), 0);
  EXPECT_EQ(connect_indexes().size(), static_cast<std::size_t>(made + g_handler_connects.load()));
}

TEST_F(StressTest, AForkedChildLogsUnderItsOwnPidAndKeepsInjecting) {
  LoopbackPort port(false);
  use_plan("connect@*=ECONNREFUSED");
  std::atomic<bool> stop{false};
  std::thread busy([&] {
    for (int i = 0; i < 2000 && !stop; ++i) connect_error(port);
  });
  pid_t child = fork();
  if (child == 0) {
    // Only this thread exists here; the injector must still work and name this pid.
    runtime().log().clear();
    int err = connect_error(port);
    auto& log = runtime().log();
    bool ok = err == ECONNREFUSED && log.size() == 3 && log.at(1).pid == getpid() && log.at(1).mark == Mark::Injected;
    _exit(ok ? 0 : 1);
  }
  int status = -1;
  waitpid(child, &status, 0);
  stop = true;
  busy.join();
  ASSERT_TRUE(WIFEXITED(status)) << "the child died";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's connect was not injected or logged under its pid";
}

// The README's promise, which the matrix's cells rely on: a process's calls count from
// 1, a forked child's too, so `connect@2` is the child's own second connect.
TEST_F(StressTest, AForkedChildCountsItsConnectsFromOne) {
  LoopbackPort server(true);
  use_plan("connect@2=ECONNREFUSED");
  ASSERT_EQ(connect_error(server), 0) << "the parent's connect#1\n" << log_text();
  pid_t child = fork();
  if (child == 0) {
    if (connect_error(server) != 0) _exit(1);  // its connect#1: not the parent's #2
    if (connect_error(server) != ECONNREFUSED) _exit(2);
    auto& log = runtime().log();
    bool own_log = connect_indexes() == std::vector<std::uint32_t>{1, 2} && log.size() == 6 &&
                   log.at(4).mark == Mark::Injected && log.at(4).pid == getpid();
    _exit(own_log ? 0 : 3);
  }
  int status = wait_bounded(child, 10);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died: " << status;
  EXPECT_NE(WEXITSTATUS(status), 1) << "the child's first connect failed: it went on counting from the parent's";
  EXPECT_NE(WEXITSTATUS(status), 2) << "the child's second connect was not the planned ECONNREFUSED";
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the child's log does not hold its own calls counted from 1";
  // The parent's count is its own: its next connect is its second.
  EXPECT_EQ(connect_error(server), ECONNREFUSED) << log_text();
}

// The real timerfd_settime behind the virtual timers, held up inside the timers' lock
// for the thread named here until the test lets it go (5 s at most).
std::atomic<long> g_holder_tid{0};
std::atomic<bool> g_holding{false}, g_release{false};
int (*g_settime)(int, int, const itimerspec*, itimerspec*) = nullptr;
int settime_held_up(int fd, int flags, const itimerspec* value, itimerspec* old) {
  if (syscall(SYS_gettid) == g_holder_tid.load()) {
    g_holding = true;
    for (int i = 0; i < 500 && !g_release.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return g_settime(fd, flags, value, old);
}

// A child forked while another thread held the timers' lock: the holder is not in the
// child, and a lock left taken would hang its first timerfd call for ever.
TEST_F(StressTest, AChildForkedWhileAnotherThreadHoldsTheTimerLockCanUseTimers) {
  // RealCalls lives in writable memory; swapped before the holder starts, restored after it ends.
  auto& calls = const_cast<RealCalls&>(real());
  g_settime = calls.timerfd_settime;
  calls.timerfd_settime = settime_held_up;
  g_holding = g_release = false;
  std::thread holder([] {
    g_holder_tid = syscall(SYS_gettid);
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    itimerspec in_a_second{{0, 0}, {1, 0}};
    timerfd_settime(timer, 0, &in_a_second, nullptr);
    close(timer);
  });
  for (int i = 0; i < 500 && !g_holding.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  bool held = g_holding.load();
  pid_t child = held ? fork() : -1;
  if (child == 0) {
    alarm(3);  // the bound: a child stuck on the lock dies of SIGALRM
    int timer = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    itimerspec in_a_second{{0, 0}, {1, 0}};
    if (timer < 0 || timerfd_settime(timer, 0, &in_a_second, nullptr) != 0) _exit(1);
    runtime().advance_clock_by(2'000'000'000);  // virtual time passes the timer's expiry
    pollfd due{timer, POLLIN, 0};
    _exit(syscall(SYS_poll, &due, 1, 0) == 1 ? 0 : 2);
  }
  g_release = true;
  holder.join();
  calls.timerfd_settime = g_settime;
  ASSERT_TRUE(held) << "the holder never reached timerfd_settime inside the lock";
  int status = wait_bounded(child, 10);
  ASSERT_FALSE(WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM) << "the child hung on the timers' lock";
  ASSERT_TRUE(WIFEXITED(status)) << "the child died: " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << (WEXITSTATUS(status) == 1 ? "timerfd failed in the child"
                                                                 : "the child's timer did not fire on virtual time");
}

TEST_F(StressTest, DescriptorsAbove1024AndClosedStandardDescriptorsStillWork) {
  LoopbackPort port(false);
  use_plan("connect@*=ECONNREFUSED");
  pid_t child = fork();
  if (child == 0) {
    close(0), close(1), close(2);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);  // takes descriptor 0 now
    int high = dup2(fd, 1500);
    close(fd);
    runtime().log().clear();
    bool refused = connect(high, port.addr(), port.len()) != 0 && errno == ECONNREFUSED;
    auto& log = runtime().log();
    bool ok = refused && log.size() == 1 && log.at(0).fd == 1500 && log.at(0).mark == Mark::Injected;
    _exit(ok ? 0 : 1);
  }
  int status = -1;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
