// The socket-by-socket rules of the verdict engine, read off event lines (a log's text or the in-process log).
#include "socket_story.h"

#include "actions.h"
#include "errno_table.h"

namespace connfuzz::fuzz {
namespace {

using inject::Call;
using inject::class_of;
using inject::ErrnoClass;
using inject::EventLine;
using inject::LineMark;


// Interrupted waits in a row after which giving up is patience, not haste: signals that
// keep coming are a reason to stop (the outcome rule asks the same of a timeout).
constexpr unsigned kPatienceShown = 3;

bool malformed(int err) { return err == EINVAL || err == EFAULT || err == EAFNOSUPPORT; }
bool not_a_descriptor(int err) { return err == EBADF || err == ENOTSOCK; }

std::string call_text(const EventLine& e) { return std::string(inject::call_name(e.call)) + "#" + std::to_string(e.index); }
std::string errno_text(int err) {
  const char* name = inject::errno_name(err);
  return name ? name : std::to_string(err);
}

// A fault that keeps a wait from being set up or from working at all (an ENOMEM on
// epoll_ctl, an EINVAL from poll): a caller that gives up then has the plan's reason.
bool wait_setup_failure(const EventLine& e) {
  if (!e.failed() || e.mark != LineMark::injected || e.err == EINTR) return false;
  return e.call == Call::epoll_ctl || inject::is_wait_call(e.call);
}

}  // namespace

void SocketStory::see(const EventLine& e) {
  Waits& waits = waits_[e.pid];
  if (wait_setup_failure(e)) ++waits.setup_failures;
  if (e.call == Call::socket) {
    note_work(e);
    if (e.result >= 0) {
      Socket fresh{Socket::Phase::fresh, false, false, call_text(e)};
      fresh.setup_failures_before = waits.setup_failures;
      sockets_[{e.pid, e.fd}] = fresh;
    }
    check_kernel_error(e);
    return;
  }
  auto key = std::make_pair(e.pid, e.fd);
  auto it = sockets_.find(key);
  bool wait_interrupted = waits.last_interrupted;
  unsigned interrupted_in_a_row = waits.interrupted_in_a_row;
  if (inject::is_wait_call(e.call)) {
    waits.last_interrupted = e.failed() && e.err == EINTR;
    waits.interrupted_in_a_row = waits.last_interrupted ? waits.interrupted_in_a_row + 1 : 0;
    ++waits.count;
  } else if (e.call != Call::close) {
    waits.last_interrupted = false;
    waits.interrupted_in_a_row = 0;
  }
  if (e.call == Call::close) {
    on_close(e, it, waits, wait_interrupted && interrupted_in_a_row < kPatienceShown);
    return;
  }
  check_kernel_error(e);
  if (e.fd < 0) return;
  if (e.call == Call::connect) note_work(e);
  if (it == sockets_.end()) it = sockets_.emplace(key, Socket{}).first;
  Socket& s = it->second;
  s.said_pending = e.call == Call::connect && e.failed() && class_of(Call::connect, e.err) == ErrnoClass::StillConnecting;
  s.waits_before = waits.count;
  switch (e.call) {
    case Call::connect: on_connect(e, s); break;
    case Call::so_error:
      if (e.err == 0 && e.result == 0 && s.phase == Socket::Phase::pending) connected(s);
      // The pending error is the attempt's end; out of resources may be retried (connect-contract.md).
      else if (e.err != 0) failed(s, e, class_of(Call::connect, e.err) != ErrnoClass::OutOfResources);
      break;
    case Call::getpeername:
      if (e.result == 0) connected(s);
      break;
    default:
      if (inject::is_io_call(e.call)) on_io(e, s);
      break;
  }
}

void SocketStory::on_close(const EventLine& e, std::map<std::pair<long, int>, Socket>::iterator it, Waits& waits,
                           bool wait_interrupted) {
  if (it != sockets_.end()) {
    // The attempt goes on after EINTR or EINPROGRESS: closing before any wait,
    // SO_ERROR or getpeername has said how it ended, or right after an interrupted
    // wait, throws away an attempt that may well succeed. Unless the plan kept the
    // wait from working at all since the socket was made (an epoll_ctl that could not
    // add it): then giving up is what the plan asked for.
    const Socket& s = it->second;
    bool unwaited = s.said_pending && s.waits_before == waits.count && s.phase == Socket::Phase::pending;
    bool justified = waits.setup_failures > s.setup_failures_before;
    if (options_.sees_waits && s.phase == Socket::Phase::pending && (unwaited || wait_interrupted) && !justified &&
        !s.made_up_pending)
      add(Verdict::abandoned, call_text(e) + " closed fd " + std::to_string(e.fd) + " right after " +
                                  (unwaited ? s.failed_by : std::string("an interrupted wait")) +
                                  ", while its attempt was still going on");
    sockets_.erase(it);
  }
  check_kernel_error(e);
}

void SocketStory::on_connect(const EventLine& e, Socket& s) {
  if (s.final_failure)
    add(Verdict::reuse_after_failure, call_text(e) + " on fd " + std::to_string(e.fd) + " after " + s.failed_by +
                                          " (a failed socket's state is unspecified: retry on a new one)");
  if (e.result == 0 || e.err == EISCONN) {
    connected(s);
  } else if (e.failed()) {
    ErrnoClass klass = class_of(Call::connect, e.err);
    if (klass == ErrnoClass::StillConnecting) {
      s.phase = Socket::Phase::pending;
      // Maybe no attempt at all: a mode=any fault, or the simulation's answer that
      // follows one (EALREADY after a made-up EINTR) is made up as much.
      s.made_up_pending = options_.any_mode && (e.mark == LineMark::injected ||
                                                (e.mark == LineMark::simulated && s.made_up_pending));
      s.failed_by = call_text(e) + " said " + errno_text(e.err);
    } else if (!not_a_descriptor(e.err)) {
      failed(s, e, klass != ErrnoClass::OutOfResources);
    }
  }
}

void SocketStory::on_io(const EventLine& e, Socket& s) {
  // A failure the kernel (or connfuzz standing in for it) gave, not the fault itself:
  // EAGAIN or ENOTCONN from a socket still connecting is the sign of writing too early.
  bool unconfirmed = s.phase == Socket::Phase::pending && e.failed() && e.mark != LineMark::injected && e.err != EINTR;
  if (s.phase == Socket::Phase::failed || unconfirmed)
    add(Verdict::io_unconnected, call_text(e) + " on fd " + std::to_string(e.fd) + " after " + s.failed_by +
                                     (s.phase == Socket::Phase::failed ? "" : ", before the attempt was seen to succeed"));
  else if (s.phase == Socket::Phase::pending && e.result > 0)
    connected(s);  // the kernel took the data: the attempt had succeeded
}

// A new socket or a connect: the program goes on working, so a failed socket it still
// holds is no longer one that exit is about to close.
void SocketStory::note_work(const EventLine& e) {
  for (auto& [key, s] : sockets_)
    if (key.first == e.pid && key.second != e.fd && s.phase == Socket::Phase::failed) s.went_on_after_failure = true;
}

void SocketStory::connected(Socket& s) {
  s.phase = Socket::Phase::connected;
  s.final_failure = false;
  saw_connection_ = true;
}

void SocketStory::failed(Socket& s, const EventLine& e, bool final_failure) {
  s.phase = Socket::Phase::failed;
  s.final_failure = final_failure;
  s.went_on_after_failure = false;
  s.failed_by = call_text(e) + (e.call == Call::so_error ? " read " : " failed with ") + errno_text(e.err);
}

// The kernel's own answers that show the program misusing a call: not injected, not
// simulated, and not something the fault-free run did as well.
void SocketStory::check_kernel_error(const EventLine& e) {
  if (!e.failed() || e.mark != LineMark::none || !options_.judge_kernel_errors) return;
  if (options_.baseline_errors == nullptr) {
    // No fault-free run to compare with: only what is never the input's doing.
    if (not_a_descriptor(e.err) && e.call != Call::so_error)
      add(Verdict::bad_descriptor, call_text(e) + (e.fd >= 0 ? " on fd " + std::to_string(e.fd) : "") + ": the kernel says " +
                                       errno_text(e.err) + ", a descriptor that is not an open socket");
    return;
  }
  if (options_.baseline_errors->count({e.call, e.err})) return;
  if (not_a_descriptor(e.err))
    add(Verdict::bad_descriptor, call_text(e) + (e.fd >= 0 ? " on fd " + std::to_string(e.fd) : "") + ": " +
                                     errno_text(e.err) + ", a descriptor that is not an open socket");
  else if (malformed(e.err))
    add(Verdict::misuse, call_text(e) + ": the kernel answered " + errno_text(e.err) + ", which the fault-free run never got");
}

void SocketStory::judge_leaks(bool exited_cleanly) {
  for (const auto& [key, s] : sockets_)
    if (s.phase == Socket::Phase::failed && (s.went_on_after_failure || exited_cleanly))
      add(Verdict::socket_leak, "fd " + std::to_string(key.second) + (s.created_by.empty() ? "" : " (" + s.created_by + ")") +
                                    ": " + s.failed_by + " and it was never closed" +
                                    (s.went_on_after_failure ? ", while the program went on" : ""));
}

}  // namespace connfuzz::fuzz
