// `connfuzz matrix` as a user runs it: on every example client (each buggy one found
// with the verdict that names its bug, each correct one clean), on programs from
// Debian, and on bad command lines.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>

#include "connfuzz_command.h"
#include "core_files.h"
#include "loopback_http.h"

namespace {

using connfuzz::testing::connfuzz;
using connfuzz::testing::connfuzz_stdout;
using connfuzz::testing::quote;
using connfuzz::testing::run_shell;

const std::string kClient = quote(EXAMPLE_CLIENT);

struct Matrix {
  int status = -1;
  nlohmann::json report;
  std::map<std::string, std::string> not_ok;  // plan -> verdict
  std::set<std::string> verdicts;
};

Matrix run_matrix(const std::string& options, const std::string& program) {
  auto result = connfuzz_stdout("matrix --format json " + options + " -- " + program);
  Matrix m;
  m.status = result.status;
  m.report = nlohmann::json::parse(result.output, nullptr, false);
  if (m.report.is_discarded()) {
    ADD_FAILURE() << "not JSON: " << result.output;
    return m;
  }
  for (const auto& cell : m.report["cells"]) {
    if (cell["verdict"] == "ok") continue;
    m.not_ok[cell["plan"]] = cell["verdict"];
    m.verdicts.insert(cell["verdict"].get<std::string>());
  }
  for (const auto& finding : m.report["clean_run"]["findings"]) m.verdicts.insert(finding["verdict"].get<std::string>());
  return m;
}

struct BuggyClient {
  const char* style;
  const char* verdict;     // the verdict that names its bug, and the only one it gets
  const char* a_cell;      // one cell that finds it
};
// gtest prints a case by this, not as its bytes.
void PrintTo(const BuggyClient& c, std::ostream* os) { *os << c.style << " (" << c.verdict << ", " << c.a_cell << ")"; }

class BuggyClientTest : public ::testing::TestWithParam<BuggyClient> {};

TEST_P(BuggyClientTest, IsFoundWithTheVerdictThatNamesItsBug) {
  const BuggyClient& c = GetParam();
  Matrix m = run_matrix("--timeout 2", kClient + " " + c.style);
  EXPECT_EQ(m.status, 1);
  EXPECT_EQ(m.verdicts, std::set<std::string>{c.verdict});
  ASSERT_TRUE(m.not_ok.count(c.a_cell)) << "expected " << c.a_cell << " among " << m.report["cells"].dump();
  EXPECT_EQ(m.not_ok[c.a_cell], c.verdict);
}

std::string style_name(const ::testing::TestParamInfo<BuggyClient>& info) {
  std::string name = info.param.style;
  for (char& ch : name)
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  return name;
}

INSTANTIATE_TEST_SUITE_P(
    Examples, BuggyClientTest,
    ::testing::Values(BuggyClient{"eintr_reconnect", "still-connecting-failure", "connect@1-=EINTR"},
                      BuggyClient{"inprogress_success", "io-unconnected", "connect@1=EINPROGRESS>ECONNREFUSED"},
                      BuggyClient{"inprogress_success --check", "false-success", "connect@1=EINPROGRESS>ECONNREFUSED"},
                      BuggyClient{"no_so_error", "io-unconnected", "connect@1=EINPROGRESS>ECONNREFUSED"},
                      BuggyClient{"eagain_spin", "spin", "connect@1-=EAGAIN"},
                      BuggyClient{"leak_on_refused", "socket-leak", "connect@1=ECONNREFUSED"},
                      BuggyClient{"unknown_errno", "crash", "connect@1=EACCES"},
                      BuggyClient{"double_close", "bad-descriptor", "connect@1=ECONNREFUSED"},
                      BuggyClient{"reuse_after_refused", "reuse-after-failure", "connect@1=ECONNREFUSED"},
                      BuggyClient{"shared_length", "misuse", "connect@1=EINPROGRESS>ECONNREFUSED"},
                      BuggyClient{"eintr_wait_readable", "hang", "connect@1=EINTR"}),
    style_name);

class CorrectClientTest : public ::testing::TestWithParam<std::string> {};

TEST_P(CorrectClientTest, GetsNoFindingInEitherMode) {
  for (const char* mode : {"realistic", "any"}) {
    Matrix m = run_matrix(std::string("--mode ") + mode, GetParam());
    EXPECT_EQ(m.status, 0) << mode;
    EXPECT_TRUE(m.verdicts.empty()) << mode << ": " << m.report.dump(1);
    EXPECT_GT(m.report["cells"].size(), 50u) << "the matrix ran too few cells to mean anything";
  }
}

INSTANTIATE_TEST_SUITE_P(Examples, CorrectClientTest,
                         ::testing::Values(kClient + " blocking", kClient + " nonblocking", kClient + " backoff",
                                           quote(CORRECT_CLIENT)),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string last = info.param.substr(info.param.find_last_of(" /") + 1);
                           return last.substr(0, last.find('\''));
                         });

