// Wrappers for the first exchange: read(), write(), send*(), sendmmsg(), recv*() on a socket.
//
// On a socket whose attempt is simulated, the answers are Linux's, measured on
// loopback: while connecting EAGAIN (a blocking call waits for the end); after a
// failure the pending error once, then end-of-file for reads and EPIPE for writes.
#include <signal.h>
#include <sys/uio.h>

#include <cstring>

#include "interpose.h"

using namespace connfuzz::inject;
using namespace connfuzz::inject::detail;

namespace {

enum class Direction { In, Out };

// Returns the synthesised result, or -2 when the kernel should answer.
long simulated_io(int fd, SocketInfo info, Direction direction, int flags, Event& ev) {
  Runtime& rt = runtime();
  if (info.phase == Phase::Held) {
    if (info.nonblocking) return finish(ev, -1, EAGAIN, Mark::Simulated);
    release_hold(fd, info);  // a blocking call waits, which ends the hold
    return -2;
  }
  if (info.phase == Phase::SimPending) {
    if (info.nonblocking || (flags & MSG_DONTWAIT)) return finish(ev, -1, EAGAIN, Mark::Simulated);
    rt.advance_clock_to(rt.sockets().due_ns(fd));
    complete_simulated(fd, info);
    info = rt.sockets().get(fd);
  }
  if (info.phase != Phase::Failed) return -2;
  if (info.pending_err) {
    int err = info.pending_err;
    info.pending_err = 0;
    rt.sockets().set(fd, info);
    return finish(ev, -1, err, Mark::Simulated);
  }
  if (direction == Direction::In) return finish(ev, 0, 0, Mark::Simulated);
  return -2;  // the real socket is unconnected: the kernel's EPIPE (and SIGPIPE) are the real ones
}

template <typename RealIo>
ssize_t io_common(Call call, int fd, size_t size, int flags, Direction direction, RealIo real_io) {
  Runtime& rt = runtime();
  SocketInfo info = rt.sockets().get(fd);
  if (info.phase == Phase::Untracked) return real_io();
  Decision d = rt.decide(call, facts_for(info));
  Event ev = begin_event(call, fd, d);
  LineBuilder(ev.args, sizeof(ev.args)).number(fd).text(", ").number(static_cast<long long>(size));
  if (d.fired()) return finish_injected(ev, d);
  if (d.rule >= 0) note_refusal(ev, d);
  if (info.is_simulated()) {
    long answered = simulated_io(fd, info, direction, flags, ev);
    if (answered != -2) return answered;
  }
  ssize_t result = real_io();
  return finish(ev, result, errno, d.rule >= 0 ? Mark::Refused : Mark::None);
}

// A datagram with a destination is a connect in disguise: the guard judges it.
// Returns the guard's answer, or -2 when the destination may reach the kernel.
long guard_destination(int fd, const sockaddr* addr, socklen_t len) {
  if (addr == nullptr) return -2;
  SocketInfo info = learn_socket(fd);
  GuardVerdict verdict =
      check_destination(info.phase == Phase::Untracked ? -1 : info.domain, addr, len, runtime().guard());
  if (verdict.allowed) return -2;
  Event ev = begin_event(Call::send, fd, Decision{});
  LineBuilder(ev.args, sizeof(ev.args)).number(fd);
  ev.set_address(addr, len, false);
  return finish(ev, -1, verdict.err, Mark::Guard, verdict.reason);
}

size_t iov_bytes(const msghdr* msg) {
  size_t total = 0;
  if (msg != nullptr)
    for (size_t i = 0; i < msg->msg_iovlen; ++i) total += msg->msg_iov[i].iov_len;
  return total;
}

// How many of sendmmsg's messages the guard lets through, up to the first it refuses
// (whose refusal it logs; `denied` is then its answer). The kernel sends at most
// UIO_MAXIOV messages a call, so no more are judged.
unsigned int guarded_prefix(int fd, const mmsghdr* msgs, unsigned int vlen, long& denied) {
  denied = -2;
  if (msgs == nullptr) return vlen;
  if (vlen > UIO_MAXIOV) vlen = UIO_MAXIOV;
  for (unsigned int i = 0; i < vlen; ++i) {
    const msghdr& m = msgs[i].msg_hdr;
    denied = guard_destination(fd, static_cast<const sockaddr*>(m.msg_name), m.msg_namelen);
    if (denied != -2) return i;
  }
  return vlen;
}

}  // namespace

