// The socket story on whole programs: a leak is a failed socket the program keeps while it goes on, not one exit closes.
#include <gtest/gtest.h>

#include "program_verdict.h"

namespace connfuzz::fuzz {
namespace {

CleanRun clean_that_connected() {
  CleanRun clean;
  clean.connected = true;
  return clean;
}

ProgramRun exited(int status, std::string log) {
  ProgramRun run;
  run.exit_status = status;
  run.log = std::move(log);
  return run;
}

const char* kRefused =
    "100 socket#1(AF_INET, SOCK_STREAM, 0) = 3\n"
    "100 connect#1(3, {AF_INET, 127.0.0.1:80}, 16) = -1 ECONNREFUSED (INJECTED connect@1=ECONNREFUSED)\n";

std::vector<std::string_view> names(const Judgement& j) {
  std::vector<std::string_view> out;
  for (const Finding& f : j.findings) out.push_back(f.name());
  return out;
}

TEST(SocketStory, AProgramThatExitsRightAfterAFailureLeaksNothing) {
  PlannedFault fault;
  Judgement j = judge_program(&fault, clean_that_connected(), exited(1, kRefused));
  EXPECT_TRUE(j.ok()) << j.findings.front().reason;
}

TEST(SocketStory, AProgramThatGoesOnHoldingTheFailedSocketLeaksIt) {
  PlannedFault fault;
  std::string goes_on = std::string(kRefused) +
                        "100 socket#2(AF_INET, SOCK_STREAM, 0) = 4\n"
                        "100 connect#2(4, {AF_INET, 127.0.0.1:80}, 16) = 0\n";
  Judgement j = judge_program(&fault, clean_that_connected(), exited(0, goes_on));
  EXPECT_EQ(names(j), std::vector<std::string_view>{"socket-leak"});
  // Exit status 0 with the failed socket still open: it went on as if nothing happened.
  j = judge_program(&fault, clean_that_connected(), exited(1, goes_on));
  EXPECT_EQ(names(j), std::vector<std::string_view>{"socket-leak"});
}

TEST(SocketStory, GivingUpBecauseTheWaitCouldNotBeSetUpIsNotAbandoned) {
  PlannedFault fault;
  std::string log =
      "100 socket#1(AF_INET, SOCK_STREAM|SOCK_NONBLOCK, 0) = 3\n"
      "100 connect#1(3, {AF_INET, 127.0.0.1:80}, 16) = -1 EINPROGRESS\n"
      "100 epoll_ctl#1(5, EPOLL_CTL_ADD, 3) = -1 ENOMEM (INJECTED epoll_ctl@1=ENOMEM)\n"
      "100 close#1(3) = 0\n";
  EXPECT_TRUE(judge_program(&fault, clean_that_connected(), exited(1, log)).ok());
  // Closing the same attempt with no reason at all is.
  std::string unexplained =
      "100 socket#1(AF_INET, SOCK_STREAM|SOCK_NONBLOCK, 0) = 3\n"
      "100 connect#1(3, {AF_INET, 127.0.0.1:80}, 16) = -1 EINPROGRESS\n"
      "100 close#1(3) = 0\n";
  EXPECT_EQ(names(judge_program(&fault, clean_that_connected(), exited(1, unexplained))),
            std::vector<std::string_view>{"abandoned"});
}

}  // namespace
}  // namespace connfuzz::fuzz
