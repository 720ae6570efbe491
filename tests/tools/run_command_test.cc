// `connfuzz` as a user runs it: exit statuses, messages, and real programs under plans.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>

#include "connfuzz_command.h"
#include "environment.h"

namespace {

using connfuzz::testing::connfuzz;
using connfuzz::testing::quote;
using connfuzz::testing::run_shell;
using Outcome = connfuzz::testing::CommandResult;

TEST(RunCommand, PythonRaisesTheInjectedEnosr) {
  Outcome out = connfuzz(
      "run --plan 'connect@1=ENOSR' -- python3 -c "
      "'import socket; socket.create_connection((\"127.0.0.1\", 9))'");
  EXPECT_EQ(out.status, 1) << out.output;
  EXPECT_NE(out.output.find("OSError: [Errno 63]"), std::string::npos) << out.output;
  EXPECT_NE(out.output.find("= -1 ENOSR (INJECTED connect@1=ENOSR)"), std::string::npos) << out.output;
}

TEST(RunCommand, ExitsWithTheProgramsOwnStatus) {
  EXPECT_EQ(connfuzz("run -- sh -c 'exit 7'").status, 7);
  EXPECT_EQ(connfuzz("run -- true").status, 0);
}

TEST(RunCommand, ReportsASignalAs128PlusItsNumber) {
  EXPECT_EQ(connfuzz("run -- sh -c 'kill -SEGV $$'").status, 128 + 11);
}

TEST(RunCommand, ReportsATimeoutAs124) {
  EXPECT_EQ(connfuzz("run --timeout 0.5 -- sleep 30").status, 124);
}

TEST(RunCommand, TheCorrectClientSurvivesAnInterruptedConnect) {
  Outcome out = connfuzz("run --plan 'connect@1=EINPROGRESS poll@1=EINTR' -- " + quote(CORRECT_CLIENT));
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_NE(out.output.find("connected and exchanged a message"), std::string::npos) << out.output;
}

TEST(RunCommand, TheCorrectClientReportsARefusal) {
  Outcome out = connfuzz("run --plan 'connect@*=EINPROGRESS>ECONNREFUSED' -- " + quote(CORRECT_CLIENT));
  EXPECT_EQ(out.status, 1) << out.output;
  EXPECT_NE(out.output.find("could not connect: ECONNREFUSED"), std::string::npos) << out.output;
}

TEST(RunCommand, KeepsThePlanAcrossExec) {
  Outcome out = connfuzz("run --plan 'connect@1=ENOSR' -- sh -c 'exec python3 -c \"import socket; "
                         "socket.create_connection((\\\"127.0.0.1\\\", 9))\"'");
  EXPECT_NE(out.output.find("[Errno 63]"), std::string::npos) << out.output;
}

TEST(RunCommand, ThePrivateNetworkStopsWhatBypassesTheGuard) {
  // A raw syscall passes no wrapper; only the network namespace stands in its way.
  Outcome out = connfuzz(
      "run -- python3 -c '"
      "import ctypes, socket, struct\n"
      "libc = ctypes.CDLL(None, use_errno=True)\n"
      "s = socket.socket()\n"
      "addr = struct.pack(\"<HH4s8x\", socket.AF_INET, socket.htons(80), socket.inet_aton(\"192.0.2.1\"))\n"
      "r = libc.syscall(42, s.fileno(), addr, 16)\n"
      "raise SystemExit(ctypes.get_errno())'");
  if (out.output.find("network private") == std::string::npos) GTEST_SKIP() << "no network namespace here: " << out.output;
  // ENETUNREACH from the kernel, as the exit status (`run` passes it on): a printed line
  // could be split by the event log's lines on the same stream.
  EXPECT_EQ(out.status, 101) << out.output;
}

struct BadUse {
  const char* args;
  const char* says;
};
// gtest prints a case by this, not as its bytes.
void PrintTo(const BadUse& c, std::ostream* os) { *os << "connfuzz " << c.args; }

class BadCommandLines : public ::testing::TestWithParam<BadUse> {};

TEST_P(BadCommandLines, ExitWithStatus2AndNameTheProblem) {
  Outcome out = connfuzz(GetParam().args);
  EXPECT_EQ(out.status, 2) << out.output;
  EXPECT_NE(out.output.find(GetParam().says), std::string::npos) << out.output;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadCommandLines,
    ::testing::Values(BadUse{"", "subcommand"}, BadUse{"frobnicate", "frobnicate"},
                      BadUse{"plan 'connect@1=EINTRR'", "did you mean EINTR?"},
                      BadUse{"plan 'connect@1=EINTR >'", "column 17"}, BadUse{"plan", "plan is required"},
                      BadUse{"errnos conect", "unknown call 'conect'"},
                      BadUse{"run --plan 'conect@1=EINTR' -- true", "did you mean connect?"},
                      BadUse{"run --plan 'socket@1=EINPROGRESS' -- true", "not a documented errno of socket"},
                      BadUse{"run -- /nonexistent/program", "cannot find program"},
                      BadUse{"run --plan 'connect@1=EINTR'", "no program given"},
                      BadUse{"run --mode sometimes -- true", "--mode"},
                      BadUse{"run --timeout -1 -- true", "--timeout"},
                      BadUse{"run --timeout abc -- true", "--timeout"},
                      BadUse{"run --allow-unix /nonexistent -- true", "not a directory"},
                      BadUse{"run --plan-file /nonexistent -- true", "cannot read --plan-file"},
                      BadUse{"run --plan-file /tmp -- true", "is a directory"},
                      BadUse{"run --plan x --plan-file /etc/hostname -- true", "not both"},
                      BadUse{"run --log /nonexistent/dir/log -- true", "cannot write --log"},
                      BadUse{"run --bogus -- true", "--bogus"}));

TEST(ErrnosCommand, ListsTheTwentyNineConnectErrnos) {
  Outcome out = connfuzz("errnos connect");
  EXPECT_EQ(out.status, 0);
  EXPECT_NE(out.output.find("29 rows"), std::string::npos) << out.output;
}

TEST(PlanCommand, PrintsThePlanNormalized) {
  Outcome out = connfuzz("plan 'connect@1-1=111;poll@*=4'");
  EXPECT_EQ(out.status, 0);
  EXPECT_EQ(out.output, "connect@1=ECONNREFUSED poll@*=EINTR\n");
}

TEST(Environment, AMisspeltVariableIsNamedWithTheNearestKnownOne) {
  Outcome out = run_shell("CONNFUZZ_TRASE=1 " + quote(CONNFUZZ_BINARY) + " errnos");
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_TRUE(out.says("connfuzz: unknown environment variable CONNFUZZ_TRASE; did you mean CONNFUZZ_TRACE?\n"))
      << out.output;
  EXPECT_TRUE(out.says("\nconnect ")) << out.output;  // and the command went on
}

TEST(Environment, AnUnknownVariableFarFromEveryNameGetsNoSuggestion) {
  Outcome out = run_shell("CONNFUZZ_NOTHING_LIKE_IT=1 " + quote(CONNFUZZ_BINARY) + " errnos");
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_TRUE(out.says("connfuzz: unknown environment variable CONNFUZZ_NOTHING_LIKE_IT (")) << out.output;
  EXPECT_FALSE(out.says("did you mean")) << out.output;
}

TEST(Environment, KnownVariablesAreNotWarnedOf) {
  Outcome out = run_shell("CONNFUZZ_TRACE=1 CONNFUZZ_SECONDS=5 " + quote(CONNFUZZ_BINARY) + " errnos");
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_FALSE(out.says("unknown environment variable")) << out.output;
}

TEST(Environment, ThePreloadWarnsInTheProgramItRuns) {
  Outcome out = run_shell("CONNFUZZ_PLANS=x " + quote(CONNFUZZ_BINARY) + " run -- true");
  EXPECT_EQ(out.status, 0) << out.output;
  EXPECT_TRUE(out.says("connfuzz: true: unknown environment variable CONNFUZZ_PLANS; did you mean CONNFUZZ_PLAN?"))
      << out.output;
}

TEST(Environment, HelpEnvListsEveryVariableWithItsDefaultAndMeaning) {
  Outcome out = connfuzz("--help-env");
  EXPECT_EQ(out.status, 0) << out.output;
  for (const auto& row : connfuzz::inject::environment_rows()) {
    SCOPED_TRACE(std::string(row.name));
    EXPECT_TRUE(out.says("\n" + std::string(row.name) + "\n  default: " + std::string(row.fallback) + "\n  " +
                         std::string(row.meaning) + "\n"))
        << out.output;
  }
}

// The README's table is environment.def's, row for row.
TEST(Environment, TheReadmeListsEveryVariableAsTheTableDoes) {
  std::ifstream in(README_FILE);
  std::string readme((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(readme.empty()) << README_FILE;
  for (const auto& row : connfuzz::inject::environment_rows()) {
    std::string line = "| `" + std::string(row.name) + "` | " + std::string(row.fallback) + " | " +
                       std::string(row.meaning) + " |\n";
    EXPECT_NE(readme.find(line), std::string::npos) << "README.md lacks: " << line;
  }
}

}  // namespace