extern "C" {

ssize_t read(int fd, void* buf, size_t n) {
  // A timerfd's expirations, counted so that its kernel timer can be moved without
  // reporting again the ones already read.
  if (runtime().timers().tracks(fd)) {
    ssize_t result = real().read(fd, buf, n);
    if (result == sizeof(std::uint64_t)) {
      std::uint64_t ticks;
      std::memcpy(&ticks, buf, sizeof(ticks));
      runtime().timers().count_read(fd, ticks);
    }
    return result;
  }
  return io_common(Call::read, fd, n, 0, Direction::In, [&] { return real().read(fd, buf, n); });
}
ssize_t __read_chk(int fd, void* buf, size_t n, size_t) { return read(fd, buf, n); }

ssize_t write(int fd, const void* buf, size_t n) {
  return io_common(Call::write, fd, n, 0, Direction::Out, [&] { return real().write(fd, buf, n); });
}

// glibc exports connect() under this name too (public, GLIBC_2.2.5): the same
// destination, so the same wrapper, guard and all.
int __connect(int fd, const sockaddr* addr, socklen_t len) { return connect(fd, addr, len); }

ssize_t send(int fd, const void* buf, size_t n, int flags) {
  return io_common(Call::send, fd, n, flags, Direction::Out, [&] { return real().send(fd, buf, n, flags); });
}

ssize_t sendto(int fd, const void* buf, size_t n, int flags, const sockaddr* addr, socklen_t len) {
  if (long denied = guard_destination(fd, addr, len); denied != -2) return denied;
  return io_common(Call::send, fd, n, flags, Direction::Out,
                   [&] { return real().sendto(fd, buf, n, flags, addr, len); });
}

ssize_t sendmsg(int fd, const msghdr* msg, int flags) {
  if (msg != nullptr) {
    long denied = guard_destination(fd, static_cast<const sockaddr*>(msg->msg_name), msg->msg_namelen);
    if (denied != -2) return denied;
  }
  return io_common(Call::send, fd, iov_bytes(msg), flags, Direction::Out,
                   [&] { return real().sendmsg(fd, msg, flags); });
}

// Each message may name its own destination. The kernel stops at a message that fails
// and reports the ones sent before it, or the failure when it is the first: a refused
// destination is such a failure, and nothing past it is sent.
int sendmmsg(int fd, mmsghdr* msgs, unsigned int vlen, int flags) {
  long denied;
  unsigned int allowed = guarded_prefix(fd, msgs, vlen, denied);
  if (allowed == 0 && denied != -2) return static_cast<int>(denied);
  size_t bytes = 0;
  for (unsigned int i = 0; msgs != nullptr && i < allowed; ++i) bytes += iov_bytes(&msgs[i].msg_hdr);
  return static_cast<int>(io_common(Call::send, fd, bytes, flags, Direction::Out,
                                    [&] { return real().sendmmsg(fd, msgs, allowed, flags); }));
}

ssize_t recv(int fd, void* buf, size_t n, int flags) {
  return io_common(Call::recv, fd, n, flags, Direction::In, [&] { return real().recv(fd, buf, n, flags); });
}
ssize_t __recv_chk(int fd, void* buf, size_t n, size_t, int flags) { return recv(fd, buf, n, flags); }

ssize_t recvfrom(int fd, void* buf, size_t n, int flags, sockaddr* addr, socklen_t* len) {
  return io_common(Call::recv, fd, n, flags, Direction::In,
                   [&] { return real().recvfrom(fd, buf, n, flags, addr, len); });
}
ssize_t __recvfrom_chk(int fd, void* buf, size_t n, size_t, int flags, sockaddr* addr, socklen_t* len) {
  return recvfrom(fd, buf, n, flags, addr, len);
}

ssize_t recvmsg(int fd, msghdr* msg, int flags) {
  return io_common(Call::recv, fd, iov_bytes(msg), flags, Direction::In,
                   [&] { return real().recvmsg(fd, msg, flags); });
}

}  // extern "C"
