// The deadlock-after-cancel oracle's watch on the next call: a call whose threads all
// sleep on futexes without a timeout is deadlocked at once; one that sleeps with a
// timeout, elsewhere, or hands a lock on is not; one that keeps running is stopped by the cap.
#include "watched_call.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <time.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace connfuzz::fuzz {
namespace {

// Held by a thread that is gone, as a cancelled thread leaves it; never destroyed,
// since the stuck calls stay blocked on it until the test program ends.
std::mutex& abandoned_lock() {
  static auto* lock = [] {
    auto* m = new std::mutex;
    std::thread([m] { m->lock(); }).join();
    return m;
  }();
  return *lock;
}

void sleep_ms(int ms) {
  timespec pause{0, ms * 1'000'000L};
  nanosleep(&pause, nullptr);
}

TEST(WatchedCall, ACallBlockedOnAnAbandonedLockIsDeadlocked) {
  EXPECT_EQ(run_watched([] { abandoned_lock().lock(); }, 30), CallEnd::deadlocked);
}

TEST(WatchedCall, ACallJoiningAWorkerBlockedOnAnAbandonedLockIsDeadlocked) {
  EXPECT_EQ(run_watched([] { std::thread([] { abandoned_lock().lock(); }).join(); }, 30), CallEnd::deadlocked);
}

TEST(WatchedCall, ACallThatSleepsReturns) {
  EXPECT_EQ(run_watched([] { sleep_ms(40); }, 30), CallEnd::returned);
}

TEST(WatchedCall, AWaitWithATimeoutIsNoDeadlock) {
  EXPECT_EQ(run_watched([] {
              std::mutex m;
              std::condition_variable never;
              std::unique_lock<std::mutex> lock(m);
              never.wait_for(lock, std::chrono::milliseconds(60));
            }, 30),
            CallEnd::returned);
}

TEST(WatchedCall, ALockHandedOnByALiveThreadIsNoDeadlock) {
  EXPECT_EQ(run_watched([] {
              std::mutex m;
              m.lock();
              std::thread waiter([&m] {
                m.lock();  // an untimed futex wait, until the owner lets go
                m.unlock();
              });
              sleep_ms(60);
              m.unlock();
              waiter.join();
            }, 30),
            CallEnd::returned);
}

TEST(WatchedCall, ACallThatKeepsRunningIsStoppedByTheCap) {
  static std::atomic<bool> stop{false};
  EXPECT_EQ(run_watched([] {
              for (long i = 0; i < 20'000'000'000L && !stop.load(); ++i) {
              }
            }, 1),
            CallEnd::timed_out);
  stop = true;
}

}  // namespace
}  // namespace connfuzz::fuzz
