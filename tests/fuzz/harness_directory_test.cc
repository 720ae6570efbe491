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
    fs::path dir = parent / name;
    fs::create_directory(dir);
    std::ofstream(dir / "stream") << "";
    if (with_lock) {
      std::ofstream(dir / kHarnessLockName) << "";
      age(dir / kHarnessLockName, age_seconds);
    }
    return dir;
  }
  static void age(const fs::path& file, int seconds) {
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

}  // namespace
