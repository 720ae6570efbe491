// `connfuzz sweep` as a user runs it: each buggy example found by the verdict its bug is
// named for, the real fuzzers clean but for what docs/FINDINGS.md documents, the same
// table twice, --save's files taken by repro and minimize, the coverage of every row
// of every call made, workers that crash or hang, and bad input.
#include <gtest/gtest.h>
#include <sched.h>

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "connfuzz_command.h"
#include "core_files.h"
#include "in_child.h"
#include "sweep_protocol.h"

namespace {

namespace fs = std::filesystem;
using connfuzz::testing::CommandResult;
using connfuzz::testing::connfuzz;
using connfuzz::testing::connfuzz_stdout;
using connfuzz::testing::quote;
using connfuzz::testing::run_shell;
using nlohmann::json;

std::string fuzzer(const std::string& name) { return std::string(FUZZER_DIR) + "/" + name + "_fuzzer"; }

std::string sweep_args(const std::string& binary, const std::string& more = "") {
  return "sweep --fuzzer " + quote(binary) + " --jobs 2 " + more;
}

json sweep_json(const std::string& binary, const std::string& more, int& status) {
  CommandResult r = connfuzz_stdout(sweep_args(binary, "--format json " + more));
  status = r.status;
  return json::parse(r.output);
}

// The verdicts of the cells that are not ok.
std::set<std::string> verdicts_of(const json& report) {
  std::set<std::string> out;
  for (const json& cell : report["cells"])
    if (cell["verdict"] != "ok") out.insert(cell["verdict"].get<std::string>());
  return out;
}

// modes.def's bug and faults columns, as `connfuzz fuzzers --kind example` prints them.
struct ExampleBug {
  std::string verdict;
  int faults = 0;
};
std::map<std::string, ExampleBug> example_bugs() {
  std::map<std::string, ExampleBug> bugs;
  std::istringstream lines(connfuzz_stdout("fuzzers --kind example").output);
  std::string name, kind;
  for (ExampleBug bug; lines >> name >> kind >> bug.verdict >> bug.faults;) bugs[name] = bug;
  return bugs;
}

// A list CMake passed as "a,b,c".
std::vector<std::string> names_in(const std::string& comma_separated) {
  std::vector<std::string> names;
  std::stringstream list(comma_separated);
  for (std::string name; std::getline(list, name, ',');) names.push_back(name);
  return names;
}

std::vector<std::string> examples() { return names_in(EXAMPLE_FUZZERS); }

class SweepOnAnExample : public ::testing::TestWithParam<std::string> {};

TEST_P(SweepOnAnExample, FindsItsBugByTheVerdictItIsNamedFor) {
  const std::string name = GetParam();
  if (name == "example_unbounded_path" && std::string(CONNFUZZ_SANITIZE).find("address") == std::string::npos)
    GTEST_SKIP() << "its overflow is seen only by AddressSanitizer (the asan preset)";
  ExampleBug bug = example_bugs()[name];
  ASSERT_FALSE(bug.verdict.empty()) << name << " is not listed by connfuzz fuzzers --kind example";
  ASSERT_TRUE(bug.faults == 1 || bug.faults == 2) << name << ": faults " << bug.faults;
  int status = 0;
  json report = sweep_json(fuzzer(name), "", status);
  if (bug.faults == 2) {
    // Its bug needs a pair of faults (EINTR, then EALREADY from the re-issued connect):
    // every single fault is handled, and only depth 2 shows it.
    EXPECT_EQ(status, 0);
    EXPECT_EQ(verdicts_of(report), std::set<std::string>{});
    report = sweep_json(fuzzer(name), "--depth 2", status);
  }
  EXPECT_EQ(status, 1);
  EXPECT_TRUE(verdicts_of(report).count(bug.verdict)) << name << ": " << bug.verdict << " not among the verdicts";
}

INSTANTIATE_TEST_SUITE_P(Examples, SweepOnAnExample, ::testing::ValuesIn(examples()),
                         [](const auto& info) { return info.param; });

TEST(SweepCommand, TheEalreadyPairIsTheCellThatShowsIt) {
  CommandResult r = connfuzz(sweep_args(fuzzer("example_ealready_as_failure"), "--depth 2"));
  EXPECT_EQ(r.status, 1);
  EXPECT_TRUE(r.says("connfuzz: sweep: example_ealready_as_failure: depth 2: ")) << r.output;  // the progress line
  EXPECT_TRUE(r.says("still-connecting-failure (")) << r.output;
  EXPECT_TRUE(r.says("pair connect@1=EINTR connect@2=EALREADY: the target failed with EALREADY")) << r.output;
}

TEST(SweepCommand, TheCorrectFuzzersHaveEveryCellOkAtDepthTwo) {
  for (const char* name : {"posix", "datagram"}) {
    CommandResult r = connfuzz_stdout(sweep_args(fuzzer(name), "--depth 2"));
    EXPECT_EQ(r.status, 0) << name << "\n" << r.output;
    EXPECT_TRUE(r.says("\nevery cell ok\n")) << name << "\n" << r.output;
  }
}

TEST(SweepCommand, TheOtherRealFuzzersFindOnlyWhatFindingsMdDocuments) {
  for (const char* name : {"asio", "endpoint", "kernel"}) {
    int status = 0;
    json report = sweep_json(fuzzer(name), "--depth 2", status);
    EXPECT_EQ(status, 0) << name;
    EXPECT_EQ(report["summary"]["new_findings"], 0) << name;
    EXPECT_GT(report["summary"]["documented"].get<int>(), 0) << name;
    for (const json& cell : report["cells"])
      for (const json& f : cell["findings"]) EXPECT_NE(f["documented"], "") << name << ": " << cell.dump();
  }
}

// Without --jobs, one worker at most per CPU connfuzz may run on: under a mask of one
// (taskset), one, whatever the machine has.
TEST(SweepCommand, TakesAsManyWorkersAsTheCpusItMayRunOn) {
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  ASSERT_EQ(sched_getaffinity(0, sizeof(allowed), &allowed), 0);
  int first = 0;
  while (!CPU_ISSET(first, &allowed)) ++first;
  std::string args = "sweep --fuzzer " + quote(fuzzer("example_eintr_reconnect"));
  CommandResult all = connfuzz(args);
  EXPECT_TRUE(all.says(" of " + std::to_string(CPU_COUNT(&allowed)) + " workers")) << all.output;
  CommandResult one = run_shell("taskset -c " + std::to_string(first) + " " + quote(CONNFUZZ_BINARY) + " " + args);
  EXPECT_TRUE(one.says("1 of 1 workers")) << one.output;
}

TEST(SweepCommand, TwoRunsGiveTheSameTableWhateverTheWorkers) {
  std::string binary = fuzzer("asio");
  CommandResult first = connfuzz_stdout(sweep_args(binary, "--depth 2"));
  CommandResult again = connfuzz_stdout("sweep --fuzzer " + quote(binary) + " --depth 2 --jobs 1");
  ASSERT_GT(first.output.size(), 1000u);
  EXPECT_EQ(first.output, again.output);
}

// Every real fuzzer, twice: the cells' calls, verdicts and details agree. libcurl times
// its attempt on the program's clock (on the real clock's pace a cell made as many polls
// as the machine's load allowed); GLib's async client gets its socket's descriptor after
// its own threads' (read FD).
class SweepOfARealFuzzer : public ::testing::TestWithParam<std::string> {};

TEST_P(SweepOfARealFuzzer, TwoRunsGiveTheSameCells) {
  // A sanitizer's build runs each cell in a forked runner, several times slower: a cell
  // that waits on its library's threads can outrun the steady clock's lag there, where
  // the promise is not made.
  if (!std::string(CONNFUZZ_SANITIZE).empty()) GTEST_SKIP() << "the dev preset checks this";
  const std::string name = GetParam();
  int first_status = 0, again_status = 0;
  json first = sweep_json(fuzzer(name), "--depth 2", first_status);
  json again = sweep_json(fuzzer(name), "--depth 2", again_status);
  EXPECT_EQ(first_status, again_status);
  ASSERT_GT(first["cells"].size(), 10u);
  ASSERT_EQ(first["cells"].size(), again["cells"].size());
  int differing = 0;
  for (std::size_t i = 0; i < first["cells"].size(); ++i)
    if (first["cells"][i] != again["cells"][i] && ++differing <= 3)
      ADD_FAILURE() << "cell " << i << " differs:\n" << first["cells"][i].dump() << "\n" << again["cells"][i].dump();
  EXPECT_EQ(differing, 0);
}

INSTANTIATE_TEST_SUITE_P(RealFuzzers, SweepOfARealFuzzer, ::testing::ValuesIn(names_in(REAL_FUZZERS)),
                         [](const auto& info) { return info.param; });

fs::path fresh_dir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("sweep-test-" + name + "-" + std::to_string(getpid()));
  fs::remove_all(dir);
  return dir;
}

