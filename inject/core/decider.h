// Which calls a plan makes fail: the counters and the rule matching, the same for
// every backend (the preload layer in the program, the seccomp supervisor outside it).
// Installing is not thread-safe; deciding is, and is async-signal-safe.
#pragma once

#include <csignal>
#include <cstdint>

#include <sys/socket.h>

#include "plan.h"
#include "shared_counter.h"
#include "socket_table.h"

namespace connfuzz::inject {

// What could make a blocking call fail with EINTR (signal(7)): realistic mode's test
// for an EINTR, as bits of Facts::interrupters.
enum Interrupter : std::uint8_t {
  kCaughtSignal = 1 << 0,          // the program has a handler for a signal that can come while it waits
  kCaughtWithoutRestart = 1 << 1,  // ... and one such handler lacks SA_RESTART
  kSendTimeout = 1 << 2,           // the socket has SO_SNDTIMEO
  kReceiveTimeout = 1 << 3,        // the socket has SO_RCVTIMEO
};
// Signal sig as bit sig-1, as the kernel's masks (/proc/PID/status SigCgt) have it.
constexpr std::uint64_t signal_bit(int sig) noexcept { return std::uint64_t{1} << (sig - 1); }
// Signals that a fault of the running thread raises. A thread blocked in a call runs
// no instruction, so their handlers (a sanitizer's, a crash reporter's) interrupt none.
inline constexpr std::uint64_t kFaultSignals = signal_bit(SIGSEGV) | signal_bit(SIGBUS) | signal_bit(SIGFPE) |
                                               signal_bit(SIGILL) | signal_bit(SIGTRAP) | signal_bit(SIGSYS) |
                                               signal_bit(SIGABRT);

// For a caller that cannot know the program's handlers: as if it caught a signal
// without SA_RESTART, so that every EINTR the socket's state allows stays possible.
inline constexpr std::uint8_t kHandlersUnknown = kCaughtSignal | kCaughtWithoutRestart;

// What a call is about, for matching rule filters and realistic-mode states.
struct Facts {
  int family = -1;            // the destination's family for connect, else the socket's domain
  int type = 0;               // SOCK_STREAM, SOCK_DGRAM
  int port = -1;              // the destination port, when there is one
  std::uint16_t state = 0;    // When bits that hold now
  // connect: the kernel has ended the attempt the socket's state calls pending (loopback
  // answers at once), though the program has not yet heard how.
  bool attempt_over = false;
  std::uint8_t interrupters = kHandlersUnknown;  // Interrupter bits that hold now
  // A wait with a zero timeout: it does not block. epoll_wait then returns before it
  // looks for a signal (ep_poll's timed_out), so no signal interrupts it.
  bool wait_does_not_block = false;
};

struct Decision {
  std::uint32_t index = 0;  // this call's number among its kind
  int rule = -1;            // the rule that fired, or -1
  Action action = Action::errno_value;
  int err = 0;
  int eventual = 0;
  int signal = 0;
  std::int64_t delay_ns = 0;
  bool refused = false;  // a rule fired but realistic mode does not allow it here
  const char* why = nullptr;  // why it was refused (kNotRealistic, or a reason of its own)
  bool fired() const noexcept { return rule >= 0 && !refused; }
};

// The When bits that hold for a socket in this state (realistic mode's test).
inline std::uint16_t state_bits(const SocketInfo& s) noexcept {
  std::uint16_t bits = s.nonblocking ? Nonblocking : Blocking;
  if (s.domain == AF_INET || s.domain == AF_INET6) bits |= Inet;
  if (s.domain == AF_UNIX) bits |= Unix;
  if (s.type == SOCK_STREAM || s.type == SOCK_SEQPACKET) bits |= Stream;
  if (s.phase == Phase::Connecting || s.phase == Phase::Held || s.phase == Phase::SimPending) bits |= Pending;
  if (s.phase == Phase::Connected) bits |= Connected;
  return bits;
}

// The destination port of an AF_INET or AF_INET6 address long enough to hold one, else -1.
int destination_port(const sockaddr* addr, socklen_t len) noexcept;
// Why realistic mode declined a planned fault, as the log says it after the rule.
inline constexpr const char* kNotRealistic = "the kernel cannot return this here (realistic mode)";
inline constexpr const char* kNoHandler = "no signal handler is installed: Linux cannot return EINTR here";
inline constexpr const char* kEveryHandlerRestarts = "every signal handler has SA_RESTART: Linux restarts this call";
inline constexpr const char* kWaitDoesNotBlock = "a zero timeout: epoll_wait returns without looking for a signal";

// Why Linux cannot end `call` with EINTR given what could interrupt it, or nullptr
// when it can.
const char* why_no_eintr(Call call, std::uint8_t interrupters) noexcept;

class Decider {
 public:
  void install(const Plan& plan);  // and start counting again
  void reset_counts() noexcept;
  Decision decide(Call call, const Facts& facts) noexcept;

  const Plan& plan() const noexcept { return plan_; }
  const char* rule_text(int rule) const noexcept { return rule >= 0 ? rule_texts_[rule] : ""; }

 private:
  Plan plan_;
  char rule_texts_[Plan::kMaxRules][96] = {};
  // Each rule's realistic When bits, worked out once: [0] on a blocking socket, [1] a non-blocking one.
  std::uint16_t rule_when_[Plan::kMaxRules][2] = {};
  SharedCounter rule_counts_[Plan::kMaxRules];
  SharedCounter call_counts_[kCallCount];
};

}  // namespace connfuzz::inject
