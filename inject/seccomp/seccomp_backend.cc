// The seccomp filter, its install in the child, and the supervisor that answers each notification.
#include "seccomp_backend.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "decider.h"
#include "event_log.h"
#include "guard.h"

#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif
// Linux 6.6; Debian 12's headers (6.1) do not have them yet.
#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

namespace connfuzz::tools {

using inject::Call;
using inject::Decision;
using inject::Event;
using inject::Facts;
using inject::LineBuilder;
using inject::Mark;

bool seccomp_intercepts(Call call) noexcept {
  return call == Call::socket || call == Call::connect || call == Call::close;
}

SeccompFilter::SeccompFilter() {
  scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);  // other architectures: killed (fail-closed)
  if (ctx == nullptr) throw std::runtime_error("seccomp_init failed");
  bool ok = seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(socket), 0) == 0 &&
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(connect), 0) == 0 &&
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(close), 0) == 0 &&
            // Sends that may name a destination, for the guard: sendto only with one
            // (send() is sendto with none), sendmsg and sendmmsg always (it is in memory).
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendto), 1, SCMP_A4(SCMP_CMP_NE, 0)) == 0 &&
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendmsg), 0) == 0 &&
            seccomp_rule_add(ctx, SCMP_ACT_NOTIFY, SCMP_SYS(sendmmsg), 0) == 0 &&
            // An io_uring connect never passes through a syscall filter: none for it.
            seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(io_uring_setup), 0) == 0;
  int memfd = ok ? memfd_create("connfuzz-seccomp", MFD_CLOEXEC) : -1;
  ok = memfd >= 0 && seccomp_export_bpf(ctx, memfd) == 0;
  seccomp_release(ctx);
  struct stat st{};
  if (ok && fstat(memfd, &st) == 0 && st.st_size > 0 && st.st_size % sizeof(sock_filter) == 0) {
    program_.resize(static_cast<std::size_t>(st.st_size) / sizeof(sock_filter));
    ok = pread(memfd, program_.data(), static_cast<std::size_t>(st.st_size), 0) == st.st_size;
  } else {
    ok = false;
  }
  if (memfd >= 0) close(memfd);
  if (!ok) throw std::runtime_error("libseccomp could not build the filter");
}

int SeccompFilter::load_in_child() const noexcept {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
  sock_fprog prog{static_cast<unsigned short>(program_.size()), const_cast<sock_filter*>(program_.data())};
  long fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
  return fd < 0 ? -errno : static_cast<int>(fd);
}

// What the supervisor knows: one decider per process (indexes count per process, as
// in the preload layer), each process's pidfd, the log.
struct SeccompSupervisor::State {
  int listener = -1;
  int child = -1;
  int log_fd = -1;
  std::uint32_t budget = 0;
  std::uint32_t events = 0;
  inject::Plan plan;
  inject::GuardConfig guard;
  struct Process {
    int tgid = 0;
    int pidfd = -1;
    int socket_high_water = 0;  // descriptors below have been sockets: a failed close there is logged
    inject::Decider decider;    // indexes count per process, as in the preload layer
  };
  std::map<int, std::unique_ptr<Process>> processes;  // by process id
  std::map<int, int> process_of_thread;

  ~State() {
    for (auto& [pid, p] : processes)
      if (p->pidfd >= 0) close(p->pidfd);
    if (log_fd >= 0) close(log_fd);
    if (listener >= 0) close(listener);
  }

  Process& process(int tid) {
    auto known = process_of_thread.find(tid);
    int tgid = tid;
    if (known != process_of_thread.end()) {
      tgid = known->second;
    } else {
      std::ifstream status("/proc/" + std::to_string(tid) + "/status");
      for (std::string line; std::getline(status, line);)
        if (line.rfind("Tgid:", 0) == 0) tgid = std::atoi(line.c_str() + 5);
      process_of_thread[tid] = tgid;
    }
    std::unique_ptr<Process>& p = processes[tgid];
    if (!p) {
      p = std::make_unique<Process>();
      p->tgid = tgid;
      p->pidfd = static_cast<int>(syscall(SYS_pidfd_open, tgid, 0));
      p->decider.install(plan);
    }
    return *p;
  }