TEST(SweepCommand, SavedFindingsAreFilesReproAndMinimizeTake) {
  fs::path dir = fresh_dir("save");
  CommandResult r = connfuzz_stdout(sweep_args(fuzzer("example_leak_on_refused"), "--save " + quote(dir.string())));
  EXPECT_EQ(r.status, 1);
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir)) files.push_back(e.path());
  ASSERT_FALSE(files.empty());
  for (const fs::path& file : files) {
    EXPECT_TRUE(file.filename().string().starts_with("socket-leak-example_leak_on_refused-")) << file;
    EXPECT_TRUE(r.says("connfuzz repro --fuzzers " + std::string(FUZZER_DIR) + " --target example_leak_on_refused " +
                       file.string()))
        << r.output;
    CommandResult replay = connfuzz("repro " + quote(file.string()));
    EXPECT_EQ(replay.status, 1) << replay.output;
    EXPECT_TRUE(replay.says("verdict: FINDING reproduces - connfuzz: socket-leak")) << replay.output;
  }
  CommandResult minimized = connfuzz("minimize " + quote(files.front().string()));
  EXPECT_EQ(minimized.status, 1) << minimized.output;
  EXPECT_TRUE(fs::exists(files.front().string() + ".min"));
  fs::remove_all(dir);
}

