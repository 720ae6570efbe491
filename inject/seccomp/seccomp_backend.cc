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

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

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
};

namespace {

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

// A relative AF_UNIX path means the program's working directory, not connfuzz's.
void resolve_unix_path(sockaddr_storage& a, socklen_t& len, int tid) {
  auto& un = reinterpret_cast<sockaddr_un&>(a);
  if (a.ss_family != AF_UNIX || len <= offsetof(sockaddr_un, sun_path) || un.sun_path[0] == '/' || un.sun_path[0] == '\0')
    return;
  std::string path(un.sun_path, strnlen(un.sun_path, len - offsetof(sockaddr_un, sun_path)));
  std::string absolute = "/proc/" + std::to_string(tid) + "/cwd/" + path;
  if (absolute.size() >= sizeof(un.sun_path)) return;  // the kernel will say ENOENT or ENAMETOOLONG for it
  std::memcpy(un.sun_path, absolute.c_str(), absolute.size() + 1);
  len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + absolute.size() + 1);
}

}  // namespace

SeccompSupervisor::SeccompSupervisor(int listener, int child, const SeccompSettings& settings)
    : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.listener = listener;
  s.child = child;
  s.budget = settings.call_budget;
  if (!settings.plan.empty()) s.plan = inject::parse_plan(settings.plan);
  for (const std::string& dir : settings.unix_dirs) s.guard.allow_unix_dir(dir.c_str());
  s.log_fd = open(settings.log_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
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
    if (seccomp_notify_alloc(&req, &resp) != 0) return;
    while (!stop_.load()) {
      pollfd p{s.listener, POLLIN, 0};
      int ready = poll(&p, 1, 100);
      if (ready < 0 && errno != EINTR) break;
      if (ready <= 0) continue;
      if (!(p.revents & POLLIN)) break;  // POLLHUP: every process under the filter is gone
      std::memset(req, 0, sizeof(*req));
      if (seccomp_notify_receive(s.listener, req) != 0) continue;
      std::memset(resp, 0, sizeof(*resp));
      resp->id = req->id;
      State::Process& proc = s.process(static_cast<int>(req->pid));
      inject::Decider& decider = proc.decider;
      const auto* args = req->data.args;
      int nr = req->data.nr;
      bool answered = false;  // ADDFD with SEND answers the call itself

      if (!in_child_network) {
        // Fail closed: without the program's namespace a real call would be made in ours.
        resp->error = -ENETDOWN;
      } else if (nr == SYS_socket) {
        int domain = static_cast<int>(args[0]), type = static_cast<int>(args[1]), protocol = static_cast<int>(args[2]);
        Decision d = decider.decide(Call::socket, Facts{domain, type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC), -1, 0});
        Event e = event_for(Call::socket, -1, d);
        LineBuilder(e.args, sizeof(e.args)).socket_args(domain, type, protocol);
        note_refusal(e, d, decider);
        if (d.fired()) {
          resp->error = -d.err;
          s.log(e, proc.tgid, -1, d.err, Mark::Injected, decider.rule_text(d.rule));
        } else {
          int fd = socket(domain, type, protocol);
          int err = errno;
          if (fd < 0) {
            resp->error = -err;
            s.log(e, proc.tgid, -1, err, d.rule >= 0 ? Mark::Refused : Mark::None, nullptr);
          } else {
            seccomp_notif_addfd add{};
            add.id = req->id;
            add.flags = SECCOMP_ADDFD_FLAG_SEND;
            add.srcfd = static_cast<std::uint32_t>(fd);
            add.newfd_flags = (type & SOCK_CLOEXEC) ? O_CLOEXEC : 0;
            int theirs = ioctl(s.listener, SECCOMP_IOCTL_NOTIF_ADDFD, &add);
            close(fd);
            answered = true;
            if (theirs >= 0) {
              if (theirs + 1 > proc.socket_high_water) proc.socket_high_water = theirs + 1;
              s.log(e, proc.tgid, theirs, 0, d.rule >= 0 ? Mark::Refused : Mark::None, nullptr);
            }
          }
        }
      } else if (nr == SYS_connect || nr == SYS_close) {
        int fd = static_cast<int>(args[0]);
        int copy = proc.pidfd >= 0 ? static_cast<int>(syscall(SYS_pidfd_getfd, proc.pidfd, fd, 0)) : -1;
        if (nr == SYS_close) {
          struct stat st{};
          if (copy < 0) {
            resp->error = -EBADF;
            if (fd >= 0 && fd < proc.socket_high_water) {
              Event e = event_for(Call::close, fd, Decision{});
              LineBuilder(e.args, sizeof(e.args)).number(fd);
              s.log(e, proc.tgid, -1, EBADF, Mark::None, nullptr);
            }
          } else if (fstat(copy, &st) != 0 || !S_ISSOCK(st.st_mode)) {
            resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;  // not a socket: none of connfuzz's business
          } else {
            Facts facts = facts_of_socket(copy);
            if (plans_eintr(decider.plan(), Call::close)) facts.interrupters = interrupters_of(proc.tgid, copy);
            Decision d = decider.decide(Call::close, facts);
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
            note_refusal(e, d, decider, "the seccomp backend cannot fail a close it lets happen");
            s.log(e, proc.tgid, 0, 0, d.rule >= 0 ? Mark::Refused : Mark::None, nullptr);
            resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
          }
        } else {
          sockaddr_storage addr{};
          auto len = static_cast<socklen_t>(args[2]);
          std::size_t n = std::min<std::size_t>(len, sizeof(addr));
          iovec local{&addr, n}, remote{reinterpret_cast<void*>(args[1]), n};
          bool readable = args[1] == 0 || n == 0 || process_vm_readv(static_cast<pid_t>(req->pid), &local, 1, &remote, 1, 0) ==
                                                             static_cast<ssize_t>(n);
          Facts facts = copy >= 0 ? facts_of_socket(copy) : Facts{};
          int domain = facts.family;  // the socket's; -1: no socket, the kernel says so
          if (n >= sizeof(sa_family_t)) facts.family = addr.ss_family;
          facts.port = inject::destination_port(reinterpret_cast<const sockaddr*>(&addr), len);
          if (copy >= 0 && plans_eintr(decider.plan(), Call::connect)) facts.interrupters = interrupters_of(proc.tgid, copy);
          Decision d = decider.decide(Call::connect, facts);
          Event e = event_for(Call::connect, fd, d);
          LineBuilder(e.args, sizeof(e.args)).number(fd);
          e.set_address(args[1] ? reinterpret_cast<sockaddr*>(&addr) : nullptr, len, true);
          const sockaddr* to = args[1] ? reinterpret_cast<sockaddr*>(&addr) : nullptr;
          bool still_connecting = d.err == EINTR || d.err == EINPROGRESS || d.err == EALREADY;
          const char* note = nullptr;
          Mark mark = d.rule >= 0 ? Mark::Refused : Mark::None;
          note_refusal(e, d, decider);
          if (d.fired() && still_connecting && d.eventual != 0) {
            d.refused = true;
            note_refusal(e, d, decider, "the seccomp backend cannot keep a failing outcome (its waits are the kernel's)");
          }
          if (copy < 0) {
            resp->error = -EBADF;
            s.log(e, proc.tgid, -1, EBADF, mark, note);
          } else if (!readable) {
            resp->error = -EFAULT;
            s.log(e, proc.tgid, -1, EFAULT, mark, note);
          } else if (d.fired() && !still_connecting) {
            resp->error = -d.err;  // a final answer: nothing reaches the kernel
            s.log(e, proc.tgid, -1, d.err, Mark::Injected, decider.rule_text(d.rule));
          } else {
            resolve_unix_path(addr, len, static_cast<int>(req->pid));
            inject::GuardVerdict verdict = inject::check_destination(domain, to, len, s.guard);
            if (!verdict.allowed) {
              resp->error = -verdict.err;
              s.log(e, proc.tgid, -1, verdict.err, Mark::Guard, verdict.reason);
            } else if (d.fired()) {
              // Still connecting: start the real attempt on the shared socket, then say so.
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
                resp->error = -err;
                s.log(e, proc.tgid, -1, err, Mark::Refused, "the real attempt failed at once");
              } else {
                resp->error = -d.err;
                s.log(e, proc.tgid, -1, d.err, Mark::Injected, decider.rule_text(d.rule));
              }
            } else {
              int result = connect(copy, to, len);
              int err = errno;
              resp->error = result < 0 ? -err : 0;
              s.log(e, proc.tgid, result, err, mark, note);
            }
          }
        }
        if (copy >= 0) close(copy);
      } else {
        resp->flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
      }
      if (!answered) seccomp_notify_respond(s.listener, resp);
    }
    seccomp_notify_free(req, resp);
  });
}

SeccompSupervisor::~SeccompSupervisor() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

}  // namespace connfuzz::tools