  void log(Event& e, int tgid, long result, int err, Mark mark, const char* note) {
    e.pid = tgid;
    e.result = result;
    e.err = result < 0 ? err : 0;
    e.mark = mark;
    if (note) LineBuilder(e.note, sizeof(e.note)).text(note);
    char line[512];
    std::size_t n = inject::format_event(e, line, sizeof(line));
    if (log_fd >= 0) (void)!write(log_fd, line, n);
    if (budget > 0 && ++events == budget) {
      char text[128];
      std::size_t n = inject::format_budget_exhausted(events, text, sizeof(text));
      if (log_fd >= 0) (void)!write(log_fd, text, n);
      kill(-child, SIGKILL);
    }
  }

  // What went wrong in connfuzz itself, on a line of its own in the log (the matrix
  // reads events only) and on stderr; `err` 0: no errno to add. Allocates nothing.
  void say(const char* what, int err) const noexcept {
    char line[256];
    LineBuilder text(line, sizeof(line));
    text.text("connfuzz: seccomp supervisor: ").text(what);
    if (err != 0) {
      text.text(": ");
      if (const char* name = strerrorname_np(err)) text.text(name);
      else text.text("errno ").number(err);
    }
    text.text("\n");
    if (log_fd >= 0) (void)!write(log_fd, line, text.size());
    (void)!write(2, line, text.size());
  }

  // Gives up answering, loudly: closing the listener answers every call the filter
  // holds, and every later one, with ENOSYS, so the program fails instead of hanging.
  void detach(const char* why, int err) noexcept {
    say(why, err);
    say("every intercepted call fails with ENOSYS from now on", 0);
    if (listener >= 0) close(listener);
    listener = -1;
  }
};