// Every row of the errno table of every call the target made, once the report reads the sweep.
TEST(SweepCommand, ADepthOneSweepCoversEveryRowOfEveryCallMade) {
  fs::path dir = fresh_dir("coverage");
  fs::create_directories(dir / "corpus");
  int status = 0;
  json sweep = sweep_json(fuzzer("posix"), "--mode any", status);
  std::ofstream(dir / "sweep.json") << sweep.dump();
  CommandResult r = connfuzz_stdout("report --format json --corpus " + quote((dir / "corpus").string()) + " --sweep " +
                                    quote((dir / "sweep.json").string()));
  json coverage = json::parse(r.output);
  std::map<std::string, std::set<std::string>> made;  // mode -> calls its fault-free runs made
  for (const json& cell : sweep["cells"]) {
    if (cell["kind"] != "fault-free") continue;
    for (const json& site : cell["sites"]) {
      std::string text = site;
      made[cell["mode"]].insert(text.substr(0, text.find('#')));
    }
  }
  ASSERT_GE(made.size(), 4u);
  for (const json& target : coverage["targets"]) {
    auto calls = made.find(target["target"]);
    if (calls == made.end()) continue;
    for (const json& row : target["cells"]) {
      if (!calls->second.count(row["call"])) continue;
      EXPECT_NE(row["outcome"], "untested") << target["target"] << " " << row["call"] << " " << row["errno"];
    }
  }
  fs::remove_all(dir);
}

