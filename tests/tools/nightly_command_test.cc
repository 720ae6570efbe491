// `connfuzz nightly` as cron runs it: every fuzzer time-boxed, the corpus merged
// without losing an input (even when killed), findings grouped and minimized, the
// reports written; a buggy example added with --with is found and its repro replays.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <map>
#include <string>
#include <vector>
#include <thread>

#include "connfuzz_command.h"

namespace {

namespace fs = std::filesystem;
using connfuzz::testing::connfuzz;
using connfuzz::testing::connfuzz_stdout;
using connfuzz::testing::quote;

const std::string kFuzzers = CONNFUZZ_LIBFUZZER_BIN;

std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) files[fs::relative(e.path(), dir).string()] = connfuzz::testing::file_text(e.path());
  return files;
}

class NightlyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(kFuzzers + "/posix_fuzzer")) GTEST_SKIP() << "no libFuzzer build in " << kFuzzers << " (scripts/test.sh builds it)";
    dir_ = fs::path(::testing::TempDir()) / ("nightly-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    copy_seeds(CONNFUZZ_SOURCE_DIR "/corpus", dir_ / "corpus");
  }
  // The seeds, not the errno sweeps' files (sweep-*, two thirds of corpus/): the nightly's
  // coverage report replays every input in an ASan libFuzzer process of its own, and the
  // whole corpus took this test past its timeout on a loaded CI machine. What is tested (every fuzzer, nothing lost, the
  // corpus grows) holds for any corpus.
  static void copy_seeds(const fs::path& from, const fs::path& to) {
    for (const auto& e : fs::recursive_directory_iterator(from)) {
      fs::path relative = fs::relative(e.path(), from);
      if (e.is_directory()) fs::create_directories(to / relative);
      else if (!e.path().filename().string().starts_with("sweep-")) fs::copy_file(e.path(), to / relative);
    }
  }
  std::string nightly(const std::string& args) const {
    return "nightly --fuzzers " + quote(kFuzzers) + " --corpus " + quote((dir_ / "corpus").string()) + " --out " +
           quote((dir_ / "out").string()) + " " + args;
  }
  fs::path dir_;
};

TEST_F(NightlyTest, RunsEveryFuzzerMergesTheCorpusAndWritesTheReports) {
  auto before = snapshot(dir_ / "corpus");
  auto result = connfuzz(nightly("--time 2 --jobs 2"));
  EXPECT_EQ(result.status, 0) << result.output;
  // Every real fuzzer modes.def defines (as `connfuzz fuzzers` lists them), and the parsers'.
  auto real = connfuzz_stdout("fuzzers --kind real");
  std::vector<std::string> fuzzers = {"plan", "scenario"};
  for (std::size_t at = 0, end; (end = real.output.find('\n', at)) != std::string::npos; at = end + 1)
    fuzzers.push_back(real.output.substr(at, real.output.find(' ', at) - at));
  EXPECT_GE(fuzzers.size(), 7u) << real.output;
  for (const std::string& fuzzer : fuzzers)
    EXPECT_TRUE(result.says("| " + fuzzer + " | ")) << fuzzer << "\n" << result.output;
  EXPECT_TRUE(result.says("connfuzz: nightly: ")) << "no progress line";
  // The phases after the fuzzing say how far they are, a fuzzer at a time.
  EXPECT_TRUE(result.says("connfuzz: nightly: posix: corpus merged (")) << result.output;
  EXPECT_TRUE(result.says("connfuzz report: posix: ")) << result.output;
  for (const char* report : {"report.md", "report.html", "report.json", "nightly.md"})
    EXPECT_TRUE(fs::file_size(dir_ / "out" / report) > 100) << report;
  // Every old input is still there, unchanged, and the corpus grew.
  auto after = snapshot(dir_ / "corpus");
  for (const auto& [name, data] : before) {
    ASSERT_TRUE(after.count(name)) << name << " was lost";
    EXPECT_EQ(after[name], data) << name << " changed";
  }
  EXPECT_GT(after.size(), before.size());
}

TEST_F(NightlyTest, ABuggyExampleAddedWithWithIsFoundMinimizedAndReplays) {
  auto result = connfuzz(nightly("--time 5 --only posix --with example_leak_on_refused"));
  EXPECT_EQ(result.status, 1) << result.output;
  EXPECT_TRUE(result.says("connfuzz: socket-leak")) << result.output;
  EXPECT_TRUE(result.says("**NEW**")) << result.output;
  int repros = 0;
  for (const auto& e : fs::directory_iterator(dir_ / "out" / "findings")) {
    if (e.path().extension() == ".txt") continue;
    ++repros;
    EXPECT_EQ(e.path().filename().string().rfind("example_leak_on_refused-", 0), 0u) << e.path();
    auto replay = connfuzz("repro --fuzzers " + quote(kFuzzers) + " " + quote(e.path().string()));
    EXPECT_EQ(replay.status, 1) << replay.output;
    EXPECT_TRUE(replay.says("verdict: FINDING reproduces - connfuzz: socket-leak")) << replay.output;
  }
  EXPECT_EQ(repros, 1) << "one minimized repro per group";
}

// Killed at several moments (fuzzing, merging, judging), a run never loses or damages
// an input of the corpus; a run that ends merges what it found.
TEST_F(NightlyTest, KillingARunAtAnyMomentLosesNoCorpusInput) {
  auto before = snapshot(dir_ / "corpus");
  std::string command = quote(CONNFUZZ_BINARY) + " " + nightly("--time 2 --only posix,kernel --jobs 1") + " >/dev/null 2>&1";
  for (int delay_ms : {1500, 3300, 4600, 6500}) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      setpgid(0, 0);
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    setpgid(child, child);
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(-child, SIGKILL);
    waitpid(child, nullptr, 0);
    auto after = snapshot(dir_ / "corpus");
    for (const auto& [name, data] : before) {
      ASSERT_TRUE(after.count(name)) << name << " lost after a kill at " << delay_ms << " ms";
      ASSERT_EQ(after[name], data) << name << " changed after a kill at " << delay_ms << " ms";
    }
  }
  auto result = connfuzz(nightly("--time 2 --only posix,kernel --jobs 1"));
  EXPECT_EQ(result.status, 0) << result.output;
  auto after = snapshot(dir_ / "corpus");
  for (const auto& [name, data] : after)
    EXPECT_EQ(name.find(".tmp-"), std::string::npos) << "a temporary file is left in the corpus: " << name;
  EXPECT_GT(after.size(), before.size());
}

TEST(NightlyBadInput, NamesTheProblem) {
  struct Bad {
    const char* args;
    const char* message;
  } cases[] = {{"nightly --time 0", "--time must be from 1"},
               {"nightly --jobs 999", "--jobs must be from 1 to 256"},
               {"nightly --engine honggfuzz", "--engine"},
               {"nightly --corpus /nonexistent/corpus", "is not a directory"},
               {"nightly --only posixx", "'posixx' is not one of the real fuzzers"},
               {"nightly --with posix", "--with takes a buggy example's fuzzer"},
               {"nightly --fuzzers /nonexistent/bin --time 1", "no posix_fuzzer in /nonexistent/bin"}};
  for (const Bad& c : cases) {
    auto result = connfuzz(c.args);
    EXPECT_EQ(result.status, 2) << c.args << "\n" << result.output;
    EXPECT_TRUE(result.says(c.message)) << c.args << "\n" << result.output;
  }
}

}  // namespace