// A program that catches no signal never gets EINTR from connect, send or poll
// (signal(7)), so a client that takes EINTR for a failure is correct there: realistic
// mode fires no EINTR cell, and says each is not realistic. --mode any shows the cells
// are there and that the client would fail them.
TEST(Matrix, EintrCellsAreNotRealisticInAProgramWithoutSignalHandlers) {
  for (const char* style : {"blocking", "nonblocking"}) {
    std::string client = quote(NO_HANDLER_CLIENT) + " " + style;
    Matrix m = run_matrix("--errnos EINTR", client);
    EXPECT_EQ(m.status, 0) << style << ": " << m.report.dump(1);
    EXPECT_TRUE(m.verdicts.empty()) << style;
    int not_realistic = 0;
    for (const auto& cell : m.report["cells"]) {
      EXPECT_NE(cell["fault"], "fired") << style << ": " << cell.dump();
      not_realistic += cell["fault"] == "not-realistic";
    }
    EXPECT_GE(not_realistic, 3) << style << ": " << m.report.dump(1);
    Matrix any = run_matrix("--errnos EINTR --mode any", client);
    EXPECT_EQ(any.status, 1) << style;
    EXPECT_FALSE(any.not_ok.empty()) << style;
  }
}

// The cells of --actions (issue 8): a real signal, slow networks, interrupted waits, a
// cancellation, each buggy example found by the cell that shows its bug.
const std::string kActionCells = "--calls connect --errnos EINTR --actions signal,delay,cancel --timeout 3 ";

class ActionBuggyClientTest : public ::testing::TestWithParam<BuggyClient> {};

TEST_P(ActionBuggyClientTest, IsFoundByTheActionCellThatShowsItsBug) {
  const BuggyClient& c = GetParam();
  Matrix m = run_matrix(kActionCells, kClient + " " + c.style);
  EXPECT_EQ(m.status, 1);
  ASSERT_TRUE(m.not_ok.count(c.a_cell)) << "expected " << c.a_cell << " among " << m.report["cells"].dump();
  EXPECT_EQ(m.not_ok[c.a_cell], c.verdict);
}

INSTANTIATE_TEST_SUITE_P(
    Examples, ActionBuggyClientTest,
    ::testing::Values(BuggyClient{"cancel_no_cleanup", "socket-leak", "connect@1=CANCEL"},
                      BuggyClient{"cancel_keeps_lock", "hang", "connect@1=CANCEL"},
                      BuggyClient{"timeout_not_reduced", "spin", "connect@1=+3600s poll@1-=+400ms>EINTR"},
                      BuggyClient{"timeout_on_eintr", "abandoned", "connect@1=+3600s poll@1-=+400ms>EINTR"},
                      BuggyClient{"sndtimeo_as_success", "io-unconnected", "connect@1=+3s>ECONNREFUSED"},
                      BuggyClient{"sndtimeo_as_failure", "abandoned", "connect@1=+3s"},
                      BuggyClient{"eintr_wait_readable", "hang", "connect@1=!SIGALRM"}),
    style_name);

TEST(Matrix, CorrectClientsPassEveryActionCell) {
  for (const char* style : {"blocking", "nonblocking", "backoff", "sndtimeo", "worker"}) {
    Matrix m = run_matrix(kActionCells, kClient + " " + style);
    EXPECT_EQ(m.status, 0) << style;
    EXPECT_TRUE(m.verdicts.empty()) << style << ": " << m.report.dump(1);
    int actions = 0;
    for (const auto& cell : m.report["cells"]) actions += cell.contains("action");
    EXPECT_GE(actions, 6) << style;
  }
}