TEST(SweepCommand, ACellThatCrashesOrHangsItsWorkerLosesNoOtherCell) {
  // FAKE_SWEEP reaches the workers through the command's environment.
  CommandResult r = connfuzz::testing::run_shell("FAKE_SWEEP=mixed " + quote(CONNFUZZ_BINARY) + " sweep --fuzzer " +
                                                     quote(FAKE_FUZZER) + " --corpus /nonexistent-corpus-dir",
                                                 false);
  EXPECT_EQ(r.status, 2);  // a --corpus that is no directory
  fs::path empty = fresh_dir("empty");
  fs::create_directories(empty);
  r = connfuzz::testing::run_shell("FAKE_SWEEP=mixed " + quote(CONNFUZZ_BINARY) + " sweep --fuzzer " + quote(FAKE_FUZZER) +
                                       " --jobs 2 --timeout 1 --format json --corpus " + quote(empty.string()),
                                   false);
  EXPECT_EQ(r.status, 1);
  json report = json::parse(r.output);
  std::size_t crashes = 0, hangs = 0, ok = 0;
  for (const json& cell : report["cells"]) {
    std::string plan = cell["label"];
    std::string verdict = cell["verdict"];
    bool refused = plan.starts_with("connect@1=ECONNREFUSED") || plan.starts_with("connect@1-=ECONNREFUSED");
    bool timed_out = plan.starts_with("connect@1=ETIMEDOUT") || plan.starts_with("connect@1-=ETIMEDOUT");
    EXPECT_EQ(verdict, refused ? "crash" : timed_out ? "hang" : "ok") << plan;
    crashes += verdict == "crash";
    hangs += verdict == "hang";
    ok += verdict == "ok";
  }
  // Five default scenarios (posix's modes), each with its crashing and hanging cells.
  EXPECT_EQ(crashes, 10u);
  EXPECT_EQ(hangs, 10u);
  EXPECT_GT(ok, 500u);
  fs::remove_all(empty);
}

// A worker runs its cells itself until one ends it; the workers started after that fork a
// runner for their cells, so that the next crash it cannot undo costs a fork.
TEST(SweepCommand, AfterAWorkerIsLostItsReplacementsForkRunners) {
  fs::path empty = fresh_dir("tell");
  fs::create_directories(empty);
  CommandResult r = connfuzz::testing::run_shell("FAKE_SWEEP=tell " + quote(CONNFUZZ_BINARY) + " sweep --fuzzer " +
                                                     quote(FAKE_FUZZER) + " --jobs 1 --format json --corpus " +
                                                     quote(empty.string()),
                                                 false);
  EXPECT_EQ(r.status, 1);
  json report = json::parse(r.output);
  std::string expected = "started-as-1";
  std::size_t first_workers = 0, replacements = 0;
  for (const json& cell : report["cells"]) {
    std::string verdict = cell["verdict"];
    if (verdict == "crash") expected = "started-as-" + std::string(connfuzz::fuzz::kForkRunnersValue);
    else EXPECT_EQ(verdict, expected) << cell["label"];
    first_workers += verdict == "started-as-1";
    replacements += verdict == expected && expected != "started-as-1";
  }
  EXPECT_GT(first_workers, 0u);
  EXPECT_GT(replacements, 0u);
  fs::remove_all(empty);
}

