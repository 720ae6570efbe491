// The harness's directory: the same shape whatever $TMPDIR says, and the directories of
// harnesses that are gone (a crash leaves one behind) removed by the next harness, never
// one whose harness, or a child it forked, still runs.
#include "harness_directory.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using connfuzz::fuzz::kHarnessLockName;
using connfuzz::fuzz::make_harness_directory;
using connfuzz::fuzz::remove_abandoned_harness_directories;
using connfuzz::fuzz::remove_harness_directory;

class HarnessDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/connfuzz-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    parent = pattern;
  }
  void TearDown() override { fs::remove_all(parent); }

  // A directory as a harness leaves it: its lock file, a socket's name, made
  // `age_seconds` ago.
  fs::path left_behind(const std::string& name, int age_seconds, bool with_lock = true) {
    return left_behind_in(parent, name, age_seconds, with_lock);
  }
  static fs::path left_behind_in(const fs::path& where, const std::string& name, int age_seconds,
                                 bool with_lock = true) {
    fs::path dir = where / name;
    fs::create_directory(dir);
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace);
    std::ofstream(dir / "stream") << "";
    if (with_lock) {
      std::ofstream(dir / kHarnessLockName) << "";
      age(dir / kHarnessLockName, age_seconds);
    }
    return dir;
  }
  static void age(const fs::path& file, int seconds) {
    if (!fs::exists(file)) return;
    timespec times[2] = {{time(nullptr) - seconds, 0}, {time(nullptr) - seconds, 0}};
    ASSERT_EQ(utimensat(AT_FDCWD, file.c_str(), times, 0), 0);
  }
  fs::path parent;
};

TEST_F(HarnessDirectory, IsUnderTmpWithTheSameLengthWhateverTmpdirSays) {
  fs::path long_tmp = parent / std::string(50, 't');
  fs::create_directory(long_tmp);
  const char* saved = std::getenv("TMPDIR");
  std::string before = saved != nullptr ? saved : "";
  setenv("TMPDIR", long_tmp.c_str(), 1);
  std::string dir = make_harness_directory();
  saved != nullptr ? setenv("TMPDIR", before.c_str(), 1) : unsetenv("TMPDIR");
  EXPECT_EQ(dir.rfind("/tmp/connfuzz-harness-", 0), 0u) << dir;
  EXPECT_EQ(dir.size(), std::string("/tmp/connfuzz-harness-XXXXXX").size()) << dir;
  EXPECT_EQ(fs::status(dir).permissions(), fs::perms::owner_all);
  EXPECT_TRUE(fs::is_empty(long_tmp));
  remove_harness_directory(dir);
  EXPECT_FALSE(fs::exists(dir));
}

TEST_F(HarnessDirectory, OnlyTheAbandonedOnesAreRemoved) {
  fs::path abandoned = left_behind("connfuzz-harness-aaaaaa", 120);
  fs::path young = left_behind("connfuzz-harness-bbbbbb", 0);
  fs::path held = left_behind("connfuzz-harness-cccccc", 120);
  fs::path older_connfuzz = left_behind("connfuzz-harness-dddddd", 120, false);
  fs::path not_a_harness = left_behind("connfuzz-harness-eeeeeee", 120);
  int lock = open((held / kHarnessLockName).c_str(), O_RDONLY | O_CLOEXEC);
  ASSERT_EQ(flock(lock, LOCK_SH), 0);

  EXPECT_EQ(remove_abandoned_harness_directories(parent), 1);
  EXPECT_FALSE(fs::exists(abandoned));
  EXPECT_TRUE(fs::exists(young / "stream"));
  EXPECT_TRUE(fs::exists(held / "stream"));
  EXPECT_TRUE(fs::exists(older_connfuzz / "stream"));
  EXPECT_TRUE(fs::exists(not_a_harness / "stream"));
  close(lock);
}

// The lock lives as long as the harness and what it forked (a sweep's cell runners):
// a harness that made its directory and then crashed has it removed, not before.
TEST_F(HarnessDirectory, ADirectoryOutlivesItsHarnessOnlyUntilTheNextOne) {
  int made[2];
  ASSERT_EQ(pipe(made), 0);
  pid_t harness = fork();
  ASSERT_GE(harness, 0);
  if (harness == 0) {
    std::string dir = make_harness_directory(parent);
    (void)!write(made[1], dir.c_str(), dir.size());
    close(made[1]);
    pause();  // until killed: a crash takes no clean-up with it
    _exit(0);
  }
  close(made[1]);
  char name[256] = {};
  ASSERT_GT(read(made[0], name, sizeof(name) - 1), 0);
  close(made[0]);
  fs::path dir = name;
  age(dir / kHarnessLockName, 120);

  EXPECT_EQ(remove_abandoned_harness_directories(parent), 0);
  EXPECT_TRUE(fs::exists(dir));
  kill(harness, SIGKILL);
  waitpid(harness, nullptr, 0);
  EXPECT_EQ(remove_abandoned_harness_directories(parent), 1);
  EXPECT_FALSE(fs::exists(dir));
}

// /tmp is everybody's: a name that is a symlink, or a directory others may write, is
// not ours to empty, however old and unlocked what it leads to.
TEST_F(HarnessDirectory, NeitherASymlinkNorADirectoryOthersMayWriteIsFollowed) {
  fs::path elsewhere = parent / "elsewhere";
  fs::create_directory(elsewhere);
  fs::path target = left_behind_in(elsewhere, "connfuzz-harness-ffffff", 120);
  fs::create_directory_symlink(target, parent / "connfuzz-harness-gggggg");
  fs::path shared = left_behind("connfuzz-harness-hhhhhh", 120);
  fs::permissions(shared, fs::perms::all, fs::perm_options::replace);

  EXPECT_EQ(remove_abandoned_harness_directories(parent), 0);
  EXPECT_TRUE(fs::exists(target / "stream"));
  EXPECT_TRUE(fs::exists(shared / "stream"));
}

// The lock's descriptor is out of the targets' way: the next descriptor a target opens
// is the one it would get without a harness directory.
TEST_F(HarnessDirectory, TheLockTakesNoLowDescriptor) {
  int before = open("/dev/null", O_RDONLY | O_CLOEXEC);
  close(before);
  std::string dir = make_harness_directory(parent.string());
  int after = open("/dev/null", O_RDONLY | O_CLOEXEC);
  close(after);
  EXPECT_EQ(after, before);
  remove_harness_directory(dir);
  EXPECT_FALSE(fs::exists(dir));
}

}  // namespace