TEST(Matrix, ActionCellsAreRowsOfTheirOwnInEveryFormat) {
  auto text = connfuzz_stdout("matrix " + kActionCells + "-- " + kClient + " worker");
  EXPECT_EQ(text.status, 0) << text.output;
  EXPECT_TRUE(text.says("\nactions (")) << text.output;
  EXPECT_TRUE(text.says("  ok  connect@1=CANCEL  exit 1")) << text.output;  // cancelled, retried, connected
  EXPECT_TRUE(text.says("  ok  connect@1=!SIGALRM  exit 0")) << text.output;
  auto md = connfuzz_stdout("matrix --format md " + kActionCells + "-- " + kClient + " worker");
  EXPECT_TRUE(md.says("## Actions (")) << md.output;
  auto html = connfuzz_stdout("matrix --format html " + kActionCells + "-- " + kClient + " worker");
  EXPECT_TRUE(html.says("<h2 id=\"actions\">")) << html.output;
}

TEST(Matrix, TextReportGroupsByVerdictWithALineThatReproduces) {
  auto result = connfuzz_stdout("matrix -- " + kClient + " leak_on_refused");
  EXPECT_EQ(result.status, 1);
  EXPECT_TRUE(result.says("socket-leak (")) << result.output;
  EXPECT_TRUE(result.says("connect#1 failed with ECONNREFUSED and it was never closed")) << result.output;
  std::string repro = "connfuzz run --plan connect@1=ECONNREFUSED -- " + std::string(EXAMPLE_CLIENT) + " leak_on_refused";
  ASSERT_TRUE(result.says(repro)) << result.output;
  // The line does what it says: the same fault, the same failure (and the client's try
  // on a new socket, which connects: exit 0, holding the leaked socket).
  auto again = connfuzz("run --plan connect@1=ECONNREFUSED -- " + kClient + " leak_on_refused");
  EXPECT_EQ(again.status, 0);
  EXPECT_TRUE(again.says("connect#1(") && again.says("ECONNREFUSED (INJECTED")) << again.output;
}

TEST(Matrix, WritesEachFormatToOutAtomically) {
  std::string dir = ::testing::TempDir() + "/matrix-out";
  run_shell("rm -rf " + quote(dir) + " && mkdir -p " + quote(dir));
  for (const char* ext : {"md", "html", "json", "txt"}) {
    std::string out = dir + "/report." + ext;
    auto result = connfuzz("matrix --calls connect --out " + quote(out) + " -- " + kClient + " leak_on_refused");
    EXPECT_EQ(result.status, 1) << result.output;
    auto text = run_shell("cat " + quote(out)).output;
    EXPECT_NE(text.find("socket-leak"), std::string::npos) << ext << ": " << text;
  }
  EXPECT_TRUE(run_shell("cat " + quote(dir + "/report.html")).says("<h2 id=\"socket-leak\">"));
  // Nothing but the reports: no temporary files left behind.
  EXPECT_EQ(run_shell("ls " + quote(dir) + " | wc -l").output, "4\n");
}

TEST(Matrix, SavesOneCellFilePerFindingThatReproReplays) {
  std::string dir = ::testing::TempDir() + "/matrix-cells";
  run_shell("rm -rf " + quote(dir));
  auto result = connfuzz("matrix --save " + quote(dir) + " -- " + kClient + " leak_on_refused");
  EXPECT_EQ(result.status, 1) << result.output;
  EXPECT_EQ(run_shell("ls " + quote(dir) + " | wc -l").output, "3\n");
  std::string cell = dir + "/socket-leak-connect@1_ECONNREFUSED.cell";
  // From another directory: the file names the program by its absolute path.
  auto replay = run_shell("cd / && " + quote(CONNFUZZ_BINARY) + " repro " + quote(cell));
  EXPECT_EQ(replay.status, 1) << replay.output;
  EXPECT_TRUE(replay.says("ECONNREFUSED (INJECTED connect@1=ECONNREFUSED)")) << replay.output;
  EXPECT_TRUE(replay.says("verdict: FINDING reproduces - socket-leak")) << replay.output;
  // The same cell on the correct client: no finding, exit 0.
  auto fixed = run_shell("sed 's/leak_on_refused/blocking/' " + quote(cell) + " > " + quote(dir + "/fixed.cell") + " && " +
                         quote(CONNFUZZ_BINARY) + " repro " + quote(dir + "/fixed.cell"));
  EXPECT_EQ(fixed.status, 0) << fixed.output;
  EXPECT_TRUE(fixed.says("verdict: no finding")) << fixed.output;
}

