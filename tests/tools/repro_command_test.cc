// `connfuzz repro`, `minimize` and `report` on real crash files of the buggy examples,
// on the documented findings, and on files that are not inputs at all.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "connfuzz_command.h"

namespace {

namespace fs = std::filesystem;
using connfuzz::testing::CommandResult;
using connfuzz::testing::connfuzz;
using connfuzz::testing::connfuzz_stdout;
using connfuzz::testing::quote;

const fs::path kSource = CONNFUZZ_SOURCE_DIR;
const fs::path kExampleCrashes = EXAMPLE_CRASHES;    // one folder an example, its crash files kept from libFuzzer runs
const fs::path kExampleFindings = EXAMPLE_FINDINGS;  // <example>.txt: its bug as a scenario, "# expect:" the finding

// The finding each example's crash file shows.
const std::map<std::string, std::string> kExampleFinding = {
    {"example_eagain_spin", "connfuzz: spin"},
    {"example_eintr_reconnect", "connfuzz: still-connecting-failure"},
    {"example_inprogress_success", "connfuzz: false-success"},
    {"example_leak_on_refused", "connfuzz: socket-leak"},
    {"example_no_so_error", "connfuzz: io-unconnected"},
    {"example_unbounded_path", "AddressSanitizer: heap-buffer-overflow"},
    {"example_unknown_errno", "uncaught exception std::out_of_range"},
};

bool sees(const std::string& example) {
  return example != "example_unbounded_path" || std::string(CONNFUZZ_SANITIZE).find("address") != std::string::npos;
}

fs::path crash_file(const std::string& example) {
  for (const auto& entry : fs::directory_iterator(kExampleCrashes / example)) return entry.path();
  return {};
}

class ScratchDir : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/connfuzz-test-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir = pattern;
  }
  void TearDown() override { fs::remove_all(dir); }
  void write(const fs::path& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
  }
  fs::path dir;
};

class ExampleCrash : public ScratchDir, public ::testing::WithParamInterface<std::string> {};

TEST_P(ExampleCrash, ReplaysWithItsFindingNamed) {
  if (!sees(GetParam())) GTEST_SKIP() << "the overflow is visible only under AddressSanitizer";
  CommandResult out = connfuzz("repro " + quote(crash_file(GetParam())));
  EXPECT_EQ(out.status, 1) << out.output;
  EXPECT_TRUE(out.says("on the " + GetParam() + " fuzzer, chosen by the directory")) << out.output;
  EXPECT_TRUE(out.says("mode=" + GetParam())) << out.output;
  EXPECT_TRUE(out.says("verdict: FINDING reproduces - " + kExampleFinding.at(GetParam()))) << out.output;
  EXPECT_TRUE(out.says("the deliberate bug of targets/examples/")) << out.output;
}

