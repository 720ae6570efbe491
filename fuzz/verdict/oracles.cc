// The verdict engine on one fuzz input: the socket story, the leak, the documented errnos and the outcome rule.
#include "oracles.h"

#include <algorithm>

#include "actions.h"
#include "errno_table.h"
#include "event_line.h"
#include "socket_story.h"

namespace connfuzz::fuzz {
namespace {

using inject::Call;
using inject::ErrnoClass;
using inject::Event;
using inject::Mark;
using Events = std::span<const Event* const>;

std::string milliseconds(std::int64_t ns) { return std::to_string(ns / 1'000'000) + " ms"; }

std::string name(int err) {
  const char* n = inject::errno_name(err);
  return n ? n : std::to_string(err);
}

// How many "not yet" answers a caller must have sat through before giving up with ETIMEDOUT.
constexpr int kPatienceShown = 3;
// A timeout reported before this share of the promised deadline is early.
constexpr std::int64_t kDeadlineShareNumerator = 9, kDeadlineShareDenominator = 10;

// The error an event reports: errno of a failed call, or the pending error SO_ERROR read.
int reported_error(const Event& e) {
  if (e.call == Call::so_error) return e.err;
  return e.result < 0 ? e.err : 0;
}

std::optional<Finding> io_unconnected(Events events) {
  for (const Event* e : events) {
    if (!inject::is_io_call(e->call)) continue;
    bool unconnected = e->mark == Mark::Simulated ||
                       (e->mark == Mark::None && e->result < 0 &&
                        (e->err == ENOTCONN || e->err == EPIPE || e->err == EDESTADDRREQ));
    if (unconnected) return Finding{Verdict::io_unconnected, "a read or write on a socket with no connection: " + line_text(*e)};
  }
  return std::nullopt;
}

std::optional<Finding> socket_leak(const std::vector<int>& still_open) {
  if (still_open.empty()) return std::nullopt;
  return Finding{Verdict::socket_leak,
                 "socket " + std::to_string(still_open.front()) + " was opened during the input and never closed"};
}

std::optional<Finding> undocumented(Events events) {
  for (const Event* e : events) {
    if (e->mark != Mark::None || e->result >= 0) continue;
    if ((e->call == Call::connect || e->call == Call::socket) && inject::find_row(e->call, e->err) == nullptr)
      return Finding{Verdict::undocumented_errno, name(e->err) + " is documented by no source for " +
                                                      std::string(inject::call_name(e->call)) + ": " + line_text(*e)};
  }
  return std::nullopt;
}

// A connect that answers EALREADY, EISCONN or EINPROGRESS while an earlier attempt
// on the same socket is under way says "still connecting", whatever its row says.
bool continues_attempt(const Event& e, Events before) {
  if (e.call != Call::connect || (e.err != EALREADY && e.err != EISCONN && e.err != EINPROGRESS)) return false;
  return std::any_of(before.begin(), before.end(), [&](const Event* p) {
    return p->call == Call::connect && p->fd == e.fd && p->result < 0 &&
           (p->err == EINTR || p->err == EINPROGRESS || p->err == EALREADY);
  });
}

bool still_connecting(const Event& e, Events before) {
  const inject::ErrnoRow* row = inject::find_row(e.call, reported_error(e));
  return (row && row->klass == ErrnoClass::StillConnecting) || continues_attempt(e, before);
}

bool translates_to(int seen, int reported, std::span<const Translation> translations) {
  if (seen == reported) return true;
  return std::any_of(translations.begin(), translations.end(),
                     [&](const Translation& t) { return t.from_errno == seen && t.reported == reported; });
}

bool unbounded_rule_on(const inject::Plan& plan, Call call) {
  for (int i = 0; i < plan.rule_count; ++i) {
    const inject::Rule& r = plan.rules[i];
    if (r.call == call && (r.which == inject::Which::Every || r.last == inject::Rule::kOpenEnd)) return true;
  }
  return false;
}

// The target's calls of `call` ended in a run of injected failures, long enough to show
// patience: a storm that lasted as long as the target kept trying. Whether the rule ends
// later (send@1-127) or never, the target cannot tell.
bool storm_outlasted_target(Events events, Call call) {
  int run = 0;
  for (const Event* e : events)
    if (e->call == call) run = e->mark == Mark::Injected && e->result < 0 ? run + 1 : 0;
  return run >= kPatienceShown;
}

// What really held an attempt back, where loopback settles a connect before it returns:
// the plan's hold; a rule that answered a connect, its SO_ERROR or a wait (a slow
// network, a simulated attempt, an interrupted wait); a storm of failures on the I/O of
// a socket that connected (the greeting's send interrupted for as long as it tried). Not
// any fault anywhere: a failed epoll_ctl holds nothing back, it only keeps the caller
// from hearing the answer.
bool attempt_held_back(const InputRun& in) {
  if (in.plan.hold) return true;
  return std::any_of(in.events.begin(), in.events.end(), [&](const Event* e) {
    if (e->mark != Mark::Injected && e->mark != Mark::Simulated) return false;
    if (e->call == Call::connect || e->call == Call::so_error || inject::is_wait_call(e->call)) return true;
    return inject::is_io_call(e->call) && e->result < 0 &&
           (unbounded_rule_on(in.plan, e->call) || storm_outlasted_target(in.events, e->call));
  });
}

// Where the last attempt began: a target that tries every address opens a socket for each.
std::size_t last_attempt_start(Events events, std::size_t* attempts) {
  std::size_t start = 0;
  *attempts = 0;
  for (std::size_t i = 0; i < events.size(); ++i)
    if (events[i]->call == Call::socket) ++*attempts, start = i;
  return start;
}

// A failure the plan justifies: a final failure (not "still connecting", or any fault a
// mode=any plan made up) with the reported errno or its translation. A target that tries
// every address must have tried them all and failed the last one so, unless the error is
// out of resources, which a target may report at once (connect-contract.md).
bool failure_justified(const InputRun& in, int reported) {
  std::size_t attempts = 0;
  std::size_t last_start = last_attempt_start(in.events, &attempts);
  bool tried_all = attempts >= in.addresses_to_try;
  for (std::size_t i = 0; i < in.events.size(); ++i) {
    const Event& e = *in.events[i];
    int err = reported_error(e);
    if (err == 0 || !translates_to(err, reported, in.translations)) continue;
    bool impossible_fault = in.plan.mode == inject::Mode::Any && e.mark == Mark::Injected;
    if (still_connecting(e, in.events.first(i)) && !impossible_fault) continue;
    if (in.addresses_to_try <= 1 || inject::class_of(e.call, err) == ErrnoClass::OutOfResources) return true;
    if (tried_all && i >= last_start) return true;
  }
  return false;
}

// An errno no source documents for the call. SO_ERROR's value is a connect's outcome:
// what connect() itself is documented to fail with is documented there too.
bool undocumented_for(Call call, int err) {
  if (inject::find_row(call, err) != nullptr) return false;
  return call != Call::so_error || inject::find_row(Call::connect, err) == nullptr;
}

// mode=any also makes up errnos that no source documents for the call (socket()'s
// ENOPKG, or ENONET as SO_ERROR's value). A target's written convention (its
// translations) covers the documented errnos: a failure reported right after such a
// made-up errno, the last call that failed (or the last SO_ERROR that said why), is the
// target's own reading of it, whatever code it reports; unless a later connect or
// SO_ERROR said the attempt went well, or addresses were left to try.
bool ended_on_undocumented_errno(const InputRun& in) {
  if (in.plan.mode != inject::Mode::Any) return false;
  std::size_t attempts = 0;
  std::size_t last_start = last_attempt_start(in.events, &attempts);
  bool tried_all = attempts >= in.addresses_to_try;
  for (std::size_t i = in.events.size(); i-- > 0;) {
    const Event& e = *in.events[i];
    int err = reported_error(e);
    if (e.call == Call::close) continue;
    if (err == 0 && (e.call == Call::connect || e.call == Call::so_error)) return false;
    if (err == 0) continue;
    if (in.addresses_to_try > 1 && !(tried_all && i >= last_start)) return false;
    return e.mark == Mark::Injected && undocumented_for(e.call, err);
  }
  return false;
}

std::optional<Finding> false_success(const InputRun& in) {
  const int fd = in.result.fd;
  // The kernel may be done while connfuzz still holds the attempt (a slow network):
  // the target cannot have seen it connected yet.
  if (in.result_held)
    return Finding{Verdict::false_success, "the target reported a connection on fd " + std::to_string(fd) +
                                               " while its attempt was still in progress"};
  if (in.result_peer_errno != 0)
    return Finding{Verdict::false_success, "the target reported a connection on fd " + std::to_string(fd) +
                                               " but the kernel has none (getpeername: " + name(in.result_peer_errno) + ")"};
  return std::nullopt;
}

// A reported timeout: a finding, or nullopt with `fair` saying whether it was the
// caller's to report (a wait ran out, or "not yet" came back again and again).
std::optional<Finding> timeout_verdict(const InputRun& in, bool timed_out_wait, int not_yet, int failed_waits,
                                       const std::string& still, bool& fair) {
  fair = false;
  // A deadline can only pass while something holds the attempt back; otherwise the
  // target stopped listening for an answer that had come (or for the error it was given).
  if (in.deadline_ns > 0 && !attempt_held_back(in)) {
    auto missed = std::find_if(in.events.begin(), in.events.end(),
                               [](const Event* e) { return e->mark == Mark::Injected && e->result < 0; });
    return Finding{Verdict::missed_completion,
                   "the target reported a timeout, but nothing held its attempt back (loopback answers at once; no rule "
                   "delayed the connect or its waits)" +
                       (missed == in.events.end() ? "" : "; the error it did not report: " + line_text(**missed))};
  }
  // The deadline's time passed, however the target heard of it: a wait that ran out, or
  // one woken by a timer of its own (a timerfd in its epoll set, a timer thread).
  bool deadline_passed =
      in.deadline_ns > 0 && in.elapsed_ns >= in.deadline_ns * kDeadlineShareNumerator / kDeadlineShareDenominator;
  if (!timed_out_wait && not_yet < kPatienceShown && !deadline_passed) return std::nullopt;
  // Waits failing again and again without time passing (an EAGAIN storm) are a reason
  // to give up before the deadline; one interrupted wait is not.
  bool patient = not_yet >= kPatienceShown || failed_waits >= kPatienceShown;
  bool early = in.deadline_ns > 0 && !patient && !deadline_passed;
  fair = !early;
  if (fair) return std::nullopt;
  return Finding{Verdict::early_timeout, "the target reported a timeout after " + milliseconds(in.elapsed_ns) + " of its " +
                                             milliseconds(in.deadline_ns) + " deadline" +
                                             (still.empty() ? "" : "; it gave up at: " + still)};
}

// A bad-request errno of connect (connect-contract.md: EINVAL, EAFNOSUPPORT, ...).
bool calls_request_malformed(int err) {
  return err > 0 && inject::find_row(Call::connect, err) != nullptr &&
         inject::class_of(Call::connect, err) == ErrnoClass::BadRequest;
}

// A target that says no more than "failed" (a dial's -1 and errno) refused its input on
// its own when it failed before any connect() with an errno that calls the request
// malformed, or with its own code for one (a library's convention: GIO's
// G_IO_ERROR_INVALID_ARGUMENT is its EINVAL).
bool refused_before_connect(const InputRun& in) {
  bool connected_once = std::any_of(in.events.begin(), in.events.end(), [](const Event* e) { return e->call == Call::connect; });
  if (connected_once) return false;
  int reported = in.result.error.value();
  return calls_request_malformed(reported) ||
         std::any_of(in.translations.begin(), in.translations.end(), [&](const Translation& t) {
           return t.reported == reported && calls_request_malformed(t.from_errno);
         });
}

// A mode=any plan may make up "connected" itself: an EISCONN on the returned socket's
// last connect, injected or simulated from the made-up outcome it gave (EINTR>EISCONN). A caller that believes connect() is no worse for it; the lie
// was the plan's (realistic mode never tells it).
bool claim_made_up_by_plan(const InputRun& in) {
  if (in.plan.mode != inject::Mode::Any) return false;
  // Nor is a "still connecting" made up as SO_ERROR's value (EINTR, EINPROGRESS,
  // EALREADY: no kernel leaves one pending): a caller that waits again on that word is
  // then answered as a socket whose error was read, unconnected with SO_ERROR 0.
  if (std::any_of(in.events.begin(), in.events.end(), [&](const Event* e) {
        return e->call == Call::so_error && e->fd == in.result.fd && e->mark == Mark::Injected &&
               (e->err == EINTR || e->err == EINPROGRESS || e->err == EALREADY);
      }))
    return true;
  for (auto it = in.events.rbegin(); it != in.events.rend(); ++it)
    if ((*it)->call == Call::connect && (*it)->fd == in.result.fd)
      return ((*it)->mark == Mark::Injected || (*it)->mark == Mark::Simulated) && (*it)->result < 0 &&
             (*it)->err == EISCONN;
  return false;
}

// The outcome rule of DESIGN.md. nullopt: the outcome fits the plan; `at_deadline`
// says the target gave up because its own deadline had fairly passed.
std::optional<Finding> outcome(const InputRun& in, bool& at_deadline) {
  at_deadline = false;
  if (in.result.connected()) return claim_made_up_by_plan(in) ? std::nullopt : false_success(in);
  if (in.result.rejected_input) return std::nullopt;  // the caller's own check of its input
  if (refused_before_connect(in)) return std::nullopt;
  int reported = in.result.error.value();
  bool timed_out_wait = false;
  int not_yet = 0, failed_waits = 0;
  std::string still;
  for (std::size_t i = 0; i < in.events.size(); ++i) {
    const Event& e = *in.events[i];
    if (inject::is_wait_call(e.call) && e.result <= 0) timed_out_wait = true;  // ran out, or was interrupted
    if (inject::is_wait_call(e.call) && e.result < 0) ++failed_waits;
    if (reported_error(e) == 0 || !still_connecting(e, in.events.first(i))) continue;
    ++not_yet;
    if (still.empty()) still = line_text(e);
  }
  if (failure_justified(in, reported) || ended_on_undocumented_errno(in)) return std::nullopt;
  if (reported == ETIMEDOUT) {
    std::optional<Finding> f = timeout_verdict(in, timed_out_wait, not_yet, failed_waits, still, at_deadline);
    if (f || at_deadline) return f;
  }
  std::string how = in.result.message.empty() ? "" : " (" + in.result.message + ")";
  if (!still.empty())
    return Finding{Verdict::still_connecting_failure, "the target failed with " + name(reported) + how +
                                                          " while the attempt was still going on; first sign: " + still};
  std::size_t attempts = 0;
  last_attempt_start(in.events, &attempts);
  std::string tried = in.addresses_to_try > 1 && attempts < in.addresses_to_try
                          ? "; it tried " + std::to_string(attempts) + " of its " + std::to_string(in.addresses_to_try) +
                                " addresses"
                          : "";
  return Finding{Verdict::unexplained_failure, "the target failed with " + name(reported) + how +
                                                   ", which the plan did not make the last attempt's final error" + tried};
}

// The story of each socket (the rules the matrix applies to whole programs); there is
// no fault-free run here, so only the kernel's bad-descriptor answers are judged.
std::vector<Finding> story(Events events, const inject::Plan& plan) {
  StoryOptions options;
  options.any_mode = plan.mode == inject::Mode::Any;
  SocketStory follow(options);
  for (const Event* e : events) follow.see(inject::line_of(*e));
  return follow.take_findings();
}

void add(std::vector<Finding>& findings, std::optional<Finding> f) {
  if (f) findings.push_back(std::move(*f));
}

}  // namespace

// The shape of the answer: a descriptor, or no descriptor and the error that says why.
std::optional<Finding> broken_contract(const InputRun& in) {
  std::string what = in.broken_contract;
  if (what.empty() && in.result.connected() && in.result.error)
    what = "it returned descriptor " + std::to_string(in.result.fd) + " and an error (" + in.result.error.message() + ") together";
  if (what.empty() && !in.result.connected() && !in.result.error && !in.result.rejected_input)
    what = "it returned no descriptor and no error: its caller cannot tell why it failed";
  if (what.empty()) return std::nullopt;
  return Finding{Verdict::broken_contract, what};
}

std::vector<Finding> check_input(const InputRun& in) {
  std::vector<Finding> findings = story(in.events, in.plan);
  add(findings, broken_contract(in));
  add(findings, io_unconnected(in.events));
  add(findings, socket_leak(in.still_open));
  if (in.kernel) {
    add(findings, undocumented(in.events));
  } else {
    bool at_deadline = false;
    std::optional<Finding> out = outcome(in, at_deadline);
    // Giving up on an attempt once the deadline has passed is what a deadline is for.
    // (A wait the plan kept from working at all, the story itself excuses.)
    if (at_deadline) std::erase_if(findings, [](const Finding& f) { return f.verdict == Verdict::abandoned; });
    add(findings, std::move(out));
  }
  sort_worst_first(findings);
  // One line per verdict: the first call that shows it.
  auto same = [](const Finding& a, const Finding& b) { return a.verdict == b.verdict; };
  findings.erase(std::unique(findings.begin(), findings.end(), same), findings.end());
  return findings;
}

Finding spin_finding(std::uint32_t calls) {
  return Finding{Verdict::spin, "the target made " + std::to_string(calls) +
                                    " intercepted calls for one input: a retry without bound"};
}

Finding endless_loop_finding(std::uint32_t calls, std::int64_t let_run_ns, std::int64_t deadline_ns) {
  std::string after = std::to_string(calls) + " intercepted calls and " + std::to_string(let_run_ns / 1'000'000'000) +
                      " s of virtual time let run";
  if (deadline_ns <= 0) return Finding{Verdict::spin, "still calling after " + after + ": a retry without bound"};
  return Finding{Verdict::timeout_overrun, "still calling after " + after + ", far past its deadline of " +
                                               std::to_string(deadline_ns / 1'000'000) +
                                               " ms: nothing it does ends at its deadline"};
}

// Well past the deadline, so that a target that restarts its wait once or rounds its
// deadline up is not blamed, and the second covers deadlines of a few milliseconds:
// a wait past this is a timeout that is never reached, not a slow one.
constexpr std::int64_t kOverrunFactor = 2;
constexpr std::int64_t kOverrunSlackNs = 1'000'000'000;

std::int64_t overrun_limit_ns(std::int64_t deadline_ns) noexcept {
  return kOverrunFactor * deadline_ns + kOverrunSlackNs;
}

Finding overrun_finding(std::int64_t passed_ns, std::int64_t deadline_ns) {
  return Finding{Verdict::timeout_overrun, std::to_string(passed_ns / 1'000'000) +
                                               " ms of virtual time passed and the target, whose deadline is " +
                                               std::to_string(deadline_ns / 1'000'000) +
                                               " ms, was still waiting: a timeout that is never reached"};
}

Finding deadlock_finding(bool asleep_for_good, int cap_seconds) {
  std::string how = asleep_for_good
                        ? "sleeps on a futex with no timeout, as does every thread it started: nothing is left to wake it"
                        : "did not return within " + std::to_string(cap_seconds) + " s";
  return Finding{Verdict::deadlock_after_cancel, "after a thread was cancelled inside connect, the target's next call " +
                                                     how + " (the cancelled thread left a lock held)"};
}

bool cancelled_inside_connect(Events events) {
  return std::any_of(events.begin(), events.end(), [](const Event* e) {
    return e->call == Call::connect && e->mark == Mark::Injected && e->err == ECANCELED;
  });
}

std::string line_text(const Event& event) {
  char line[512];
  std::size_t n = inject::format_event(event, line, sizeof(line));
  while (n > 0 && line[n - 1] == '\n') --n;
  return std::string(line, n);
}

}  // namespace connfuzz::fuzz