TEST(Matrix, ABadCellFileIsNamedWithItsLine) {
  std::string dir = ::testing::TempDir() + "/bad-cells";
  run_shell("rm -rf " + quote(dir) + " && mkdir -p " + quote(dir));
  struct Bad {
    const char* body;
    const char* message;
  };
  for (const Bad& bad : {Bad{"plan=connect@1=EBOGUS\narg=true\n", "line 2: plan: column"},
                         Bad{"plan=connect@1=EINTR\nbackend=ptrace\narg=true\n", "line 3: backend must be preload or seccomp"},
                         Bad{"plan=connect@1=EINTR\ntimeout=-1\narg=true\n", "line 3: timeout must be more than 0"},
                         Bad{"plan=connect@1=EINTR\ncolour=blue\n", "line 3: unknown key 'colour'"},
                         Bad{"arg=true\n", "needs a plan= line"},
                         Bad{"plan=connect@1=EINTR\n", "needs arg= lines"},
                         Bad{"plan=connect@1=EINTR\njust words\n", "line 3: expected key=value"}}) {
    std::string path = dir + "/bad.cell";
    run_shell("printf '%s' " + quote(std::string("# connfuzz matrix cell\n") + bad.body) + " > " + quote(path));
    auto result = connfuzz("repro " + quote(path));
    EXPECT_EQ(result.status, 2) << bad.body << result.output;
    EXPECT_TRUE(result.says(bad.message)) << bad.body << result.output;
  }
}

TEST(Matrix, AFaultFreeRunThatCrashesIsAFindingAlready) {
  auto result = connfuzz_stdout("matrix -- sh -c 'kill -ABRT $$'");
  EXPECT_EQ(result.status, 1) << result.output;
  EXPECT_TRUE(result.says("the fault-free run itself")) << result.output;
  EXPECT_TRUE(result.says("crash: killed by signal 6 (SIGABRT)")) << result.output;
}

// A cell that crashes the program is a finding, not a core dump: none where the matrix
// ran, whatever the user's core limit.
TEST(Matrix, ACrashingCellLeavesNoCoreFile) {
  std::string why;
  if (!connfuzz::testing::cores_land_in_the_directory(why)) GTEST_SKIP() << why;
  auto left = connfuzz::testing::run_with_core_dumps(quote(CONNFUZZ_BINARY) + " matrix --timeout 2 -- " + kClient +
                                                     " unknown_errno");
  EXPECT_EQ(left.result.status, 1) << left.result.output;
  EXPECT_TRUE(left.result.says("crash")) << left.result.output;
  EXPECT_TRUE(left.files.empty()) << "left in the matrix's directory: " << left.files.front();
}

TEST(Matrix, CallsAndErrnosNarrowTheCells) {
  Matrix m = run_matrix("--calls connect --errnos ECONNREFUSED,EINTR", kClient + " blocking");
  std::set<std::string> plans;
  for (const auto& cell : m.report["cells"]) plans.insert(cell["plan"]);
  EXPECT_EQ(plans, (std::set<std::string>{"connect@1=ECONNREFUSED", "connect@1-=ECONNREFUSED", "connect@1=EINTR",
                                          "connect@1-=EINTR", "connect@1=EINTR>ECONNREFUSED"}));
}

// Spin means unbounded: every poll failing at once with EAGAIN stops no virtual clock
// for good. Past the call budget time is let run, and a client whose retries end at its
// own CLOCK_MONOTONIC deadline fails there, cleanly: no spin.
// Issue 18's correct clients written elsewhere: a select-based one in a program that
// catches no signal passes every realistic cell of the whole matrix.
TEST(Matrix, ASelectBasedClientWithoutHandlersPassesEveryCell) {
  Matrix m = run_matrix("", quote(NO_HANDLER_CLIENT) + " select");
  EXPECT_EQ(m.status, 0) << m.report.dump(1);
  EXPECT_TRUE(m.verdicts.empty()) << m.report.dump(1);
  EXPECT_GT(m.report["cells"].size(), 50u) << "the matrix ran too few cells to mean anything";
}

