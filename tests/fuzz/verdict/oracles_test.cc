// The verdict engine on one input: every rule on every input, the outcome rule for
// targets that try every address and for out-of-resources errors, and what may excuse
// a timeout.
#include <gtest/gtest.h>

#include <algorithm>

#include "calls.h"
#include "oracles.h"
#include "plan.h"

namespace connfuzz::fuzz {
namespace {

using inject::Call;
using testing::Calls;
using testing::failed_with;

// Asio's error convention, as the asio fuzzer registers it.
const Translation kAsioTranslations[] = {{EAGAIN, ENOBUFS}, {EPERM, EOPNOTSUPP}};


std::vector<std::string_view> names(const std::vector<Finding>& findings) {
  std::vector<std::string_view> out;
  for (const Finding& f : findings) out.push_back(f.name());
  return out;
}

struct Input {
  Calls calls;
  inject::Plan plan;
  targets::ConnectResult result;
  std::size_t addresses_to_try = 1;
  std::int64_t deadline_ns = 0, elapsed_ns = 0;
  bool asio = false;
  std::vector<Translation> translations;  // a target's own convention (asio: Asio's)
  std::vector<int> still_open;
  int result_peer_errno = 0;  // getpeername's answer on the returned socket (0: connected)
  std::vector<Finding> findings() const {
    InputRun run{result, calls.events(), plan};
    run.addresses_to_try = addresses_to_try;
    run.deadline_ns = deadline_ns;
    run.elapsed_ns = elapsed_ns;
    if (asio) run.translations = kAsioTranslations;
    if (!translations.empty()) run.translations = translations;
    run.still_open = still_open;
    run.result_peer_errno = result_peer_errno;
    return check_input(run);
  }
  std::vector<std::string_view> verdicts() const { return names(findings()); }
  void at_deadline() { deadline_ns = elapsed_ns = 2'000'000'000; }
};

// A close that failed and was closed again, a socket left open, and a failure no call
// explains: three verdicts, all reported (a documented one must not hide the others).
TEST(Oracles, AMalformedRequestMayBeRefusedBeforeAnyConnect) {
  Input refused;
  refused.result = failed_with(EAFNOSUPPORT);  // a dial that cannot use the family it was given
  EXPECT_TRUE(refused.verdicts().empty());
  Input gave_up;
  gave_up.result = failed_with(EAGAIN);  // nothing made it fail
  EXPECT_EQ(gave_up.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
  Input tried;
  tried.calls.socket(4).add(Call::connect, 4, 0).add(Call::close, 4, 0);
  tried.result = failed_with(EINVAL);  // after a connect that worked, EINVAL is no refusal of input
  EXPECT_EQ(tried.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
}

TEST(Oracles, AConnectionTheModeAnyPlanMadeUpIsNotTheTargetsFalseSuccess) {
  Input believed;
  believed.plan = inject::parse_plan("connect@1=EINTR connect@2=EISCONN mode=any hold");
  believed.calls.socket(4).injected(Call::connect, 4, EINTR).injected(Call::connect, 4, EISCONN);
  believed.result.fd = 4;
  believed.result_peer_errno = ENOTCONN;
  EXPECT_TRUE(believed.verdicts().empty());
  // The kernel's own answer, or a realistic plan: still judged by the kernel's state.
  Input realistic = believed;
  realistic.plan = inject::parse_plan("connect@1=EINTR hold");
  EXPECT_EQ(realistic.verdicts(), std::vector<std::string_view>{"false-success"});
}

TEST(Oracles, AStillConnectingSoErrorTheModeAnyPlanMadeUpIsNotTheTargetsFalseSuccess) {
  Input waited_again;
  waited_again.plan = inject::parse_plan("getsockopt.SO_ERROR@1=EINTR mode=any");
  waited_again.calls.socket(17).kernel_failed(Call::connect, 17, EINPROGRESS).injected(Call::so_error, 17, EINTR);
  waited_again.calls.add(Call::so_error, 17, 0, 0, inject::Mark::Simulated);
  waited_again.result.fd = 17;
  waited_again.result_peer_errno = ENOTCONN;
  EXPECT_TRUE(waited_again.verdicts().empty());
  // A failure's errno made up as SO_ERROR, or a realistic plan: still judged by the kernel's state.
  Input refused;
  refused.plan = inject::parse_plan("getsockopt.SO_ERROR@1=ECONNREFUSED mode=any");
  refused.result.fd = 17;
  refused.result_peer_errno = ENOTCONN;
  refused.calls.socket(17).kernel_failed(Call::connect, 17, EINPROGRESS).injected(Call::so_error, 17, ECONNREFUSED);
  refused.calls.add(Call::so_error, 17, 0, 0, inject::Mark::Simulated);
  EXPECT_EQ(refused.verdicts(), std::vector<std::string_view>{"false-success"});
  Input realistic = waited_again;
  realistic.plan = inject::parse_plan("getsockopt.SO_ERROR@1=ENOSR");
  EXPECT_EQ(realistic.verdicts(), std::vector<std::string_view>{"false-success"});
}

// A convention collapses errnos into a code of the target's own (hiredis: every socket()
// failure is REDIS_ERR_OTHER); its table lists the documented errnos, and a mode=any plan
// may make up one no source documents.
TEST(Oracles, AFailureRightAfterAnUndocumentedMadeUpErrnoIsTheTargetsReading) {
  Input made_up;
  made_up.plan = inject::parse_plan("socket@1=ENOPKG mode=any");
  made_up.calls.injected(Call::socket, -1, ENOPKG);
  made_up.result = failed_with(-2);  // the target's own code
  EXPECT_TRUE(made_up.verdicts().empty());
  // A documented errno needs its row; the kernel's own answer (no plan makes it up), or a
  // later failure of another call that the target reports, is judged as before.
  Input documented = made_up;
  documented.plan = inject::parse_plan("socket@1=EMFILE mode=any");
  documented.calls = Calls{};
  documented.calls.injected(Call::socket, -1, EMFILE);
  EXPECT_EQ(documented.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
  Input kernel = made_up;
  kernel.calls = Calls{};
  kernel.calls.kernel_failed(Call::socket, -1, ENOPKG);
  EXPECT_EQ(kernel.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
  Input later = made_up;
  later.calls.socket(5).add(Call::connect, 5, -1, ECONNREFUSED).add(Call::close, 5, 0);
  EXPECT_EQ(later.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
}

// An attempt whose SO_ERROR read `value`, marked `mark` (Mark::None: the kernel's own).
Input so_error_read(const char* plan, int value, inject::Mark mark) {
  Input in;
  in.plan = inject::parse_plan(plan);
  in.calls.socket(17).kernel_failed(Call::connect, 17, EINPROGRESS);
  in.calls.add(Call::so_error, 17, 0, value, mark).add(Call::close, 17, 0);
  in.result = failed_with(-1000);
  return in;
}

// The made-up errno may be SO_ERROR's value: getsockopt succeeds and says why the attempt
// failed (GLib then reports ENONET's text under its catch-all code).
TEST(Oracles, AFailureRightAfterAnUndocumentedMadeUpSoErrorIsTheTargetsReading) {
  constexpr auto kInjected = inject::Mark::Injected;
  Input made_up = so_error_read("getsockopt.SO_ERROR@1=ENONET mode=any", ENONET, kInjected);
  EXPECT_TRUE(made_up.verdicts().empty());
  // A documented value needs the target's convention to report it (an errno connect() is
  // documented to fail with is documented as SO_ERROR's value too); the kernel's own value
  // is judged as before.
  const std::vector<std::string_view> judged{"still-connecting-failure"};
  EXPECT_EQ(so_error_read("getsockopt.SO_ERROR@1=ENOSR mode=any", ENOSR, kInjected).verdicts(), judged);
  EXPECT_EQ(so_error_read("getsockopt.SO_ERROR@1=EAGAIN mode=any", EAGAIN, kInjected).verdicts(), judged);
  EXPECT_EQ(so_error_read("getsockopt.SO_ERROR@1=ENONET mode=any", ENONET, inject::Mark::None).verdicts(), judged);
  // Addresses left to try, or a later attempt that connected: the made-up errno is not
  // what the target ended on.
  Input left = made_up;
  left.addresses_to_try = 2;
  EXPECT_FALSE(left.verdicts().empty());
  Input later = made_up;
  later.calls.socket(18).add(Call::connect, 18, 0);
  EXPECT_FALSE(later.verdicts().empty());
}

TEST(Oracles, AnEndlessLoopBreaksTheDeadlineItHadOrNoneAtAll) {
  constexpr std::int64_t kHour = 3600'000'000'000;
  Finding with_deadline = endless_loop_finding(2100, kHour, 2'000'000'000);
  EXPECT_EQ(with_deadline.verdict, Verdict::timeout_overrun);
  EXPECT_NE(with_deadline.reason.find("deadline of 2000 ms"), std::string::npos) << with_deadline.reason;
  Finding without = endless_loop_finding(2100, kHour, 0);
  EXPECT_EQ(without.verdict, Verdict::spin);
  EXPECT_NE(without.reason.find("2100 intercepted calls and 3600 s"), std::string::npos) << without.reason;
}

TEST(Oracles, EveryRuleRunsOnEveryInput) {
  Input in;
  in.plan = inject::parse_plan("close@1=EAGAIN mode=any");
  in.result = failed_with(ECONNRESET);
  in.calls.socket(4).socket(5).add(Call::connect, 4, -1, ECONNREFUSED);
  in.calls.injected(Call::close, 4, EAGAIN).kernel_failed(Call::close, 4, EBADF);
  in.still_open = {5};
  EXPECT_EQ(in.verdicts(),
            (std::vector<std::string_view>{"bad-descriptor", "socket-leak", "unexplained-failure"}));
}

// posix_address_list's contract: each address in turn, the last error reported.
TEST(Oracles, AListTargetThatStopsAfterTheFirstRefusalIsCaught) {
  Input stops;
  stops.plan = inject::parse_plan("connect@1=ECONNREFUSED");
  stops.result = failed_with(ECONNREFUSED);
  stops.calls.socket(4).injected(Call::connect, 4, ECONNREFUSED).add(Call::close, 4, 0);
  stops.addresses_to_try = 2;
  std::vector<Finding> findings = stops.findings();
  ASSERT_EQ(names(findings), std::vector<std::string_view>{"unexplained-failure"});
  EXPECT_NE(findings.front().reason.find("it tried 1 of its 2 addresses"), std::string::npos) << findings.front().reason;

  // Trying the second address, refused for real, is what the contract asks.
  Input tries_all = stops;
  tries_all.calls.socket(5).kernel_failed(Call::connect, 5, ECONNREFUSED).add(Call::close, 5, 0);
  EXPECT_TRUE(tries_all.verdicts().empty());

  // A single-address target is held to the first address only.
  stops.addresses_to_try = 1;
  EXPECT_TRUE(stops.verdicts().empty());
}

TEST(Oracles, TheLastAttemptsErrorIsTheOneAListTargetReports) {
  Input wrong;
  wrong.plan = inject::parse_plan("connect@1=ENETUNREACH");
  wrong.result = failed_with(ENETUNREACH);  // the first address's error, not the last's
  wrong.calls.socket(4).injected(Call::connect, 4, ENETUNREACH).add(Call::close, 4, 0);
  wrong.calls.socket(5).kernel_failed(Call::connect, 5, ECONNREFUSED).add(Call::close, 5, 0);
  wrong.addresses_to_try = 2;
  EXPECT_EQ(wrong.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
}

// connect-contract.md: out of resources, fail cleanly with that error or retry with a
// bound. Giving up at once with it is allowed, even before the other addresses; giving
// up with another error is not.
TEST(Oracles, OutOfResourcesMayEndTheAttemptAtOnceWithThatError) {
  Input eagain;
  eagain.plan = inject::parse_plan("connect@1=EAGAIN");
  eagain.result = failed_with(EAGAIN);
  eagain.calls.socket(4).injected(Call::connect, 4, EAGAIN).add(Call::close, 4, 0);
  eagain.addresses_to_try = 2;
  EXPECT_TRUE(eagain.verdicts().empty());

  Input other = eagain;
  other.result = failed_with(ECONNREFUSED);
  EXPECT_EQ(other.verdicts(), std::vector<std::string_view>{"unexplained-failure"});

  // Asio's error convention, written down: EAGAIN from connect() arrives as ENOBUFS.
  Input asio = eagain;
  asio.result = failed_with(ENOBUFS);
  EXPECT_EQ(asio.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
  asio.asio = true;
  EXPECT_TRUE(asio.verdicts().empty());
}

Input timed_out_after(const char* plan_text, Call faulted, int err) {
  Input in;
  in.plan = inject::parse_plan(plan_text);
  in.result = failed_with(ETIMEDOUT);
  in.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS);
  in.calls.add(Call::poll, -1, 1);  // writable: the kernel had connected it
  in.calls.add(Call::so_error, 4, 0).injected(faulted, 4, err);
  in.calls.add(Call::poll, -1, 0).add(Call::close, 4, 0);
  return in;
}

// A timeout is excused only by what held this attempt back, not by any fault anywhere.
TEST(Oracles, OneInterruptedSendDoesNotExcuseAMissedCompletion) {
  Input once = timed_out_after("send@1=EINTR", Call::send, EINTR);
  once.at_deadline();
  EXPECT_EQ(once.verdicts(), std::vector<std::string_view>{"missed-completion"});

  // Every send interrupted, for ever: the greeting never goes out, as a slow peer would.
  Input storm = timed_out_after("send@1-=EINTR", Call::send, EINTR);
  storm.at_deadline();
  EXPECT_TRUE(storm.verdicts().empty());
}

TEST(Oracles, AStormThatOutlastsTheTargetsRetriesHoldsItBackThoughItWouldEndLater) {
  // send@1-127=EINTR and a target that gives up after four interrupted sends (libFuzzer, posix).
  Input storm = timed_out_after("send@1-127=EINTR", Call::send, EINTR);
  for (int i = 0; i < 3; ++i) storm.calls.injected(Call::send, 4, EINTR);
  storm.at_deadline();
  EXPECT_TRUE(storm.verdicts().empty());
  // Two interrupted sends, then one that went out: no storm held it back.
  Input brief = timed_out_after("send@1-127=EINTR", Call::send, EINTR);
  brief.calls.injected(Call::send, 4, EINTR).add(Call::send, 4, 1);
  brief.at_deadline();
  EXPECT_EQ(brief.verdicts(), std::vector<std::string_view>{"missed-completion"});
}

TEST(Oracles, AFailedEpollCtlHoldsNothingBack) {
  Input in;
  in.plan = inject::parse_plan("epoll_ctl@1=ENOMEM");
  in.result = failed_with(ETIMEDOUT);
  in.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS).injected(Call::epoll_ctl, 3, ENOMEM);
  in.calls.add(Call::epoll_wait, 3, 0).add(Call::close, 4, 0);
  in.at_deadline();
  EXPECT_EQ(in.verdicts(), std::vector<std::string_view>{"missed-completion"});
  // A delayed connect does hold it back: then the deadline is fair.
  Input delayed;
  delayed.plan = inject::parse_plan("connect@1=+3s");
  delayed.result = failed_with(ETIMEDOUT);
  delayed.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS, inject::Mark::Injected);
  delayed.calls.add(Call::poll, -1, 0).add(Call::close, 4, 0);
  delayed.at_deadline();
  EXPECT_TRUE(delayed.verdicts().empty());
}

// A deadline kept by a timer of the target's own (a timerfd in its epoll set): the wait
// returns the timer's event, not a timeout, and the deadline's time has passed. Before
// its time, the same timer event is a haste the outcome rule still names.
TEST(Oracles, ADeadlineKeptByATimerOfItsOwnIsFair) {
  Input timer;
  timer.plan = inject::parse_plan("connect@1=+3s");
  timer.result = failed_with(ETIMEDOUT);
  timer.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS, inject::Mark::Injected);
  timer.calls.add(Call::epoll_ctl, 3, 0).add(Call::epoll_wait, 3, 1).add(Call::close, 4, 0);
  Input early = timer;
  early.deadline_ns = 2'000'000'000;
  early.elapsed_ns = 500'000'000;
  timer.at_deadline();
  EXPECT_TRUE(timer.verdicts().empty());
  EXPECT_EQ(early.verdicts(), std::vector<std::string_view>{"still-connecting-failure"});
}

// The matrix's rules run on fuzz inputs too: a connect again on a refused socket.
TEST(Oracles, TheSocketStoryRunsOnFuzzInputs) {
  Input again;
  again.result = failed_with(ECONNREFUSED);
  again.calls.socket(4).kernel_failed(Call::connect, 4, ECONNREFUSED).kernel_failed(Call::connect, 4, ECONNREFUSED);
  again.calls.add(Call::close, 4, 0);
  EXPECT_EQ(again.verdicts(), std::vector<std::string_view>{"reuse-after-failure"});
}

// An attempt that ended out of resources (SO_ERROR read EAGAIN) may be tried again on
// the same socket, as a refused one may not (connect-contract.md's classes).
TEST(Oracles, AnAttemptThatEndedOutOfResourcesMayBeRetriedOnItsSocket) {
  Input eagain;
  eagain.result = failed_with(ECONNREFUSED);
  eagain.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS).add(Call::so_error, 4, 0, EAGAIN);
  eagain.calls.kernel_failed(Call::connect, 4, ECONNREFUSED).add(Call::close, 4, 0);
  EXPECT_TRUE(eagain.verdicts().empty());
  Input refused;
  refused.result = failed_with(ECONNREFUSED);
  refused.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS).add(Call::so_error, 4, 0, ECONNREFUSED);
  refused.calls.kernel_failed(Call::connect, 4, ECONNREFUSED).add(Call::close, 4, 0);
  EXPECT_EQ(refused.verdicts(), std::vector<std::string_view>{"reuse-after-failure"});
}

// A caller that closes an attempt right after EINTR gives up on a connection that was
// coming, even when a later attempt's refusal explains its failure; one that gives up
// once its deadline has passed does what a deadline is for.
TEST(Oracles, AbandonedIsJudgedWithTheOutcome) {
  Input closes;
  closes.plan = inject::parse_plan("connect@1=EINTR");
  closes.result = failed_with(EINTR);
  closes.calls.socket(4).injected(Call::connect, 4, EINTR).add(Call::close, 4, 0);
  EXPECT_EQ(closes.verdicts(),
            (std::vector<std::string_view>{"still-connecting-failure", "abandoned"}));

  Input justified;
  justified.plan = inject::parse_plan("connect@1=EINTR>ECONNREFUSED");
  justified.result = failed_with(ECONNREFUSED);
  justified.calls.socket(4).injected(Call::connect, 4, EINTR).add(Call::close, 4, 0);
  justified.calls.socket(5).kernel_failed(Call::connect, 5, ECONNREFUSED).add(Call::close, 5, 0);
  EXPECT_EQ(justified.verdicts(), std::vector<std::string_view>{"abandoned"});

  Input deadline;
  deadline.plan = inject::parse_plan("connect@1=+3s poll@1-=EINTR");
  deadline.result = failed_with(ETIMEDOUT);
  deadline.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS, inject::Mark::Injected);
  for (int i = 0; i < 3; ++i) deadline.calls.injected(Call::poll, -1, EINTR);
  deadline.calls.add(Call::close, 4, 0);
  deadline.at_deadline();
  EXPECT_TRUE(deadline.verdicts().empty());
}

// Giving up after signals that keep coming is patience (the same three the timeout
// rule asks for); after one interrupted wait it is haste.
TEST(Oracles, AbandonedAfterAStormOfInterruptedWaitsIsPatience) {
  Input storm;
  storm.plan = inject::parse_plan("poll@*=EINTR");
  storm.result = failed_with(EINTR);
  storm.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS);
  for (int i = 0; i < 3; ++i) storm.calls.injected(Call::poll, -1, EINTR);
  storm.calls.add(Call::close, 4, 0);
  std::vector<std::string_view> after_storm = storm.verdicts();
  EXPECT_EQ(std::count(after_storm.begin(), after_storm.end(), "abandoned"), 0);

  Input once;
  once.plan = inject::parse_plan("poll@1=EINTR");
  once.result = failed_with(EINTR);
  once.calls.socket(4).add(Call::connect, 4, -1, EINPROGRESS).injected(Call::poll, -1, EINTR).add(Call::close, 4, 0);
  std::vector<std::string_view> verdicts = once.verdicts();
  EXPECT_EQ(std::count(verdicts.begin(), verdicts.end(), "abandoned"), 1);
}

// mode=any makes up "still connecting" where the kernel could not say it (a datagram
// socket); a caller that takes it for a failure and closes is clean, as the outcome
// rule already holds. The same in realistic mode is abandoned.
TEST(Oracles, AMadeUpStillConnectingIsNoAttemptToAbandon) {
  Input made_up;
  made_up.plan = inject::parse_plan("connect@1=EINPROGRESS mode=any");
  made_up.result = failed_with(EINPROGRESS);
  made_up.calls.socket(4).injected(Call::connect, 4, EINPROGRESS).add(Call::close, 4, 0);
  EXPECT_TRUE(made_up.verdicts().empty());
  made_up.plan = inject::parse_plan("connect@1=EINPROGRESS");
  std::vector<std::string_view> verdicts = made_up.verdicts();
  EXPECT_EQ(std::count(verdicts.begin(), verdicts.end(), "abandoned"), 1);
}

// A wait the plan kept from being set up for this socket (before or after its connect)
// justifies giving up on it.
TEST(Oracles, AWaitThatCouldNotBeSetUpJustifiesClosing) {
  Input in;
  in.plan = inject::parse_plan("epoll_ctl@1=EPERM");
  in.result = failed_with(EOPNOTSUPP);
  in.asio = true;
  in.calls.socket(4).injected(Call::epoll_ctl, 3, EPERM).add(Call::connect, 4, -1, EINPROGRESS).add(Call::close, 4, 0);
  EXPECT_TRUE(in.verdicts().empty());
}

}  // namespace
}  // namespace connfuzz::fuzz

// A library with codes of its own (GIO's G_IO_ERROR codes, curl's CURLcodes; here -1013
// for EINVAL): its code for a bad request before any connect is a refusal of its input,
// and an errno no source documents (mode=any made it up) has no row to hold it to (main's
// ended_on_undocumented_errno, which the curl and glib fuzzers needed as well).
namespace connfuzz::fuzz {
namespace {
constexpr int kOwnInvalid = -1013, kOwnCouldntConnect = -7;

TEST(Oracles, ALibrarysOwnCodeForABadRequestBeforeAnyConnectIsARefusal) {
  Input refused;
  refused.translations = {{EINVAL, kOwnInvalid}};
  refused.result = failed_with(kOwnInvalid);
  EXPECT_TRUE(refused.verdicts().empty());
  // One detail off: a code that is no bad request's, or after a connect.
  Input other_code = refused;
  other_code.translations = {{ECONNREFUSED, kOwnInvalid}};
  EXPECT_EQ(other_code.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
  Input after_connect = refused;
  after_connect.calls.socket(4).add(Call::connect, 4, 0).add(Call::close, 4, 0);
  EXPECT_EQ(after_connect.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
}

TEST(Oracles, AnUndocumentedErrnoTheModeAnyPlanMadeUpHasNoTranslationToKeep) {
  Input made_up;
  made_up.plan = inject::parse_plan("socket@1=EKEYEXPIRED mode=any");
  made_up.calls.injected(Call::socket, -1, EKEYEXPIRED);
  made_up.translations = {{EMFILE, kOwnCouldntConnect}};
  made_up.result = failed_with(kOwnCouldntConnect);
  EXPECT_TRUE(made_up.verdicts().empty());
  // A documented errno keeps its row: reported otherwise, it is unexplained.
  Input documented = made_up;
  documented.plan = inject::parse_plan("socket@1=ENFILE mode=any");
  documented.calls = Calls();
  documented.calls.injected(Call::socket, -1, ENFILE);
  EXPECT_EQ(documented.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
  // Realistic mode never makes one up: the kernel's own undocumented errno is the target's to report.
  Input kernels = made_up;
  kernels.plan = inject::Plan{};
  kernels.calls = Calls();
  kernels.calls.kernel_failed(Call::socket, -1, EKEYEXPIRED);
  EXPECT_EQ(kernels.verdicts(), std::vector<std::string_view>{"unexplained-failure"});
}
}  // namespace
}  // namespace connfuzz::fuzz

// The simulation's answers after a made-up "still connecting" are made up too: a
// re-connect after mode=any's EINTR on a non-blocking socket gets a simulated EALREADY,
// and closing then abandons no attempt (GIO's g_socket_connect retries after EINTR).
namespace connfuzz::fuzz {
namespace {
TEST(Oracles, WhatFollowsAMadeUpStillConnectingIsMadeUpToo) {
  Input made_up;
  made_up.plan = inject::parse_plan("connect@1=EINTR mode=any");
  made_up.result = failed_with(EALREADY);
  made_up.calls.socket(4).injected(Call::connect, 4, EINTR);
  made_up.calls.add(Call::connect, 4, -1, EALREADY, inject::Mark::Simulated).add(Call::close, 4, 0);
  std::vector<std::string_view> any = made_up.verdicts();
  EXPECT_EQ(std::count(any.begin(), any.end(), "abandoned"), 0);
  // In realistic mode the same story abandons the attempt the EINTR left going.
  made_up.plan = inject::parse_plan("connect@1=EINTR");
  std::vector<std::string_view> realistic = made_up.verdicts();
  EXPECT_EQ(std::count(realistic.begin(), realistic.end(), "abandoned"), 1);
}
}  // namespace
}  // namespace connfuzz::fuzz