TEST_P(ExampleCrash, MinimizedInputFiresTheSameFindingAndIsNoLarger) {
  if (!sees(GetParam())) GTEST_SKIP() << "the overflow is visible only under AddressSanitizer";
  fs::path original = crash_file(GetParam());
  fs::path minimized = dir / "min";
  CommandResult out = connfuzz("minimize " + quote(original) + " -o " + quote(minimized));
  ASSERT_EQ(out.status, 1) << out.output;
  ASSERT_TRUE(fs::exists(minimized)) << out.output;
  EXPECT_LE(fs::file_size(minimized), fs::file_size(original)) << out.output;
  std::ifstream text(dir / "min.txt");
  std::string first_line;
  std::getline(text, first_line);
  EXPECT_EQ(first_line, "# fuzzer: " + GetParam());

  for (const fs::path& replay : {minimized, dir / "min.txt"}) {
    CommandResult again = connfuzz("repro --target " + GetParam() + " " + quote(replay));
    EXPECT_EQ(again.status, 1) << again.output;
    EXPECT_TRUE(again.says("verdict: FINDING reproduces - " + kExampleFinding.at(GetParam()))) << again.output;
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, ExampleCrash,
                         ::testing::Values("example_eagain_spin", "example_eintr_reconnect",
                                           "example_inprogress_success", "example_leak_on_refused",
                                           "example_no_so_error", "example_unbounded_path",
                                           "example_unknown_errno"));

using Minimize = ScratchDir;

TEST_F(Minimize, DropsTheRulesAndAddressesTheFindingDoesNotNeed) {
  write(dir / "big.txt",
        "mode=example_inprogress_success\n"
        "socket=AF_INET,SOCK_STREAM,0\n"
        "plan=connect@1=EINPROGRESS>ECONNREFUSED socket@3-5=EMFILE poll@*=EINTR close@2=EIO mode=any\n"
        "address=listener,AF_INET,length=true+3\n"
        "address=bytes,AF_INET,length=true+3,bytes=7f00000100000000000000000000000000000000\n");
  CommandResult out = connfuzz("minimize " + quote(dir / "big.txt"));
  ASSERT_EQ(out.status, 1) << out.output;
  std::string text = connfuzz::testing::file_text(dir / "big.txt.min.txt");
  EXPECT_NE(text.find("\nplan=connect@1=EINPROGRESS>ECONNREFUSED\n"), std::string::npos) << text;
  EXPECT_NE(text.find("\naddress=listener,AF_INET,length=true\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("address=bytes"), std::string::npos) << text;
}

TEST_F(Minimize, AnInputThatFindsNothingIsLeftAlone) {
  CommandResult out = connfuzz("minimize " + quote(kSource / "corpus/posix/bad-request-einval") + " -o " + quote(dir / "min"));
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_TRUE(out.says("finds nothing on the posix fuzzer")) << out.output;
  EXPECT_TRUE(fs::is_empty(dir)) << "no output, and no temporary file left";
}

TEST(Repro, AHandledCorpusFileShowsItsCallsAndExitsZero) {
  CommandResult out = connfuzz("repro " + quote(kSource / "corpus/posix/bad-request-einval"));
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_TRUE(out.says("= -1 EINVAL (INJECTED connect@1=EINVAL)")) << out.output;
  EXPECT_TRUE(out.says("verdict: no finding")) << out.output;
}

TEST(Repro, ADocumentedFindingIsNamed) {
  CommandResult out = connfuzz("repro " + quote(kSource / "docs/findings/asio-sync-connect-eintr.txt"));
  EXPECT_EQ(out.status, 1) << out.output;
  EXPECT_TRUE(out.says("chosen by the file's '# fuzzer:' line")) << out.output;
  EXPECT_TRUE(out.says("documented in docs/FINDINGS.md as asio-sync-connect-eintr")) << out.output;
}

using Artifact = ScratchDir;

// libFuzzer's crash-<sha1>, kept where no directory names its fuzzer: the asio fuzzer
// found it (epoll_wait@*=EFAULT, a documented spin), but the bytes alone decode to a
// mode of example_leak_on_refused (byte 0xa2 wraps), on which they find nothing.
// nightly and the sweep name their files after the fuzzer: those bytes (the same artifact)
// mean that fuzzer's mode, not the first other fuzzer's that finds something (an
// example's bug fires on nearly any input).
TEST_F(Artifact, AFileNamedAfterItsFuzzerIsReplayedOnThatFuzzer) {
  write(dir / "example_leak_on_refused-connfuzz-socket-leak-1", std::string("\242\001\017\000\035\200\001\011\000\016\343", 11));
  CommandResult out = connfuzz("repro " + quote(dir / "example_leak_on_refused-connfuzz-socket-leak-1"));
  EXPECT_TRUE(out.says("on the example_leak_on_refused fuzzer, chosen by the file's name")) << out.output;
  EXPECT_TRUE(out.says("mode=example_leak_on_refused")) << out.output;
}

TEST_F(Artifact, AnArtifactOfNoKnownFuzzerIsTriedOnEachUntilOneReproducesIt) {
  write(dir / "crash-5b807832cc701b29c4b34f050e8a4878567d0bf6",
        std::string("\242\001\017\000\035\200\001\011\000\016\343", 11));
  CommandResult out = connfuzz("repro " + quote(dir / "crash-5b807832cc701b29c4b34f050e8a4878567d0bf6"));
  EXPECT_EQ(out.status, 1) << out.output;
  // Which mode the first byte wraps to (b % the number of modes) moves as modes.def grows.
  EXPECT_TRUE(out.says("on the asio fuzzer, chosen by trying each fuzzer: the bytes alone decode to a ")) << out.output;
  EXPECT_TRUE(out.says(" mode, which finds nothing (name the fuzzer with --target asio)")) << out.output;
  EXPECT_TRUE(out.says("documented in docs/FINDINGS.md as asio-reactor-epoll-error-ignored")) << out.output;
}

using LyingLength = ScratchDir;

// The result of connect#1 in a run's call list: what follows " = " on its line.
std::string first_connect_result(const std::string& output) {
  std::size_t at = output.find("connect#1(");
  if (at == std::string::npos) return "(no connect#1)";
  std::size_t end = output.find('\n', at);
  std::string line = output.substr(at, end - at);
  std::size_t result = line.rfind(") = ");
  return result == std::string::npos ? line : line.substr(result + 4);
}

// An AF_UNIX length of 40 covers the harness's stream path with its NUL (2 + 35 + 1
// bytes) and cuts any longer one. repro gives the fuzzer a scratch $TMPDIR, ClusterFuzz
// and users their own: the peers' paths must not follow it, or the same file connects
// in one place and is refused in the other (a libuv file aborted on the fuzzer and came
// out clean under repro).
TEST_F(LyingLength, AnAfUnixPathCutByItsLengthMeansTheSameUnderReproAndOnTheFuzzer) {
  write(dir / "cut.txt",
        "# fuzzer: posix\nmode=posix_blocking\nsocket=AF_UNIX,SOCK_STREAM,0\naddress=listener,AF_UNIX,length=40\n");
  CommandResult repro = connfuzz("repro " + quote(dir / "cut.txt"));
  EXPECT_EQ(first_connect_result(repro.output), "0") << repro.output;
  EXPECT_TRUE(repro.says("\"/tmp/connfuzz-harness-")) << repro.output;

  fs::path long_tmp = dir / std::string(40, 't');
  fs::create_directory(long_tmp);
  fs::path fuzzer = fs::path(CONNFUZZ_BINARY).parent_path() / "posix_fuzzer";
  CommandResult direct = connfuzz::testing::run_shell("TMPDIR=" + quote(long_tmp) + " CONNFUZZ_TRACE=1 " + quote(fuzzer) +
                                                      " " + quote(dir / "cut.txt"));
  EXPECT_EQ(first_connect_result(direct.output), "0") << direct.output;
}

TEST(Repro, AnUnknownTargetIsAUsersMistake) {
  CommandResult out = connfuzz("repro --target nonesuch " + quote(kSource / "corpus/posix/bad-request-einval"));
  EXPECT_EQ(out.status, 2) << out.output;
  EXPECT_TRUE(out.says("--target nonesuch: no such fuzzer; the fuzzers are: posix,")) << out.output;
  out = connfuzz("repro --fuzzers /nonexistent " + quote(kSource / "corpus/posix/bad-request-einval"));
  EXPECT_EQ(out.status, 2) << out.output;
  EXPECT_TRUE(out.says("no posix_fuzzer in /nonexistent")) << out.output;
}

using FakeFuzzer = ScratchDir;

// repro reads what any engine prints: a stand-in posix_fuzzer says what a real one
// would on a leak, and one that hangs is stopped by --timeout.
TEST_F(FakeFuzzer, ALeakIsNamedWithoutItsByteCount) {
  write(dir / "posix_fuzzer",
        "#!/bin/sh\necho '==7==ERROR: LeakSanitizer: detected memory leaks'\n"
        "echo 'SUMMARY: AddressSanitizer: 24 byte(s) leaked in 1 allocation(s).'\nexit 1\n");
  fs::permissions(dir / "posix_fuzzer", fs::perms::owner_all);
  CommandResult out = connfuzz("repro --fuzzers " + quote(dir) + " --target posix " +
                               quote(kSource / "corpus/posix/bad-request-einval"));
  EXPECT_EQ(out.status, 1) << out.output;
  EXPECT_TRUE(out.says("verdict: FINDING reproduces - LeakSanitizer: detected memory leaks")) << out.output;
  EXPECT_TRUE(out.says("SUMMARY: AddressSanitizer: 24 byte(s) leaked")) << out.output;
}

TEST_F(FakeFuzzer, AHangIsStoppedAndCalledATimeout) {
  write(dir / "posix_fuzzer", "#!/bin/sh\nexec sleep 30\n");
  fs::permissions(dir / "posix_fuzzer", fs::perms::owner_all);
  CommandResult out = connfuzz("repro --timeout 1 --fuzzers " + quote(dir) + " --target posix " +
                               quote(kSource / "corpus/posix/bad-request-einval"));
  EXPECT_EQ(out.status, 1) << out.output;
  EXPECT_TRUE(out.says("verdict: FINDING reproduces - timeout")) << out.output;
}

TEST(StandardInput, DecodeAndEncodeReadDash) {
  const fs::path seed = kSource / "corpus/posix/bad-request-einval";
  CommandResult from_file = connfuzz("decode " + quote(seed));
  CommandResult from_stdin = connfuzz_stdout("decode - < " + quote(seed));
  EXPECT_EQ(from_stdin.status, 0);
  EXPECT_EQ(from_stdin.output, from_file.output);
  CommandResult encoded = connfuzz_stdout("encode - < " + quote(fs::path(seed).concat(".txt")) + " | cmp - " + quote(seed));
  EXPECT_EQ(encoded.status, 0) << encoded.output;
}

using BadFile = ScratchDir;

TEST_F(BadFile, AnyBytesAreAScenarioAndNothingCrashes) {
  std::string corpus = connfuzz::testing::file_text(kSource / "corpus/posix/bad-request-einval");
  std::mt19937 random(20261121);
  std::string noise(1000, '\0'), large(3u << 20, '\0');
  for (char& c : noise) c = static_cast<char>(random());
  for (char& c : large) c = static_cast<char>(random());
  write(dir / "empty", "");
  write(dir / "truncated", corpus.substr(0, 3));
  write(dir / "random", noise);
  write(dir / "large", large);
  for (const char* name : {"empty", "truncated", "random", "large"}) {
    for (const char* command : {"decode", "repro", "minimize"}) {
      CommandResult out = connfuzz(std::string(command) + " " + quote(dir / name));
      EXPECT_TRUE(out.status == 0 || out.status == 1) << command << " " << name << ": " << out.output;
      EXPECT_FALSE(out.says("internal error")) << command << " " << name << ": " << out.output;
    }
  }
}

TEST_F(BadFile, MissingDirectoryOrUnreadableFilesExitTwoWithTheReason) {
  const std::map<std::string, std::string> files = {
      {(dir / "missing").string(), "cannot read " + (dir / "missing").string() + ": No such file or directory"},
      {dir.string(), dir.string() + " is a directory"},
      {"/proc/self/mem", "cannot read /proc/self/mem: Input/output error"},  // unreadable even for root
  };
  for (const auto& [file, message] : files) {
    for (const char* command : {"decode", "repro", "minimize"}) {
      CommandResult out = connfuzz(std::string(command) + " " + quote(file));
      EXPECT_EQ(out.status, 2) << command << " " << file << ": " << out.output;
      EXPECT_TRUE(out.says("connfuzz: " + message)) << command << " " << file << ": " << out.output;
    }
  }
}

TEST_F(BadFile, ATextScenarioWithAMistakeNamesItsLine) {
  write(dir / "bad.txt", "mode=posix_blocking\nsocket=AF_INET,SOCK_STREAM,0\nplan=connect@1=ENOSUCH\n");
  CommandResult out = connfuzz("repro " + quote(dir / "bad.txt"));
  EXPECT_EQ(out.status, 2) << out.output;
  EXPECT_TRUE(out.says("bad.txt: line 3")) << out.output;
}

using Output = ScratchDir;

// Every file connfuzz writes appears whole or not at all: a failed run leaves the old
// file as it was and no temporary file beside it.
TEST_F(Output, AFailedReportLeavesTheOldFileAndNoTemporary) {
  write(dir / "report.md", "the old report\n");
  CommandResult out = connfuzz("report --out " + quote(dir / "report.md") + " --corpus " + quote(dir / "nonesuch"));
  EXPECT_EQ(out.status, 2) << out.output;
  EXPECT_TRUE(out.says("no corpus directory")) << out.output;
  std::string text = connfuzz::testing::file_text(dir / "report.md");
  EXPECT_EQ(text, "the old report\n");
  int files = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(Output, OneReportRunWritesEachOutInTheFormatOfItsExtension) {
  CommandResult out = connfuzz("report --out " + quote(dir / "r.md") + " --out " + quote(dir / "r.html") +
                               " --out " + quote(dir / "r.json"));
  ASSERT_EQ(out.status, 0) << out.output;
  auto head = [&](const char* name) {
    std::ifstream in(dir / name);
    std::string line;
    std::getline(in, line);
    return line;
  };
  EXPECT_EQ(head("r.md"), "# connfuzz errno coverage");
  EXPECT_EQ(head("r.html").rfind("<!DOCTYPE html>", 0), 0u) << head("r.html");
  EXPECT_EQ(head("r.json"), "{");
}

TEST_F(Output, AnUnwritablePlaceIsNamedBeforeAnyWork) {
  for (const std::string& command :
       {"report --out " + quote(dir / "no/such/dir/report.md"),
        "minimize -o " + quote(dir / "no/such/min") + " " + quote(crash_file("example_leak_on_refused")),
        "encode 'mode=posix_blocking' -o " + quote(dir / "no/such/seed")}) {
    CommandResult out = connfuzz(command);
    EXPECT_EQ(out.status, 2) << command << ": " << out.output;
    EXPECT_TRUE(out.says("cannot write " + (dir / "no/such").string())) << command << ": " << out.output;
  }
}

// The report: every target lists all 29 connect() rows, in every format.
TEST(Report, JsonCoversEveryConnectErrnoForEveryTarget) {
  CommandResult out = connfuzz_stdout("report --format json");
  ASSERT_EQ(out.status, 0) << out.output;
  auto report = nlohmann::json::parse(out.output);
  // One per mode of the real fuzzers, as `connfuzz fuzzers` counts them.
  std::size_t modes = 0;
  for (const auto& fuzzer : nlohmann::json::parse(connfuzz_stdout("fuzzers --kind real --json").output))
    modes += fuzzer["modes"].get<std::size_t>();
  EXPECT_GE(modes, 15u);
  ASSERT_EQ(report["targets"].size(), modes);
  for (const auto& target : report["targets"]) {
    int connect_rows = 0;
    for (const auto& cell : target["cells"]) connect_rows += cell["call"] == "connect";
    EXPECT_EQ(connect_rows, 29) << target["target"];
    EXPECT_EQ(target["connect"]["rows"], 29) << target["target"];
  }
  // Documented findings are there, and named.
  bool eintr = false;
  for (const auto& f : report["findings"]) eintr |= f["documented_as"] == "asio-sync-connect-eintr";
  EXPECT_TRUE(eintr) << out.output;
  EXPECT_EQ(report["inputs_new_findings"], 0) << out.output;
}

// One run writes both (a report replays the whole corpus, an input per process: two runs
// took an ASan build past the test's timeout on a slow machine).
TEST_F(Output, MarkdownAndSarifSayTheSame) {
  CommandResult run = connfuzz("report --out " + quote(dir / "r.md") + " --out " + quote(dir / "r.sarif"));
  ASSERT_EQ(run.status, 0) << run.output;
  std::string md = connfuzz::testing::file_text(dir / "r.md");
  EXPECT_NE(md.find("| posix_nonblocking | posix | "), std::string::npos) << md;
  EXPECT_NE(md.find("| connect | ENOSR | out-of-resources |"), std::string::npos) << md;
  EXPECT_NE(md.find("documented: asio-sync-connect-eintr"), std::string::npos) << md;
  auto log = nlohmann::json::parse(connfuzz::testing::file_text(dir / "r.sarif"));
  EXPECT_EQ(log["version"], "2.1.0");
  ASSERT_FALSE(log["runs"][0]["results"].empty());
  for (const auto& result : log["runs"][0]["results"]) EXPECT_EQ(result["level"], "note") << result;
}

// Code scanning shows a finding where the target's code is: repository-relative, with a line.
TEST(Report, SarifPlacesEachFindingInTheTargetsOwnCode) {
  // Run from the checkout's root, as code scanning runs it: that is SRCROOT.
  CommandResult sarif = connfuzz::testing::run_shell("cd " + quote(kSource) + " && " + quote(CONNFUZZ_BINARY) +
                                      " report --examples --format sarif --corpus " + quote(kExampleCrashes) +
                                      " --findings " + quote(kExampleFindings / "example_leak_on_refused.txt"),
                                  false);
  ASSERT_EQ(sarif.status, 1) << sarif.output;
  auto log = nlohmann::json::parse(sarif.output);
  auto root = log["runs"][0]["originalUriBaseIds"]["SRCROOT"]["uri"].get<std::string>();
  EXPECT_EQ(root.rfind("file:///", 0), 0u) << root;
  int in_examples = 0;
  for (const auto& result : log["runs"][0]["results"]) {
    const auto& physical = result["locations"][0]["physicalLocation"];
    std::string uri = physical["artifactLocation"]["uri"];
    if (uri.rfind("targets/examples/", 0) != 0) continue;
    EXPECT_EQ(physical["artifactLocation"]["uriBaseId"], "SRCROOT") << result;
    EXPECT_GT(physical["region"]["startLine"].get<int>(), 0) << result;
    ++in_examples;
  }
  // Every example crash with a connfuzz verdict or a sanitizer's stack lands in its own file.
  EXPECT_GE(in_examples, 4) << sarif.output;
}

// The oracle of the report itself: on targets that have bugs, it shows new findings.
TEST(Report, TheExamplesCrashesAreNewFindingsOnTheirTargets) {
  CommandResult out = connfuzz_stdout("report --examples --format json --corpus " + quote(kExampleCrashes) +
                               " --findings " + quote(kExampleFindings / "example_leak_on_refused.txt"));
  ASSERT_EQ(out.status, 1) << out.output;
  auto report = nlohmann::json::parse(out.output);
  std::map<std::string, std::string> found;
  for (const auto& f : report["findings"]) {
    EXPECT_EQ(f["documented_as"], "") << f;
    found[f["target"]] = f["signature"];
  }
  for (const auto& [example, signature] : kExampleFinding)
    if (sees(example)) {
      EXPECT_EQ(found[example], signature) << example;
    }
  for (const auto& target : report["targets"]) {
    if (target["target"] != "example_leak_on_refused") continue;
    for (const auto& cell : target["cells"])
      if (cell["call"] == "connect" && cell["errno"] == "ECONNREFUSED") {
        EXPECT_EQ(cell["outcome"], "finding") << cell;
      }
  }
}

}  // namespace