namespace {

using State = SeccompSupervisor::State;

Event event_for(Call call, int fd, const Decision& d) {
  Event e;
  e.call = call;
  e.index = d.index;
  e.fd = fd;
  return e;
}

// As the preload layer says it: which rule, and why it did not fire.
void note_refusal(Event& e, const Decision& d, const inject::Decider& decider, const char* why = nullptr) {
  if (why == nullptr) why = d.why != nullptr ? d.why : inject::kNotRealistic;
  if (d.rule >= 0 && d.refused) LineBuilder(e.note, sizeof(e.note)).text(decider.rule_text(d.rule)).text(": ").text(why);
}

int int_option(int fd, int name) {
  int value = -1;
  socklen_t len = sizeof(value);
  return getsockopt(fd, SOL_SOCKET, name, &value, &len) == 0 ? value : -1;
}

// The socket as the preload layer would have recorded it, asked of the kernel; a
// pending attempt cannot be told from here.
Facts facts_of_socket(int fd) {
  Facts f;
  f.family = int_option(fd, SO_DOMAIN);
  f.type = int_option(fd, SO_TYPE);
  inject::SocketInfo info;
  info.domain = static_cast<std::uint8_t>(f.family);
  info.type = static_cast<std::uint8_t>(f.type);
  int flags = fcntl(fd, F_GETFL);
  info.nonblocking = flags >= 0 && (flags & O_NONBLOCK);
  sockaddr_storage peer{};
  socklen_t len = sizeof(peer);
  info.phase = getpeername(fd, reinterpret_cast<sockaddr*>(&peer), &len) == 0 ? inject::Phase::Connected : inject::Phase::Fresh;
  f.state = inject::state_bits(info);
  return f;
}

// Whether the plan has an EINTR for `call`: only then is it worth asking what could
// interrupt the program.
bool plans_eintr(const inject::Plan& plan, Call call) {
  for (int i = 0; i < plan.rule_count; ++i)
    if (plan.rules[i].call == call && (plan.rules[i].err == EINTR || plan.rules[i].eventual == EINTR)) return true;
  return false;
}

// The signals the process catches, as the kernel keeps them (SigCgt), or all when
// /proc cannot tell.
std::uint64_t caught_signals(int tgid) {
  std::ifstream status("/proc/" + std::to_string(tgid) + "/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("SigCgt:", 0) == 0) return std::strtoull(line.c_str() + 7, nullptr, 16);
  return ~std::uint64_t{0};
}

bool has_timeout(int fd, int option) {
  timeval timeout{};
  socklen_t length = sizeof(timeout);
  return getsockopt(fd, SOL_SOCKET, option, &timeout, &length) == 0 && (timeout.tv_sec != 0 || timeout.tv_usec != 0);
}

// What could make the program's call fail with EINTR (decider.h). The supervisor sees
// which signals the program catches but not its handlers' flags: with any handler it
// takes SA_RESTART as unknown and allows every EINTR the socket's state allows; with
// none, only what a stop and SIGCONT can do (a socket with a timeout).
std::uint8_t interrupters_of(int tgid, int fd) {
  std::uint8_t bits = (caught_signals(tgid) & ~inject::kFaultSignals) ? inject::kHandlersUnknown : 0;
  if (has_timeout(fd, SO_SNDTIMEO)) bits |= inject::kSendTimeout;
  if (has_timeout(fd, SO_RCVTIMEO)) bits |= inject::kReceiveTimeout;
  return bits;
}

// A relative AF_UNIX path means the program's working directory, not connfuzz's. A
// length past sockaddr_un is the kernel's EINVAL: left as it is, and never read past
// the buffer (the program's length may be anything up to 4 GiB).
void resolve_unix_path(sockaddr_storage& a, socklen_t& len, int tid) {
  auto& un = reinterpret_cast<sockaddr_un&>(a);
  static_assert(sizeof(sockaddr_un) <= sizeof(sockaddr_storage));
  if (a.ss_family != AF_UNIX || len <= offsetof(sockaddr_un, sun_path) || len > sizeof(sockaddr_un) ||
      un.sun_path[0] == '/' || un.sun_path[0] == '\0')
    return;
  std::string path(un.sun_path, strnlen(un.sun_path, len - offsetof(sockaddr_un, sun_path)));
  std::string absolute = "/proc/" + std::to_string(tid) + "/cwd/" + path;
  if (absolute.size() >= sizeof(un.sun_path)) return;  // the kernel will say ENOENT or ENAMETOOLONG for it
  std::memcpy(un.sun_path, absolute.c_str(), absolute.size() + 1);
  len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + absolute.size() + 1);
}

bool read_child(pid_t pid, std::uint64_t from, void* to, std::size_t n) {
  iovec local{to, n}, remote{reinterpret_cast<void*>(from), n};
  return n == 0 || process_vm_readv(pid, &local, 1, &remote, 1, 0) == static_cast<ssize_t>(n);
}

// Where a send's destinations are in the program's memory: sendto's in its arguments,
// sendmsg's and sendmmsg's in each msghdr. False when a msghdr cannot be read (the
// kernel's EFAULT for that message); `out` then holds those of the messages before it.
bool send_destinations(const seccomp_notif& req, std::vector<std::pair<std::uint64_t, socklen_t>>& out) {
  const auto* args = req.data.args;
  auto pid = static_cast<pid_t>(req.pid);
  if (req.data.nr == SYS_sendto) {
    out.emplace_back(args[4], static_cast<socklen_t>(args[5]));
    return true;
  }
  // The kernel sends at most UIO_MAXIOV messages a call.
  std::size_t count = req.data.nr == SYS_sendmsg ? 1 : std::min<std::uint64_t>(static_cast<unsigned>(args[2]), UIO_MAXIOV);
  std::size_t stride = req.data.nr == SYS_sendmsg ? sizeof(msghdr) : sizeof(mmsghdr);
  for (std::size_t i = 0; i < count; ++i) {
    msghdr m{};
    if (!read_child(pid, args[1] + i * stride, &m, sizeof(m))) return false;
    out.emplace_back(reinterpret_cast<std::uint64_t>(m.msg_name), m.msg_namelen);
  }
  return true;
}

// The messages sendmmsg would have sent before a refused one, copied out of the
// program: names (relative AF_UNIX paths made absolute), bytes, control data.
struct MessagePrefix {
  std::vector<mmsghdr> msgs;
  std::vector<sockaddr_storage> names;
  std::vector<std::vector<iovec>> iovs;
  // One per iovec, owning what iovs point to: a deque, because growing a vector would
  // move short strings' bytes out from under those pointers.
  std::deque<std::string> bytes;
  std::vector<std::string> controls;
};

// Message i of sendmmsg's vector, copied into `p` with all it points to; why not when
// it cannot be copied faithfully. Descriptors and credentials in control data name the
// program's, not the supervisor's; `total` bounds the bytes copied over the messages.
const char* copy_message(pid_t pid, std::uint64_t msgvec, unsigned i, MessagePrefix& p, std::size_t& total) {
  constexpr std::size_t kMaxBytes = 1 << 20;
  msghdr& m = p.msgs[i].msg_hdr;
  if (!read_child(pid, msgvec + i * sizeof(mmsghdr), &m, sizeof(m))) return "unreadable memory";
  if (m.msg_iovlen > UIO_MAXIOV) return "more iovecs than UIO_MAXIOV";
  if (m.msg_name != nullptr) {
    // The program's length is kept: past sockaddr_storage it is the kernel's EINVAL.
    socklen_t len = m.msg_namelen;
    std::size_t n = std::min<std::size_t>(len, sizeof(sockaddr_storage));
    if (!read_child(pid, reinterpret_cast<std::uint64_t>(m.msg_name), &p.names[i], n)) return "unreadable memory";
    resolve_unix_path(p.names[i], len, static_cast<int>(pid));
    m.msg_name = &p.names[i];
    m.msg_namelen = len;
  }
  p.iovs[i].resize(m.msg_iovlen);
  if (!read_child(pid, reinterpret_cast<std::uint64_t>(m.msg_iov), p.iovs[i].data(), m.msg_iovlen * sizeof(iovec)))
    return "unreadable memory";
  m.msg_iov = p.iovs[i].data();
  for (iovec& v : p.iovs[i]) {
    if (v.iov_len > kMaxBytes - total) return "more than 1 MiB";
    total += v.iov_len;
    std::string& b = p.bytes.emplace_back(v.iov_len, '\0');
    if (!read_child(pid, reinterpret_cast<std::uint64_t>(v.iov_base), b.data(), b.size())) return "unreadable memory";
    v.iov_base = b.data();
  }
  if (m.msg_controllen == 0) {
    m.msg_control = nullptr;
    return nullptr;
  }
  if (m.msg_controllen > kMaxBytes - total) return "more than 1 MiB";
  total += m.msg_controllen;
  p.controls[i].assign(m.msg_controllen, '\0');
  if (!read_child(pid, reinterpret_cast<std::uint64_t>(m.msg_control), p.controls[i].data(), m.msg_controllen))
    return "unreadable memory";
  m.msg_control = p.controls[i].data();
  for (cmsghdr* c = CMSG_FIRSTHDR(&m); c != nullptr; c = CMSG_NXTHDR(&m, c))
    if (c->cmsg_level == SOL_SOCKET && (c->cmsg_type == SCM_RIGHTS || c->cmsg_type == SCM_CREDENTIALS))
      return "SCM_RIGHTS or SCM_CREDENTIALS";
  return nullptr;
}

// Sends `resp`; a call whose process was interrupted or is gone (ENOENT) needs no answer.
void answer(State& s, const seccomp_notif_resp& resp) {
  if (ioctl(s.listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) != 0 && errno != ENOENT)
    s.say("cannot answer an intercepted call (SECCOMP_IOCTL_NOTIF_SEND)", errno);
}

// Puts connfuzz's socket into the program as the answer to its socket() call; when the
// program cannot take it (EMFILE under its RLIMIT_NOFILE), socket() fails with that
// errno instead, as the kernel's own socket() would.
void hand_over(State& s, State::Process& proc, const seccomp_notif& req, int fd, int type, Event& e, Mark mark,
               seccomp_notif_resp& resp) {
  seccomp_notif_addfd add{};
  add.id = req.id;
  add.flags = SECCOMP_ADDFD_FLAG_SEND;
  add.srcfd = static_cast<std::uint32_t>(fd);
  add.newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0;
  int theirs = ioctl(s.listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
  int err = errno;
  close(fd);
  if (theirs >= 0) {
    if (theirs + 1 > proc.socket_high_water) proc.socket_high_water = theirs + 1;
    s.log(e, proc.tgid, theirs, 0, mark, nullptr);
    return;
  }
  if (err == ENOENT) {  // the call is gone (a signal interrupted it, or the process died)
    s.log(e, proc.tgid, -1, EINTR, mark, "the call was gone before connfuzz's socket could be handed over");
    return;
  }
  resp.error = -err;
  answer(s, resp);
  s.log(e, proc.tgid, -1, err, mark,
        "connfuzz's socket could not be installed in the program (SECCOMP_IOCTL_NOTIF_ADDFD)");
}

// socket(): the plan's fault, or a socket of connfuzz's own handed over; true when answered.
bool serve_socket(State& s, State::Process& proc, const seccomp_notif& req, seccomp_notif_resp& resp) {
  const auto* args = req.data.args;
  int domain = static_cast<int>(args[0]), type = static_cast<int>(args[1]), protocol = static_cast<int>(args[2]);
  Decision d = proc.decider.decide(Call::socket, Facts{domain, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), -1, 0});
  Event e = event_for(Call::socket, -1, d);
  LineBuilder(e.args, sizeof(e.args)).socket_args(domain, type, protocol);
  note_refusal(e, d, proc.decider);
  if (d.fired()) {
    resp.error = -d.err;
    s.log(e, proc.tgid, -1, d.err, Mark::Injected, proc.decider.rule_text(d.rule));
    return false;
  }
  Mark mark = d.rule >= 0 ? Mark::Refused : Mark::None;
  int fd = socket(domain, type, protocol);
  if (fd < 0) {
    int err = errno;
    resp.error = -err;
    s.log(e, proc.tgid, -1, err, mark, nullptr);
    return false;
  }
  hand_over(s, proc, req, fd, type, e, mark, resp);
  return true;
}

// close(): let through; logged when it is a socket's (a fault on it is beyond this backend).
void serve_close(State& s, State::Process& proc, int fd, int copy, seccomp_notif_resp& resp) {
  struct stat st{};
  if (copy < 0) {
    resp.error = -EBADF;
    if (fd >= 0 && fd < proc.socket_high_water) {
      Event e = event_for(Call::close, fd, Decision{});
      LineBuilder(e.args, sizeof(e.args)).number(fd);
      s.log(e, proc.tgid, -1, EBADF, Mark::None, nullptr);
    }
    return;
  }
  resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  if (fstat(copy, &st) != 0 || !S_ISSOCK(st.st_mode)) return;  // not a socket: none of connfuzz's business
  Facts facts = facts_of_socket(copy);
  if (plans_eintr(proc.decider.plan(), Call::close)) facts.interrupters = interrupters_of(proc.tgid, copy);
  Decision d = proc.decider.decide(Call::close, facts);
  Event e = event_for(Call::close, fd, d);
  LineBuilder(e.args, sizeof(e.args)).number(fd);
  // Linux frees the descriptor whatever close() returns, and only the program
  // can close its own: a fault on close is beyond this backend.
  sockaddr_storage peer{};
  socklen_t peer_len = sizeof(peer);
  if (getpeername(copy, reinterpret_cast<sockaddr*>(&peer), &peer_len) == 0) {
    char line[96];
    std::size_t n = inject::format_connected_note("close", fd, line, sizeof(line));
    if (s.log_fd >= 0) (void)!write(s.log_fd, line, n);
  }
  if (d.fired()) d.refused = true;
  note_refusal(e, d, proc.decider, "the seccomp backend cannot fail a close it lets happen");
  s.log(e, proc.tgid, 0, 0, d.rule >= 0 ? Mark::Refused : Mark::None, nullptr);
}

// The real connect on the shared socket, after the guard; for a still-connecting
// fault, the real attempt started first, then the fault said.
void connect_for_real(State& s, State::Process& proc, const Decision& d, int copy, sockaddr_storage& addr,
                      socklen_t len, bool has_address, int domain, Event& e, Mark mark, seccomp_notif_resp& resp,
                      int tid) {
  resolve_unix_path(addr, len, tid);
  const sockaddr* to = has_address ? reinterpret_cast<sockaddr*>(&addr) : nullptr;
  inject::GuardVerdict verdict = inject::check_destination(domain, to, len, s.guard);
  if (!verdict.allowed) {
    resp.error = -verdict.err;
    s.log(e, proc.tgid, -1, verdict.err, Mark::Guard, verdict.reason);
    return;
  }
  if (!d.fired()) {
    int result = connect(copy, to, len);
    int err = errno;
    resp.error = result < 0 ? -err : 0;
    s.log(e, proc.tgid, result, err, mark, nullptr);
    return;
  }
  int flags = fcntl(copy, F_GETFL);
  if (!(flags & O_NONBLOCK)) fcntl(copy, F_SETFL, flags | O_NONBLOCK);
  int result = connect(copy, to, len);
  int err = errno;
  if (result < 0 && err == EINPROGRESS) {
    pollfd w{copy, POLLOUT, 0};
    poll(&w, 1, 1000);  // bounded: a loopback handshake takes microseconds
  }
  if (!(flags & O_NONBLOCK)) fcntl(copy, F_SETFL, flags);
  if (result < 0 && err != EINPROGRESS) {
    resp.error = -err;
    s.log(e, proc.tgid, -1, err, Mark::Refused, "the real attempt failed at once");
  } else {
    resp.error = -d.err;
    s.log(e, proc.tgid, -1, d.err, Mark::Injected, proc.decider.rule_text(d.rule));
  }
}

// connect(): the address read from the program (no more than our buffer holds), the
// plan's decision, then a final fault, or the guard and the real call.
void serve_connect(State& s, State::Process& proc, const seccomp_notif& req, int copy, seccomp_notif_resp& resp) {
  const auto* args = req.data.args;
  int fd = static_cast<int>(args[0]);
  sockaddr_storage addr{};
  auto len = static_cast<socklen_t>(args[2]);
  std::size_t n = std::min<std::size_t>(len, sizeof(addr));
  iovec local{&addr, n}, remote{reinterpret_cast<void*>(args[1]), n};
  bool readable = args[1] == 0 || n == 0 ||
                  process_vm_readv(static_cast<pid_t>(req.pid), &local, 1, &remote, 1, 0) == static_cast<ssize_t>(n);
  Facts facts = copy >= 0 ? facts_of_socket(copy) : Facts{};
  int domain = facts.family;  // the socket's; -1: no socket, the kernel says so
  if (n >= sizeof(sa_family_t)) facts.family = addr.ss_family;
  facts.port = inject::destination_port(reinterpret_cast<const sockaddr*>(&addr), static_cast<socklen_t>(n));
  if (copy >= 0 && plans_eintr(proc.decider.plan(), Call::connect)) facts.interrupters = interrupters_of(proc.tgid, copy);
  Decision d = proc.decider.decide(Call::connect, facts);
  Event e = event_for(Call::connect, fd, d);
  LineBuilder(e.args, sizeof(e.args)).number(fd);
  e.set_address(args[1] ? reinterpret_cast<sockaddr*>(&addr) : nullptr, len, true);
  bool still_connecting = d.err == EINTR || d.err == EINPROGRESS || d.err == EALREADY;
  Mark mark = d.rule >= 0 ? Mark::Refused : Mark::None;
  note_refusal(e, d, proc.decider);
  if (d.fired() && still_connecting && d.eventual != 0) {
    d.refused = true;
    note_refusal(e, d, proc.decider, "the seccomp backend cannot keep a failing outcome (its waits are the kernel's)");
  }
  if (copy < 0) {
    resp.error = -EBADF;
    s.log(e, proc.tgid, -1, EBADF, mark, nullptr);
  } else if (!readable) {
    resp.error = -EFAULT;
    s.log(e, proc.tgid, -1, EFAULT, mark, nullptr);
  } else if (d.fired() && !still_connecting) {
    resp.error = -d.err;  // a final answer: nothing reaches the kernel
    s.log(e, proc.tgid, -1, d.err, Mark::Injected, proc.decider.rule_text(d.rule));
  } else {
    connect_for_real(s, proc, d, copy, addr, len, args[1] != 0, domain, e, mark, resp, static_cast<int>(req.pid));
  }
}

// A copy of the program's descriptor (pidfd_getfd), closed however the call's handling
// ends: connfuzz's bookkeeping may throw.
struct Copy {
  int fd = -1;
  int err = 0;  // why there is none: pidfd_getfd's errno, ESRCH when the process has no pidfd
  Copy(const State::Process& proc, int target) {
    if (proc.pidfd < 0) {
      err = ESRCH;
      return;
    }
    fd = static_cast<int>(syscall(SYS_pidfd_getfd, proc.pidfd, target, 0));
    err = fd < 0 ? errno : 0;
  }
  ~Copy() {
    if (fd >= 0) close(fd);
  }
  Copy(const Copy&) = delete;
  Copy& operator=(const Copy&) = delete;
};

// Where a send stops short of the kernel: the first message whose destination the guard
// refuses, or whose header or destination cannot be read (the kernel's EFAULT there).
struct SendStop {
  std::size_t at = 0;
  int err = 0;  // 0: nothing stops it
  Mark mark = Mark::None;
  const char* why = nullptr;
  sockaddr_storage addr{};
  socklen_t len = 0;  // 0: no destination to show
};

SendStop judge_send(const State& s, const seccomp_notif& req, int domain) {
  std::vector<std::pair<std::uint64_t, socklen_t>> destinations;
  bool complete = send_destinations(req, destinations);
  auto pid = static_cast<pid_t>(req.pid);
  SendStop stop;
  for (; stop.at < destinations.size(); ++stop.at) {
    auto [where, len] = destinations[stop.at];
    if (where == 0) continue;
    stop.addr = {};
    if (!read_child(pid, where, &stop.addr, std::min<std::size_t>(len, sizeof(stop.addr)))) {
      stop.err = EFAULT;
      stop.why = "its destination could not be read";
      return stop;
    }
    resolve_unix_path(stop.addr, len, static_cast<int>(pid));
    auto verdict = inject::check_destination(domain, reinterpret_cast<sockaddr*>(&stop.addr), len, s.guard);
    if (verdict.allowed) continue;
    stop.err = verdict.err;
    stop.mark = Mark::Guard;
    stop.why = verdict.reason;
    stop.len = len;
    return stop;
  }
  if (!complete) {
    stop.err = EFAULT;
    stop.why = "its message header could not be read";
  }
  return stop;
}

// Why the `count` messages before a stop cannot be sent as the kernel would have sent
// them; nullptr: copied into `p`. Each destination is judged again on the copy, which
// is what gets sent: the program may have rewritten it since.
const char* copy_prefix(const State& s, const seccomp_notif& req, int domain, unsigned count, MessagePrefix& p) {
  p.msgs.resize(count);
  p.names.resize(count);
  p.iovs.resize(count);
  p.controls.resize(count);
  std::size_t total = 0;
  for (unsigned i = 0; i < count; ++i) {
    if (const char* why = copy_message(static_cast<pid_t>(req.pid), req.data.args[1], i, p, total)) return why;
    const msghdr& m = p.msgs[i].msg_hdr;
    if (m.msg_name != nullptr &&
        !inject::check_destination(domain, static_cast<const sockaddr*>(m.msg_name), m.msg_namelen, s.guard).allowed)
      return "one changed after it was judged";
  }
  return nullptr;
}

// The messages before the stop, sent on connfuzz's copy of the socket; the program's
// sendmmsg then answers with their count, or with the errno of sending them.
void send_prefix(State& s, State::Process& proc, const seccomp_notif& req, int copy, MessagePrefix& p,
                 seccomp_notif_resp& resp) {
  int fd = static_cast<int>(req.data.args[0]);
  int flags = static_cast<int>(req.data.args[3]);
  auto count = static_cast<unsigned>(p.msgs.size());
  int sent = sendmmsg(copy, p.msgs.data(), count, flags | MSG_NOSIGNAL);
  int err = errno;
  // The kernel's SIGPIPE is the program's, not connfuzz's: sent on to the caller.
  if (sent < 0 && err == EPIPE && !(flags & MSG_NOSIGNAL))
    syscall(SYS_tgkill, proc.tgid, static_cast<pid_t>(req.pid), SIGPIPE);
  resp.error = sent < 0 ? -err : 0;
  resp.val = sent < 0 ? 0 : sent;
  Event e = event_for(Call::send, fd, Decision{});
  LineBuilder(e.args, sizeof(e.args)).number(fd);
  s.log(e, proc.tgid, sent, err, Mark::None,
        sent < 0 ? "connfuzz's send of the messages before the refused one failed"
                 : "the messages before the refused one, sent by connfuzz");
}

// sendto with a destination, sendmsg, sendmmsg: on to the kernel when no destination
// stops them, else answered here as the kernel answers a message that fails (sendmmsg's
// messages before it sent first; none when they cannot be copied faithfully). The
// kernel reads the program's memory again: a program that rewrote its address
// meanwhile would pass, which the private network namespace stops.
void serve_send(State& s, State::Process& proc, const seccomp_notif& req, const Copy& copy, seccomp_notif_resp& resp) {
  if (copy.fd < 0 && copy.err != EBADF) {
    // Without the socket its destinations cannot be judged: fail closed.
    resp.error = -ENOMEM;
    s.say("a send fails with ENOMEM: its socket could not be copied to judge it (pidfd_getfd)", copy.err);
    return;
  }
  int domain = copy.fd >= 0 ? int_option(copy.fd, SO_DOMAIN) : -1;
  resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
  if (domain < 0) return;  // no socket there: the kernel says EBADF or ENOTSOCK
  SendStop stop = judge_send(s, req, domain);
  if (stop.err == 0) return;
  resp.flags = 0;
  resp.error = -stop.err;
  int fd = static_cast<int>(req.data.args[0]);
  Event e = event_for(Call::send, fd, Decision{});
  LineBuilder(e.args, sizeof(e.args)).number(fd);
  if (stop.len > 0) e.set_address(reinterpret_cast<sockaddr*>(&stop.addr), stop.len, false);
  MessagePrefix prefix;
  const char* unsent = stop.at > 0 ? copy_prefix(s, req, domain, static_cast<unsigned>(stop.at), prefix) : nullptr;
  LineBuilder note(e.note, sizeof(e.note));
  note.text(stop.why);
  if (unsent != nullptr) note.text("; none before it sent: ").text(unsent);
  s.log(e, proc.tgid, -1, stop.err, stop.mark, nullptr);
  if (stop.at > 0 && unsent == nullptr) send_prefix(s, proc, req, copy.fd, prefix, resp);
}

// One intercepted call, answered; true when its answer has been given already.
bool serve_one(State& s, const seccomp_notif& req, seccomp_notif_resp& resp, bool in_child_network) {
  // Fail closed: without the program's namespace a real call would be made in ours.
  if (!in_child_network) {
    resp.error = -ENETDOWN;
    return false;
  }
  int nr = req.data.nr;
  bool send = nr == SYS_sendto || nr == SYS_sendmsg || nr == SYS_sendmmsg;
  if (nr != SYS_socket && nr != SYS_connect && nr != SYS_close && !send) {
    resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
    return false;
  }
  State::Process& proc = s.process(static_cast<int>(req.pid));
  if (nr == SYS_socket) return serve_socket(s, proc, req, resp);
  int fd = static_cast<int>(req.data.args[0]);
  Copy copy(proc, fd);
  if (send) serve_send(s, proc, req, copy, resp);
  else if (nr == SYS_close) serve_close(s, proc, fd, copy.fd, resp);
  else serve_connect(s, proc, req, copy.fd, resp);
  return false;
}

// Receives and answers until told to stop or every process under the filter is gone;
// false (with the reason said) when it cannot go on.
bool serve(State& s, const std::atomic<bool>& stop, bool in_child_network, seccomp_notif& req,
           seccomp_notif_resp& resp) {
  while (!stop.load()) {
    pollfd p{s.listener, POLLIN, 0};
    int ready = poll(&p, 1, 100);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) {
      s.say("poll on the listener failed", errno);
      return false;
    }
    if (ready == 0) continue;
    if (p.revents & (POLLERR | POLLNVAL)) {
      s.say("the listener reported an error (POLLERR or POLLNVAL)", 0);
      return false;
    }
    if (!(p.revents & POLLIN)) return true;  // POLLHUP: every process under the filter is gone
    std::memset(&req, 0, sizeof(req));
    if (ioctl(s.listener, SECCOMP_IOCTL_NOTIF_RECV, &req) != 0) {
      if (errno == ENOENT || errno == EINTR) continue;  // the call was interrupted before we took it
      s.say("cannot receive an intercepted call (SECCOMP_IOCTL_NOTIF_RECV)", errno);
      return false;
    }
    std::memset(&resp, 0, sizeof(resp));
    resp.id = req.id;
    bool answered = false;
    try {
      answered = serve_one(s, req, resp, in_child_network);
    } catch (const std::exception& e) {  // an allocation in connfuzz's bookkeeping
      // A close goes ahead (only the program can close its own); the others fail.
      bool close_call = req.data.nr == SYS_close;
      s.say(e.what(), 0);
      s.say(close_call ? "the close goes ahead unlogged" : "the call fails with ENOMEM", 0);
      resp.flags = close_call ? SECCOMP_USER_NOTIF_FLAG_CONTINUE : 0;
      resp.error = close_call ? 0 : -ENOMEM;
    }
    if (!answered) answer(s, resp);
  }
  return true;
}

}  // namespace