// A cell that leaves a thread stuck on a lock ends the worker that ran it, between two
// cells: the cells sent after it run on its replacement, and none is blamed for it.
TEST(SweepCommand, AWorkerEndedByAStuckThreadBlamesNoOtherCell) {
  std::string command = quote(CONNFUZZ_BINARY) + " sweep --fuzzer " + quote(fuzzer("example_cancel_keeps_lock")) + " --jobs 1";
  fs::path own = fresh_dir("stuck-own"), forked = fresh_dir("stuck-forked");
  connfuzz::testing::run_shell(command + " --out " + quote(own.string()));
  connfuzz::testing::run_shell("CONNFUZZ_SWEEP_RESTORE=0 " + command + " --out " + quote(forked.string()));
  std::string table = connfuzz::testing::file_text(own);
  EXPECT_NE(table.find("deadlock-after-cancel (2)"), std::string::npos) << table;
  EXPECT_EQ(table.find("crash"), std::string::npos) << table;
  EXPECT_EQ(table, connfuzz::testing::file_text(forked));
  fs::remove(own), fs::remove(forked);
}

// The summary's count of runners replaced and of crashes undone in place.
std::pair<int, int> replaced_and_undone(const std::string& output) {
  std::smatch m;
  static const std::regex counts("([0-9]+) restarted after a cell ended one, ([0-9]+) crashes undone in place");
  if (!std::regex_search(output, m, counts)) return {-1, -1};
  return {std::stoi(m[1]), std::stoi(m[2])};
}

// A crash undone in place leaves the runner as a newly forked one would start: every
// cell after it gets the outcome it gets from a fresh runner, and the table is the same.
TEST(SweepCommand, ACrashUndoneInPlaceGivesTheTableAFreshRunnerGives) {
  std::string command = quote(CONNFUZZ_BINARY) + " sweep --fuzzer " + quote(fuzzer("example_unknown_errno")) + " --jobs 1";
  fs::path in_place = fresh_dir("undone-in-place"), forking = fresh_dir("undone-forking");
  CommandResult undone = connfuzz::testing::run_shell(command + " --out " + quote(in_place.string()));
  CommandResult forked = connfuzz::testing::run_shell("CONNFUZZ_SWEEP_RESTORE=0 " + command + " --out " + quote(forking.string()));
  auto [replaced_in_place, undone_in_place] = replaced_and_undone(undone.output);
  auto [replaced_forking, undone_forking] = replaced_and_undone(forked.output);
  EXPECT_EQ(undone_forking, 0) << forked.output;
  EXPECT_GT(replaced_forking, 10) << forked.output;  // most of its crashing cells
  // A restore needs to see that no POSIX timer and no child process is left.
  bool kernel_tells = fs::exists("/proc/self/timers") && fs::exists("/proc/thread-self/children");
  if (!connfuzz::testing::has_shadow_memory() && kernel_tells) {
    EXPECT_EQ(replaced_in_place, 0) << undone.output;
    EXPECT_EQ(undone_in_place, replaced_forking) << undone.output;
  }
  std::string in_place_table = connfuzz::testing::file_text(in_place);
  std::string forked_table = connfuzz::testing::file_text(forking);
  EXPECT_GT(in_place_table.size(), 1000u);
  EXPECT_EQ(in_place_table, forked_table);
  fs::remove(in_place), fs::remove(forking);
}

// Cells that crash are findings, not core dumps: none in the directory the sweep ran
// from, whatever the user's core limit.
TEST(SweepCommand, ACrashingCellLeavesNoCoreFile) {
  std::string why;
  if (!connfuzz::testing::cores_land_in_the_directory(why)) GTEST_SKIP() << why;
  auto left = connfuzz::testing::run_with_core_dumps(quote(CONNFUZZ_BINARY) + " " + sweep_args(fuzzer("example_unknown_errno")));
  EXPECT_EQ(left.result.status, 1) << left.result.output;
  EXPECT_TRUE(left.result.says("new findings")) << left.result.output;
  EXPECT_TRUE(left.files.empty()) << "left in the sweep's directory: " << left.files.front();
}

