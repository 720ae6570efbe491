// Fault plans: the examples of DESIGN.md, round trips, and a table of bad plans.
#include <gtest/gtest.h>

#include <csignal>

#include "plan.h"

namespace connfuzz::inject {
namespace {

Rule only_rule(const std::string& text) {
  Plan plan = parse_plan(text);
  EXPECT_EQ(plan.rule_count, 1) << text;
  return plan.rules[0];
}

TEST(Plan, FirstConnectFailsWithEintr) {
  Rule r = only_rule("connect@1=EINTR");
  EXPECT_EQ(r.call, Call::connect);
  EXPECT_EQ(r.which, Which::Range);
  EXPECT_EQ(r.first, 1u);
  EXPECT_EQ(r.last, 1u);
  EXPECT_EQ(r.err, EINTR);
  EXPECT_EQ(r.eventual, 0);
}

TEST(Plan, EveryPollFailsWithEintr) {
  Rule r = only_rule("poll@*=EINTR");
  EXPECT_EQ(r.call, Call::poll);
  EXPECT_EQ(r.which, Which::Every);
}

TEST(Plan, SecondAndLaterConnectsAreRefused) {
  Rule r = only_rule("connect@2-=ECONNREFUSED");
  EXPECT_EQ(r.first, 2u);
  EXPECT_EQ(r.last, Rule::kOpenEnd);
  EXPECT_EQ(r.err, ECONNREFUSED);
}

TEST(Plan, InProgressThenTimedOut) {
  Rule r = only_rule("connect@1=EINPROGRESS>ETIMEDOUT");
  EXPECT_EQ(r.err, EINPROGRESS);
  EXPECT_EQ(r.eventual, ETIMEDOUT);
}

TEST(Plan, PendingErrorReadAfterPoll) {
  Rule r = only_rule("getsockopt.SO_ERROR@1=ENOSR");
  EXPECT_EQ(r.call, Call::so_error);
  EXPECT_EQ(r.err, ENOSR);
}

TEST(Plan, ThirdSocketRunsOutOfDescriptors) {
  Rule r = only_rule("socket@3=EMFILE");
  EXPECT_EQ(r.call, Call::socket);
  EXPECT_EQ(r.first, 3u);
  EXPECT_EQ(r.err, EMFILE);
}

TEST(Plan, AQuarterOfConnectsFromASeed) {
  Plan plan = parse_plan("connect%25=EAGAIN seed=7");
  ASSERT_EQ(plan.rule_count, 1);
  EXPECT_EQ(plan.rules[0].which, Which::Percent);
  EXPECT_EQ(plan.rules[0].percent, 25);
  EXPECT_EQ(plan.seed, 7u);
}

TEST(Plan, FiltersByFamilyTypeAndPort) {
  Rule r = only_rule("connect[inet6,stream,port=8080]@1-3=ECONNRESET");
  EXPECT_EQ(r.where.families, Predicate::kInet6);
  EXPECT_EQ(r.where.types, Predicate::kStream);
  EXPECT_TRUE(r.where.has_port);
  EXPECT_EQ(r.where.port, 8080);
  EXPECT_EQ(r.last, 3u);
}

TEST(Plan, ErrnoByNumber) { EXPECT_EQ(only_rule("connect@1=111").err, ECONNREFUSED); }

TEST(Plan, OptionsModeAndHold) {
  Plan plan = parse_plan("connect@1=ENOTTY mode=any hold");
  EXPECT_EQ(plan.mode, Mode::Any);
  EXPECT_TRUE(plan.hold);
}

TEST(Plan, RoundTripsThroughItsText) {
  const char* plans[] = {
      "connect@1=EINTR",
      "poll@*=EINTR",
      "connect@2-=ECONNREFUSED",
      "connect@1=EINPROGRESS>ETIMEDOUT",
      "getsockopt.SO_ERROR@1=ENOSR",
      "socket@3=EMFILE",
      "connect%25=EAGAIN seed=7",
      "connect[unix]@1=ENOENT connect[inet,inet6,port=443]@2-5=ECONNRESET",
      "connect@1=EINTR>ECONNREFUSED hold",
      "close@1=EINTR; epoll_wait@*=EINTR;select@2=EINTR",
      "connect@1=5 mode=any",
      "  connect@1-1=EINTR \n\t recv@1=ECONNRESET  ",
      "connect@1=!SIGALRM",
      "connect@2=!10 mode=any",
      "connect@1=+250ms",
      "connect@1=+3s>ECONNREFUSED",
      "poll@*=+400ms>EINTR epoll_wait@1-=+1500us>EINTR",
      "connect@1=CANCEL",
  };
  for (const char* text : plans) {
    SCOPED_TRACE(text);
    Plan first = parse_plan(text);
    std::string printed = to_text(first);
    Plan second = parse_plan(printed);
    EXPECT_TRUE(first == second) << printed;
    EXPECT_EQ(to_text(second), printed);
  }
}

TEST(Plan, ActionsBesidesErrnos) {
  Rule signal = only_rule("connect@1=!SIGALRM");
  EXPECT_EQ(signal.action, Action::signal);
  EXPECT_EQ(signal.signal, SIGALRM);
  EXPECT_EQ(only_rule("connect@1=!ALRM").signal, SIGALRM);
  EXPECT_EQ(only_rule("connect@1=!14").signal, 14);
  Rule slow = only_rule("connect@2=+3s>ECONNREFUSED");
  EXPECT_EQ(slow.action, Action::delay);
  EXPECT_EQ(slow.delay_ns, 3'000'000'000);
  EXPECT_EQ(slow.eventual, ECONNREFUSED);
  Rule interrupted = only_rule("poll@*=+400ms>EINTR");
  EXPECT_EQ(interrupted.delay_ns, 400'000'000);
  EXPECT_EQ(interrupted.eventual, EINTR);
  EXPECT_EQ(only_rule("connect@1=CANCEL").action, Action::cancel);
  EXPECT_EQ(to_text(parse_plan("connect@1=+1000ms connect@2=+1500000ns connect@3=!14")),
            "connect@1=+1s connect@2=+1500us connect@3=!SIGALRM");
}

TEST(Plan, NormalizesRangesAndNumbers) {
  EXPECT_EQ(to_text(parse_plan("connect@1-1=111")), "connect@1=ECONNREFUSED");
  EXPECT_EQ(to_text(parse_plan("connect[port=80,inet]@1=EINTR;poll@*=4")), "connect[inet,port=80]@1=EINTR poll@*=EINTR");
}

struct BadPlan {
  const char* text;
  std::size_t column;
  const char* says;
};
// gtest prints a case by this, not as its bytes.
void PrintTo(const BadPlan& c, std::ostream* os) { *os << "'" << c.text << "'"; }

class BadPlans : public ::testing::TestWithParam<BadPlan> {};

TEST_P(BadPlans, AreRejectedWithTheColumnAndWhatWasExpected) {
  const BadPlan& bad = GetParam();
  PlanError error;
  EXPECT_FALSE(parse_plan(bad.text, error).has_value());
  EXPECT_EQ(error.column, bad.column) << error.what();
  EXPECT_NE(error.message.find(bad.says), std::string::npos) << error.what();
  EXPECT_THROW(parse_plan(bad.text), PlanSyntaxError);
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadPlans,
    ::testing::Values(
        BadPlan{"", 1, "empty plan"}, BadPlan{"   ;; ", 7, "empty plan"},
        BadPlan{"conect@1=EINTR", 1, "did you mean connect?"}, BadPlan{"connect", 8, "'@N'"},
        BadPlan{"connect@", 9, "call index"}, BadPlan{"connect@0=EINTR", 9, "start at 1"},
        BadPlan{"connect@x=EINTR", 9, "call index"}, BadPlan{"connect@3-2=EINTR", 11, "ends before it starts"},
        BadPlan{"connect@1", 10, "expected '='"}, BadPlan{"connect@1=", 11, "errno name"},
        BadPlan{"connect@1=EINTRR", 11, "did you mean EINTR?"}, BadPlan{"connect@1=eintr", 11, "did you mean EINTR?"},
        BadPlan{"connect@1=99999", 11, "unknown errno '99999'"}, BadPlan{"connect%0=EINTR", 9, "from 1 to 100"},
        BadPlan{"connect%101=EINTR", 9, "at most 100"}, BadPlan{"connect%=EINTR", 9, "percentage"},
        BadPlan{"connect@1=ECONNREFUSED>ETIMEDOUT", 23, "follows connect@...=EINPROGRESS"},
        BadPlan{"poll@1=EINTR>ECONNREFUSED", 13, "follows connect"},
        BadPlan{"connect@1=EINPROGRESS>EINTR", 23, "final error"},
        BadPlan{"connect@1=EINPROGRESS>", 23, "errno name"},
        BadPlan{"connect[ipx]@1=EINTR", 9, "inside [...]"}, BadPlan{"connect[unix@1=EINTR", 13, "',' or ']'"},
        BadPlan{"connect[port=70000]@1=EINTR", 14, "at most 65535"},
        BadPlan{"connect@1=EINTR,poll@1=EINTR", 16, "space or ';'"}, BadPlan{"seed=7", 1, "at least one rule"},
        BadPlan{"connect@1=EINTR seed=x", 22, "seed"}, BadPlan{"connect@1=EINTR mode=fast", 22, "mode=realistic or mode=any"},
        BadPlan{"socket@1=EINPROGRESS", 10, "not a documented errno of socket"},
        BadPlan{"connect@1=ENOTTY", 11, "add mode=any"}, BadPlan{"connect@99999999999=EINTR", 9, "at most"},
        BadPlan{"@1=EINTR", 1, "call name"}, BadPlan{"connect@1=EINTR#", 16, "space or ';'"},
        // Actions: bad signals, bad delays, calls that cannot take them.
        BadPlan{"connect@1=!SIGFOO", 12, "unknown signal 'SIGFOO'"}, BadPlan{"connect@1=!", 12, "signal such as"},
        BadPlan{"connect@1=!0", 12, "unknown signal"}, BadPlan{"connect@1=!99", 12, "unknown signal"},
        BadPlan{"connect@1=!SIGKILL", 12, "cannot be caught"}, BadPlan{"connect@1=!SIGSTOP", 12, "cannot be caught"},
        BadPlan{"connect@1=-250ms", 11, "positive duration"}, BadPlan{"connect@1=+0ms", 12, "longer than 0"},
        BadPlan{"connect@1=+2h", 13, "unit (ns, us, ms or s)"}, BadPlan{"connect@1=+250", 15, "unit"},
        BadPlan{"connect@1=+3601s", 12, "at most an hour"}, BadPlan{"connect@1=+99999999999s", 12, "at most"},
        BadPlan{"connect@1=+ms", 12, "duration such as 250ms"},
        BadPlan{"getsockopt@1=CANCEL", 14, "not a cancellation point"},
        BadPlan{"socket@1=CANCEL", 10, "not a cancellation point"},
        BadPlan{"poll@1=CANCEL", 8, "planned on connect only, not on poll"},
        BadPlan{"close@1=!SIGALRM", 9, "planned on connect only"},
        BadPlan{"getpeername@1=+1s", 15, "not on getpeername"},
        BadPlan{"poll@1=+400ms", 14, "+DURATION>EINTR"},
        BadPlan{"connect@1=!SIGALRM>ECONNREFUSED", 19, "follows connect@...=EINPROGRESS"},
        BadPlan{"connect@1=+1s>EINTR", 15, "final error"},
        BadPlan{"poll@1=+1s>ENOTTY", 8, "not a documented errno of poll"}));

TEST(Plan, HoldsAtMostThirtyTwoRules) {
  std::string text;
  for (int i = 0; i < Plan::kMaxRules; ++i) text += "connect@" + std::to_string(i + 1) + "=EINTR ";
  EXPECT_EQ(parse_plan(text).rule_count, Plan::kMaxRules);
  PlanError error;
  EXPECT_FALSE(parse_plan(text + "poll@1=EINTR", error).has_value());
  EXPECT_NE(error.message.find("at most 32 rules"), std::string::npos);
}

}  // namespace
}  // namespace connfuzz::inject