TEST(Matrix, ALoopBoundedByItsOwnDeadlineIsNoSpin) {
  Matrix m = run_matrix("--calls poll --errnos EAGAIN --timeout 5", quote(DEADLINE_CLIENT));
  EXPECT_EQ(m.status, 0) << m.report.dump(1);
  EXPECT_TRUE(m.verdicts.empty()) << m.report.dump(1);
  bool seen = false;
  for (const auto& cell : m.report["cells"]) {
    if (cell["plan"] != "poll@1-=EAGAIN") continue;
    seen = true;
    EXPECT_EQ(cell["verdict"], "ok") << cell.dump();
    EXPECT_EQ(cell["exit_status"], 1) << "the client should have given up at its deadline: " << cell.dump();
  }
  EXPECT_TRUE(seen) << "no poll@1-=EAGAIN cell: " << m.report.dump(1);
}

// A client that asks connect() again how its attempt ended, once poll said writable (on
// Linux the attempt is over then): a rule "from this call on" says EALREADY or
// EINPROGRESS only while the attempt is pending; after it, the kernel's 0 or EISCONN.
TEST(Matrix, AStillConnectingRuleEndsWithTheAttemptForAClientThatAsksByConnect) {
  Matrix m = run_matrix("--calls connect --errnos EALREADY,EINPROGRESS --timeout 5",
                        quote(DEADLINE_CLIENT) + " --ask-by-connect");
  std::map<std::string, std::string> verdicts;
  for (const auto& cell : m.report["cells"]) verdicts[cell["plan"]] = cell["verdict"];
  for (const char* plan : {"connect@1-=EALREADY", "connect@1-=EINPROGRESS", "connect@2-=EALREADY", "connect@2-=EINPROGRESS"}) {
    ASSERT_TRUE(verdicts.count(plan)) << plan << " not among " << m.report["cells"].dump();
    EXPECT_EQ(verdicts[plan], "ok") << plan << ": " << m.report.dump(1);
  }
}

// Programs that fork, exec, ignore signals or close their standard descriptors.
TEST(Matrix, SurvivesProgramsThatForkExecAndCloseTheirStandardDescriptors) {
  std::string forks = "sh -c " + quote(std::string(EXAMPLE_CLIENT) + " leak_on_refused; exit $?");
  Matrix m = run_matrix("--calls connect", forks);
  EXPECT_EQ(m.status, 1);
  EXPECT_EQ(m.verdicts, std::set<std::string>{"socket-leak"});

  std::string closes = "sh -c " + quote("trap '' INT TERM HUP; exec 0<&- 1>&- 2>&-; exec " + std::string(EXAMPLE_CLIENT) +
                                        " nonblocking");
  m = run_matrix("--calls connect,poll", closes);
  EXPECT_EQ(m.status, 0) << m.report.dump(1);
  EXPECT_TRUE(m.verdicts.empty());
}

// Programs from Debian against a loopback server of the test's own; the verdicts are
// the ones README.md and docs/FINDINGS.md document.
TEST(MatrixOnDebianPrograms, CurlHandlesEveryCell) {
  connfuzz::testing::LoopbackHttpServer server;
  Matrix m = run_matrix("--no-netns", "curl -sS -o /dev/null " + server.url());
  EXPECT_EQ(m.status, 0) << m.report.dump(1);
  EXPECT_TRUE(m.verdicts.empty());
}

TEST(MatrixOnDebianPrograms, PythonCreateConnectionFailsOnlyOnCloseEintr) {
  connfuzz::testing::LoopbackHttpServer server;
  std::string script = "import socket\ns = socket.create_connection(('127.0.0.1', " + std::to_string(server.port()) +
                       "), timeout=5)\ns.sendall(b'GET / HTTP/1.0\\r\\n\\r\\n')\nassert s.recv(100)\ns.close()\n";
  Matrix m = run_matrix("--no-netns", "/usr/bin/python3 -c " + quote(script));
  EXPECT_EQ(m.status, 1);
  EXPECT_EQ(m.not_ok, (std::map<std::string, std::string>{{"close@1=EINTR", "still-connecting-failure"}}));
}

