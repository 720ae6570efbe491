// The placeholders of a sweep's reasons: each on the text a finding really says, and all of
// them against the regular expressions they were first written as, on generated text.
#include "stable_text.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>

namespace connfuzz::tools {
namespace {

TEST(StableText, PutsPlaceholdersWhereRunsDiffer) {
  EXPECT_EQ(stable_text("31245 connect#2(13, 127.0.0.1:40211, 16) = -1 ECONNREFUSED"),
            "PID connect#2(FD, 127.0.0.1:PORT, 16) = -1 ECONNREFUSED");
  EXPECT_EQ(stable_text("in 812 socket#1(2, 1, 0) = 7"), "in PID socket#1(FD, 1, 0) = FD");
  EXPECT_EQ(stable_text("[::1]:5001 refused"), "[::1]:PORT refused");
  EXPECT_EQ(stable_text("path /tmp/connfuzz-harness-Ab12Cd/sock, then"), "path TMP, then");
  EXPECT_EQ(stable_text("{\"dir\": /x/connfuzz-sweep-zzzzzz}"), "{\"dir\": TMP}");
  EXPECT_EQ(stable_text("the target reported a connection on fd 13 but"), "the target reported a connection on fd FD but");
  EXPECT_EQ(stable_text("descriptor 4 leaked; socket 9 open"), "descriptor FD leaked; socket FD open");
  EXPECT_EQ(stable_text("==4242== ERROR: connfuzz"), "==PID== ERROR: connfuzz");
  EXPECT_EQ(stable_text("at:12 a#1(3)"), "at:PID a#1(FD)");
  EXPECT_EQ(stable_text("\t7 poll#3(9,"), "\tPID poll#3(FD,");
  EXPECT_EQ(stable_text("in /tmp/connfuzz-sweep-abcdef/x y"), "in TMP y");
}

TEST(StableText, LeavesAloneWhatOnlyLooksAlike) {
  for (const char* same : {"socketpair 3", "myfd 3", "127.0.0.2:80", "/tmp/connfuzz-harness-abc/x",
                           "connfuzz-harness-abcdef/x", "a/b,connfuzz-sweep-abcdef", "== 1==", "x12 connect#1(", "PID connect#(3)"})
    EXPECT_EQ(stable_text(same), same);
}

// The rules as std::regex wrote them (sweep_report.cc, until the passes replaced them).
std::string by_regex(const std::string& text) {
  static const std::regex pid(R"((^|[:\s])\d+ ([a-z_.A-Z]+#\d+\())"), port(R"((127\.0\.0\.1|\]):\d+)"),
      tmp(R"(/[^\s,}]*connfuzz-(harness|sweep)-[A-Za-z0-9]{6}[^\s,}]*)"), engine_pid(R"(==\d+==)"),
      fd(R"(\b(fd|descriptor|socket) \d+)"), call_fd(R"((PID [a-z_.A-Z]+#\d+\()\d+([,)]))"),
      socket_result(R"((PID socket#\d+\([^)]*\) = )\d+)");
  std::string out = std::regex_replace(text, pid, "$1PID $2");
  out = std::regex_replace(out, port, "$1:PORT");
  out = std::regex_replace(out, tmp, "TMP");
  out = std::regex_replace(out, fd, "$1 FD");
  out = std::regex_replace(out, call_fd, "$1FD$2");
  out = std::regex_replace(out, socket_result, "$1FD");
  return std::regex_replace(out, engine_pid, "==PID==");
}

TEST(StableText, AgreesWithTheRegularExpressionsOnGeneratedText) {
  const char* pieces[] = {"127.0.0.1", ":", "]", "12", "7", " ", "\t", "\n", "PID ", "socket", "fd", "descriptor",
                          "connect", "#", "(", ")", ",", " = ", "/", "/tmp/", "connfuzz-", "harness-", "sweep-",
                          "abc123", "Zz9", "==", "_", ".", "x", "}", "-", "PID socket#1(", "31 connect#2(",
                          ":4 close#1(", "/tmp/connfuzz-harness-Ab12Cd", "/x/connfuzz-sweep-zzzzzz/s"};
  std::mt19937 random(21);
  std::uniform_int_distribution<std::size_t> piece(0, std::size(pieces) - 1), length(1, 24);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (std::size_t n = length(random); n > 0; --n) text += pieces[piece(random)];
    ASSERT_EQ(stable_text(text), by_regex(text)) << "on: " << text;
  }
}

}  // namespace
}  // namespace connfuzz::tools