// Ctrl-C while the first worker starts (one that takes 2 s to say which fuzzer it is),
// and while a cell hangs: the sweep stops at once, says so, writes no report, and leaves
// neither a worker nor its scratch directory behind.
TEST(SweepCommand, AnInterruptedSweepStopsAndLeavesNothingBehind) {
  fs::path tmp = fresh_dir("interrupt"), empty = fresh_dir("interrupt-corpus");
  fs::create_directories(empty);
  for (const char* how : {"slow", "mixed"}) {
    fs::create_directories(tmp);
    CommandResult r = connfuzz::testing::run_shell(
        "TMPDIR=" + quote(tmp.string()) + " FAKE_SWEEP=" + how + " timeout 60 " + quote(CONNFUZZ_BINARY) +
        " sweep --fuzzer " + quote(FAKE_FUZZER) + " --jobs 1 --timeout 50 --corpus " + quote(empty.string()) +
        " & pid=$!; sleep 1; kill -INT $pid; wait $pid; echo status=$?");
    EXPECT_TRUE(r.says("interrupted; no report written")) << how << "\n" << r.output;
    EXPECT_TRUE(r.says("status=130")) << how << "\n" << r.output;
    EXPECT_FALSE(r.says("cells on")) << how << "\n" << r.output;  // the report's summary line
    EXPECT_TRUE(fs::is_empty(tmp)) << how << ": left in TMPDIR: " << fs::directory_iterator(tmp)->path();
    // A worker's environment names its scratch directory, under this TMPDIR.
    EXPECT_EQ(connfuzz::testing::run_shell("grep -ls -- " + quote(tmp.string()) + " /proc/[0-9]*/environ").output, "")
        << how << ": a worker is left";
    fs::remove_all(tmp);
  }
  fs::remove_all(empty);
}

TEST(SweepCommand, BadInputExitsTwoWithAMessageNamingIt) {
  std::string plan_fuzzer = fuzzer("plan");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"--fuzzer /bin/true", "'/bin/true' is not a connfuzz fuzzer"},
      {"--fuzzer " + plan_fuzzer, "'" + plan_fuzzer + "' is not a connfuzz fuzzer"},
      {"--fuzzer /nonexistent/posix_fuzzer", "/nonexistent/posix_fuzzer"},
      {"--fuzzer " + fuzzer("posix") + " --depth 3", "--depth must be 1 or 2, got 3"},
      {"--fuzzer " + fuzzer("posix") + " --depth x", "--depth"},
      {"--fuzzer " + fuzzer("posix") + " --jobs 0 --timeout 0", "--timeout"},
      {"", "--fuzzer is required"},
  };
  for (const auto& [args, says] : cases) {
    CommandResult r = connfuzz("sweep " + args);
    EXPECT_EQ(r.status, 2) << args << "\n" << r.output;
    EXPECT_TRUE(r.says(says)) << args << "\n" << r.output;
  }
}

TEST(SweepCommand, ATargetThatCrashesInItsFaultFreeRunIsNamed) {
  fs::path empty = fresh_dir("crash");
  fs::create_directories(empty);
  std::string command = quote(CONNFUZZ_BINARY) + " sweep --fuzzer " + quote(FAKE_FUZZER) + " --corpus " + quote(empty.string());
  CommandResult r = connfuzz::testing::run_shell("FAKE_SWEEP=crash " + command);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(r.says("the target's fault-free run dies on every seed")) << r.output;
  EXPECT_TRUE(r.says(FAKE_FUZZER)) << r.output;
  // The crash as it ended the worker: the signal, or AddressSanitizer's report of it.
  EXPECT_TRUE(r.says("killed by signal 11 (SIGSEGV)") || r.says("AddressSanitizer: SEGV")) << r.output;
  r = connfuzz::testing::run_shell("FAKE_SWEEP=silent " + command);
  EXPECT_EQ(r.status, 2) << r.output;
  EXPECT_TRUE(r.says(std::string(FAKE_FUZZER) + " is not a connfuzz fuzzer (as a sweep worker it did not say which fuzzer it is"))
      << r.output;
  fs::remove_all(empty);
}

}  // namespace
