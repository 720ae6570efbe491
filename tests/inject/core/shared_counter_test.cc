// The counters behind call indexes and log slots: no bump lost or given twice, whether
// a signal handler or another thread bumps at the same time.
#include "shared_counter.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/single_threaded.h>
#include <sys/time.h>

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

using connfuzz::inject::SharedCounter;

namespace {

SharedCounter g_counter;
volatile sig_atomic_t g_handler_bumps = 0;

void bump_in_handler(int) {
  g_counter.bump();
  g_handler_bumps = g_handler_bumps + 1;
}

// Runs in a process of its own (a death-test child re-executes the binary), which has
// one thread: the unlocked path. Exit status 0: every bump counted.
[[noreturn]] void count_while_signals_land() {
  if (!__libc_single_threaded) _exit(3);
  struct sigaction action {};
  action.sa_handler = bump_in_handler;
  sigaction(SIGALRM, &action, nullptr);
  itimerval every_50us{{0, 50}, {0, 50}};
  setitimer(ITIMER_REAL, &every_50us, nullptr);
  std::uint32_t own = 0;
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  // Bounded in count and in time: 500 signals are plenty to land inside bumps.
  for (int round = 0; round < 10'000 && g_handler_bumps < 500 && std::chrono::steady_clock::now() < give_up; ++round)
    for (int i = 0; i < 10'000; ++i, ++own) g_counter.bump();
  itimerval off{};
  setitimer(ITIMER_REAL, &off, nullptr);
  if (g_handler_bumps < 100) _exit(4);  // too few signals landed to prove anything
  _exit(g_counter.load() == own + static_cast<std::uint32_t>(g_handler_bumps) ? 0 : 1);
}

}  // namespace

TEST(SharedCounterTest, SignalsLandingMidBumpLoseNothingInASingleThreadedProcess) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(count_while_signals_land(), testing::ExitedWithCode(0), "");
}

TEST(SharedCounterTest, ThreadsGetEveryValueOnce) {
  constexpr int kThreads = 4, kBumps = 50'000;
  SharedCounter counter;
  std::vector<std::vector<std::uint32_t>> seen(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBumps; ++i) seen[t].push_back(counter.bump());
    });
  for (auto& thread : threads) thread.join();
  std::vector<std::uint32_t> all;
  for (auto& values : seen) all.insert(all.end(), values.begin(), values.end());
  std::sort(all.begin(), all.end());
  ASSERT_EQ(all.size(), std::size_t{kThreads * kBumps});
  for (std::uint32_t i = 0; i < all.size(); ++i) ASSERT_EQ(all[i], i);
  EXPECT_EQ(counter.load(), std::uint32_t{kThreads * kBumps});
}
