// The harness's own directory (see harness_directory.h). /tmp is everybody's: every
// step past the parent is taken relative to a descriptor of a directory we checked
// (ours, no symlink, nobody else may write it), never by a path another user could
// have swapped under us.
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
// The lock's descriptor, out of the targets' way (between the event log's, 900, and the
// sweep worker's, 1000): their sockets get the numbers they would get without it, and a
// target that closes or dup2()s over the low descriptors it did not open does not drop
// the lock (which would let another harness remove this one's sockets).
constexpr int kLockDescriptorFloor = 960;
// More names than a harness ever puts in its directory.
constexpr int kMaxEntries = 4096;

[[noreturn]] void fail(const std::string& what) {
  int err = errno;
  throw std::runtime_error("connfuzz harness: " + what + ": " + std::strerror(err));
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

// A listing of the directory `dir_fd` (on its own descriptor: closedir() closes it,
// and `dir_fd` stays open for the *at() calls); nullptr when it cannot be read.
DIR* list_directory(int dir_fd) {
  int listing = dup(dir_fd);
  if (listing < 0) return nullptr;
  DIR* d = fdopendir(listing);
  if (d == nullptr) close(listing);
  return d;
}

// `name` in `parent_fd` opened as a directory that is ours and only ours; -1 otherwise.
int open_own_directory(int parent_fd, const char* name) {
  int fd = openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return -1;
  struct stat st {};
  if (fstat(fd, &st) != 0 || st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Unlinks what is in the directory, the lock file last, so that a directory left with
// anything in it still has its lock file (and is tried again by the next harness).
void empty_directory(int dir_fd) {
  DIR* d = list_directory(dir_fd);
  if (d == nullptr) return;
  for (int n = 0; n < kMaxEntries; ++n) {
    const dirent* entry = readdir(d);
    if (entry == nullptr) break;
    const char* name = entry->d_name;
    if (std::strcmp(name, ".") != 0 && std::strcmp(name, "..") != 0 && std::strcmp(name, kHarnessLockName) != 0)
      unlinkat(dir_fd, name, 0);
  }
  closedir(d);
  unlinkat(dir_fd, kHarnessLockName, 0);
}

// True when `name` is ours, its lock file old enough, and its lock can be taken: its
// harness is gone. The lock stays taken (on `lock_fd`) while the directory is removed.
bool abandoned(int dir_fd, int& lock_fd) {
  lock_fd = openat(dir_fd, kHarnessLockName, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (lock_fd < 0) return false;
  struct stat st {};
  bool old_and_ours = fstat(lock_fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() &&
                      now() - st.st_mtime >= kAbandonedAfterSeconds;
  // st_nlink after the lock: another harness may have removed it meanwhile.
  if (old_and_ours && flock(lock_fd, LOCK_EX | LOCK_NB) == 0 && fstat(lock_fd, &st) == 0 && st.st_nlink > 0)
    return true;
  close(lock_fd);
  lock_fd = -1;
  return false;
}

}  // namespace

void remove_harness_directory(const std::string& dir) noexcept {
  if (dir.empty()) return;
  std::size_t slash = dir.rfind('/');
  std::string parent = slash == 0 ? "/" : dir.substr(0, slash);
  int parent_fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return;
  int dir_fd = open_own_directory(parent_fd, dir.c_str() + slash + 1);
  if (dir_fd >= 0) {
    empty_directory(dir_fd);
    close(dir_fd);
    unlinkat(parent_fd, dir.c_str() + slash + 1, AT_REMOVEDIR);
  }
  close(parent_fd);
}

int remove_abandoned_harness_directories(const std::string& parent) noexcept {
  int parent_fd = open(parent.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent_fd < 0) return 0;
  DIR* d = list_directory(parent_fd);
  if (d == nullptr) {
    close(parent_fd);
    return 0;
  }
  int removed = 0;
  // Bounded: /tmp holds at most this many names worth looking at in one start.
  for (int seen = 0; seen < 100000; ++seen) {
    const dirent* entry = readdir(d);
    if (entry == nullptr) break;
    if (!is_harness_name(entry->d_name)) continue;
    int dir_fd = open_own_directory(parent_fd, entry->d_name);
    if (dir_fd < 0) continue;
    int lock_fd = -1;
    if (abandoned(dir_fd, lock_fd)) {
      empty_directory(dir_fd);
      removed += unlinkat(parent_fd, entry->d_name, AT_REMOVEDIR) == 0;
      close(lock_fd);
    }
    close(dir_fd);
  }
  closedir(d);
  close(parent_fd);
  return removed;
}

std::string make_harness_directory(const std::string& parent) {
  remove_abandoned_harness_directories(parent);
  std::string dir = parent + "/" + kPrefix + "XXXXXX";
  if (mkdtemp(dir.data()) == nullptr) fail("mkdtemp in " + parent);
  // Held until the process and every child it forked have ended: the descriptor is
  // never closed, and a fork shares the lock.
  int created = open((dir + "/" + kHarnessLockName).c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (created < 0) fail("create the lock file in " + dir);
  int lock_fd = fcntl(created, F_DUPFD_CLOEXEC, kLockDescriptorFloor);
  if (lock_fd < 0) lock_fd = created;  // a descriptor limit under the floor: where open put it
  else close(created);
  if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) fail("lock " + dir);
  return dir;
}

}  // namespace connfuzz::fuzz
