// The harness's own directory (see harness_directory.h).
#include "harness_directory.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "real_calls.h"

namespace connfuzz::fuzz {
namespace {

constexpr const char* kPrefix = "connfuzz-harness-";
constexpr std::size_t kNameLength = std::char_traits<char>::length("connfuzz-harness-XXXXXX");
// Between mkdtemp and the lock a harness holds nothing: a directory this young is spared.
constexpr time_t kAbandonedAfterSeconds = 60;

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error("connfuzz harness: " + what + ": " + std::strerror(errno));
}

// Real time: a target's virtual clock is not the file system's.
time_t now() {
  timespec t{};
  inject::real().clock_gettime(CLOCK_REALTIME, &t);
  return t.tv_sec;
}

bool is_harness_name(const char* name) {
  return std::strncmp(name, kPrefix, std::strlen(kPrefix)) == 0 && std::strlen(name) == kNameLength;
}

// True when `dir` is ours, old enough, and its lock can be taken: its harness is gone.
// The lock stays taken (on `lock_fd`) while the directory is removed.
bool abandoned(const std::string& dir, int& lock_fd) {
  lock_fd = open((dir + "/" + kHarnessLockName).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (lock_fd < 0) return false;
  struct stat st {};
  bool old_and_ours = fstat(lock_fd, &st) == 0 && st.st_uid == geteuid() && now() - st.st_mtime >= kAbandonedAfterSeconds;
  if (old_and_ours && flock(lock_fd, LOCK_EX | LOCK_NB) == 0) return true;
  close(lock_fd);
  lock_fd = -1;
  return false;
}

}  // namespace

void remove_harness_directory(const std::string& dir) noexcept {
  if (dir.empty()) return;
  if (DIR* d = opendir(dir.c_str())) {
    // Bounded: a harness puts five names there.
    for (int n = 0; n < 64; ++n) {
      const dirent* entry = readdir(d);
      if (entry == nullptr) break;
      if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0)
        unlinkat(dirfd(d), entry->d_name, 0);
    }
    closedir(d);
  }
  rmdir(dir.c_str());
}

int remove_abandoned_harness_directories(const std::string& parent) noexcept {
  DIR* d = opendir(parent.c_str());
  if (d == nullptr) return 0;
  int removed = 0;
  // Bounded: /tmp holds at most this many names worth looking at in one start.
  for (int seen = 0; seen < 100000; ++seen) {
    const dirent* entry = readdir(d);
    if (entry == nullptr) break;
    if (!is_harness_name(entry->d_name)) continue;
    std::string dir = parent + "/" + entry->d_name;
    int lock_fd = -1;
    if (!abandoned(dir, lock_fd)) continue;
    remove_harness_directory(dir);
    close(lock_fd);
    ++removed;
  }
  closedir(d);
  return removed;
}

std::string make_harness_directory(const std::string& parent) {
  remove_abandoned_harness_directories(parent);
  std::string dir = parent + "/" + kPrefix + "XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) fail("mkdtemp in " + parent);
  // Held until the process and every child it forked have ended: the descriptor is
  // never closed, and a fork shares the lock.
  int lock_fd = open((dir + "/" + kHarnessLockName).c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX) != 0) fail("lock " + dir);
  return dir;
}

}  // namespace connfuzz::fuzz
