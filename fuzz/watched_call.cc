// The deadlock watch: /proc's thread states sampled while the call's thread runs.
#include "watched_call.h"

#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace connfuzz::fuzz {
namespace {

// A thread woken by another shows as running from the wake on, so a run of samples
// that all find the same sleep is not a race between two of them.
constexpr int kSamplesToConclude = 20;
constexpr long kSampleIntervalNs = 1'000'000;

std::vector<int> thread_ids() {
  std::vector<int> ids;
  if (DIR* dir = opendir("/proc/self/task")) {
    while (dirent* entry = readdir(dir))
      if (int tid = std::atoi(entry->d_name); tid > 0) ids.push_back(tid);
    closedir(dir);
  }
  return ids;
}

// The thread sleeps in futex() without a timeout: /proc/self/task/TID/syscall reads
// "202 uaddr op val timeout ..." (and "running" while it runs).
bool asleep_for_good(int tid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  char text[256];
  ssize_t n = read(fd, text, sizeof(text) - 1);
  close(fd);
  if (n <= 0) return false;
  text[n] = '\0';
  char* at = text;
  long number = std::strtol(at, &at, 10);
  if (at == text || number != SYS_futex) return false;
  unsigned long args[4] = {};
  for (unsigned long& arg : args) {
    char* end = nullptr;
    arg = std::strtoul(at, &end, 16);
    if (end == at) return false;
    at = end;
  }
  return args[3] == 0;
}

// The kernel's clock: the virtual one may have been moved by the call being watched.
std::int64_t real_now_ns() {
  timespec ts{};
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1'000'000'000LL + ts.tv_nsec;
}

}  // namespace

CallEnd run_watched(std::function<void()> job, int cap_seconds) {
  std::vector<int> before = thread_ids();
  auto* call = new std::function<void()>(std::move(job));
  pthread_t thread;
  auto run = [](void* p) -> void* {
    (*static_cast<std::function<void()>*>(p))();
    return nullptr;
  };
  if (pthread_create(&thread, nullptr, run, call) != 0) {
    delete call;  // no thread to watch it on: no call, and no verdict against the target
    return CallEnd::returned;
  }
  std::int64_t cap = real_now_ns() + cap_seconds * 1'000'000'000LL;
  for (int asleep = 0;;) {
    if (pthread_tryjoin_np(thread, nullptr) == 0) {
      delete call;
      return CallEnd::returned;
    }
    // Threads that were there before the call (the harness's, calls stuck earlier) do not count.
    int seen = 0;
    bool all_asleep = true;
    for (int tid : thread_ids()) {
      if (std::find(before.begin(), before.end(), tid) != before.end()) continue;
      ++seen;
      if (!asleep_for_good(tid)) all_asleep = false;
    }
    asleep = seen > 0 && all_asleep ? asleep + 1 : 0;
    if (asleep >= kSamplesToConclude) return CallEnd::deadlocked;
    if (real_now_ns() >= cap) return CallEnd::timed_out;
    timespec pause{0, kSampleIntervalNs};
    syscall(SYS_nanosleep, &pause, nullptr);  // not the input's sleep: its clock stays
  }
}

}  // namespace connfuzz::fuzz