SeccompSupervisor::SeccompSupervisor(int listener, int child, const SeccompSettings& settings)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.listener = listener;
  s.child = child;
  s.budget = settings.call_budget;
  if (!settings.plan.empty()) s.plan = inject::parse_plan(settings.plan);
  s.log_fd = open(settings.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
  // The command line's directories were checked before the program started
  // (allowed_unix_dirs): one the guard cannot take here is said, not dropped.
  for (const std::string& dir : settings.unix_dirs)
    if (!s.guard.allow_unix_dir(dir.c_str()))
      s.say(("AF_UNIX connects stay refused below '" + dir + "': the guard cannot take it").c_str(), 0);
  int child_pidfd = static_cast<int>(syscall(SYS_pidfd_open, child, 0));
  thread_ = std::thread([this, child_pidfd] {
    State& s = *state_;
    // This thread's sockets must live where the program's do: in its network namespace.
    bool in_child_network = child_pidfd >= 0 && setns(child_pidfd, CLONE_NEWNET) == 0;
    if (child_pidfd >= 0) close(child_pidfd);
    // The program waits for each answer: hand the CPU straight back to it (Linux >= 6.6;
    // older kernels refuse the flag and wake it the ordinary way).
    ioctl(s.listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP);
    seccomp_notif* req = nullptr;
    seccomp_notif_resp* resp = nullptr;
    if (int err = seccomp_notify_alloc(&req, &resp); err != 0) {
      s.detach("cannot allocate the notification buffers", err < 0 ? -err : err);
      return;
    }
    if (!serve(s, stop_, in_child_network, *req, *resp)) s.detach("stops answering", 0);
    seccomp_notify_free(req, resp);
  });
}

SeccompSupervisor::~SeccompSupervisor() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace connfuzz::tools