// wget installs its handlers with signal(), which sets SA_RESTART, and its blocking
// connect has no SO_SNDTIMEO: Linux restarts that connect rather than fail it with
// EINTR, so realistic mode does not inject it. The code that takes EINTR for a timeout
// is still there for --mode any to show.
TEST(MatrixOnDebianPrograms, WgetTakesConnectEintrForATimeout) {
  connfuzz::testing::LoopbackHttpServer server;
  const std::string wget = "wget --tries=1 -q -O /dev/null " + server.url();
  Matrix realistic = run_matrix("--no-netns", wget);
  EXPECT_EQ(realistic.status, 0) << realistic.report.dump(1);
  EXPECT_TRUE(realistic.not_ok.empty());
  std::set<std::string> connect_eintr_refused;
  for (const auto& cell : realistic.report["cells"])
    if (cell["plan"].get<std::string>().starts_with("connect@1") && cell["fault"] == "not-realistic" &&
        cell["plan"].get<std::string>().find("EINTR") != std::string::npos)
      connect_eintr_refused.insert(cell["plan"].get<std::string>());
  EXPECT_EQ(connect_eintr_refused,
            (std::set<std::string>{"connect@1=EINTR", "connect@1-=EINTR", "connect@1=EINTR>ECONNREFUSED"}));
  Matrix any = run_matrix("--no-netns --mode any --calls connect --errnos EINTR", wget);
  EXPECT_EQ(any.status, 1);
  // The attempt it abandons would have failed anyway in the third cell: the close right
  // after EINTR is the misstep shown there (a spurious failure needs an attempt that succeeds).
  EXPECT_EQ(any.not_ok, (std::map<std::string, std::string>{{"connect@1=EINTR mode=any", "still-connecting-failure"},
                                                            {"connect@1-=EINTR mode=any", "still-connecting-failure"},
                                                            {"connect@1=EINTR>ECONNREFUSED mode=any", "abandoned"}}));
}

struct BadMatrix {
  const char* args;
  const char* message;
};
void PrintTo(const BadMatrix& c, std::ostream* os) { *os << "connfuzz matrix " << c.args; }

class BadMatrixTest : public ::testing::TestWithParam<BadMatrix> {};

TEST_P(BadMatrixTest, ExitsTwoNamingTheProblem) {
  std::string args = GetParam().args;
  for (std::string::size_type at; (at = args.find("CLIENT")) != std::string::npos;) args.replace(at, 6, kClient);
  auto result = connfuzz("matrix " + args);
  EXPECT_EQ(result.status, 2) << result.output;
  EXPECT_TRUE(result.says(GetParam().message)) << result.output;
}

INSTANTIATE_TEST_SUITE_P(
    CommandLines, BadMatrixTest,
    ::testing::Values(BadMatrix{"--calls conect -- CLIENT blocking", "unknown call 'conect'"},
                      BadMatrix{"--errnos ECONNREFUZED -- CLIENT blocking", "'ECONNREFUZED' is no errno"},
                      BadMatrix{"--errnos EDOM -- CLIENT blocking", "EDOM is documented for none of the calls"},
                      BadMatrix{"-- /nonexistent/client", "cannot find program '/nonexistent/client'"},
                      BadMatrix{"--jobs 1000 -- CLIENT blocking", "--jobs must be from 1 to 256"},
                      BadMatrix{"--jobs -3 -- CLIENT blocking", "--jobs must be from 1 to 256"},
                      BadMatrix{"--timeout 0 -- CLIENT blocking", "--timeout must be more than 0"},
                      BadMatrix{"--timeout soon -- CLIENT blocking", "--timeout"},
                      BadMatrix{"--max-index 0 -- CLIENT blocking", "--max-index must be from 1"},
                      BadMatrix{"--format pdf -- CLIENT blocking", "--format"},
                      BadMatrix{"--errnos EINTR --all -- CLIENT blocking", "excludes"},
                      BadMatrix{"--out /nonexistent/dir/report.md -- CLIENT blocking", "/nonexistent/dir/report.md"},
                      BadMatrix{"", "no program given"},
                      BadMatrix{"-- false", "exited 1 without any fault"},
                      BadMatrix{"-- true", "made no call on a connect path"},
                      // A server outside connfuzz's private network namespace cannot be reached from it.
                      BadMatrix{"-- curl -sS -o /dev/null http://127.0.0.1:9/", "run with --no-netns"},
                      BadMatrix{"-- CLIENT no_such_style", "exited 2 without any fault"},
                      BadMatrix{"--actions teleport -- CLIENT blocking", "unknown action 'teleport'; the actions are: signal, delay, cancel"},
                      BadMatrix{"--actions signal --backend seccomp -- CLIENT blocking", "--actions needs the preload backend"}));

}  // namespace
