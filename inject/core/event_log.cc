// Formats and stores event-log records without allocating, so it can run inside
// any intercepted call, in a signal handler, and in a forked child.
#include "event_log.h"
#include "zero_pages.h"

#include <fcntl.h>
#include <pthread.h>
#include <netinet/in.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <type_traits>

namespace connfuzz::inject {

LineBuilder& LineBuilder::text(const char* s, std::size_t n) noexcept {
  std::size_t room = size_ - 1 - len_;  // the constructor wrote the '\0', so size_ >= 1
  if (n > room) n = room;
  std::memcpy(buf_ + len_, s, n);
  len_ += n;
  buf_[len_] = '\0';
  return *this;
}

LineBuilder& LineBuilder::text(const char* s) noexcept { return text(s, std::strlen(s)); }

LineBuilder& LineBuilder::number(long long value) noexcept {
  char digits[24];
  int n = 0;
  unsigned long long magnitude = value < 0 ? 0ULL - static_cast<unsigned long long>(value) : value;
  do digits[n++] = static_cast<char>('0' + magnitude % 10);
  while ((magnitude /= 10) != 0);
  if (value < 0) digits[n++] = '-';
  char in_order[24];
  for (int i = 0; i < n; ++i) in_order[i] = digits[n - 1 - i];
  return text(in_order, static_cast<std::size_t>(n));
}

LineBuilder& LineBuilder::errno_text(int err) noexcept {
  const char* name = errno_name(err);
  return name ? text(name) : number(err);
}

const char* family_name(int family) noexcept {
  switch (family) {
    case AF_UNSPEC: return "AF_UNSPEC";
    case AF_UNIX: return "AF_UNIX";
    case AF_INET: return "AF_INET";
    case AF_INET6: return "AF_INET6";
    case AF_NETLINK: return "AF_NETLINK";
    case AF_PACKET: return "AF_PACKET";
    default: return nullptr;
  }
}

namespace {

void hex16(LineBuilder& line, unsigned value) {
  static constexpr char kHex[] = "0123456789abcdef";
  char digits[4];
  int n = 0;
  do digits[n++] = kHex[value & 0xf];
  while ((value >>= 4) != 0);
  while (n > 0) line.text(&digits[--n], 1);
}

// RFC 5952 text: the longest run of two or more zero groups becomes "::".
void ipv6_text(LineBuilder& line, const unsigned char* a) {
  unsigned groups[8];
  for (int i = 0; i < 8; ++i) groups[i] = (a[2 * i] << 8) | a[2 * i + 1];
  int best = -1, best_len = 1;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_len) best = i, best_len = j - i;
    i = j == i ? i + 1 : j;
  }
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      line.text("::");
      i += best_len - 1;
      continue;
    }
    if (i > 0 && i != best + best_len) line.text(":");
    hex16(line, groups[i]);
  }
}

void path_text(LineBuilder& line, const char* path, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char c = static_cast<unsigned char>(path[i]);
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      line.text(&path[i], 1);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      char escaped[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xf]};
      line.text(escaped, 4);
    }
  }
}

}  // namespace

LineBuilder& LineBuilder::address(const sockaddr* addr, socklen_t len) noexcept {
  if (addr == nullptr) return text("NULL");
  if (len < sizeof(sa_family_t)) return text("{len<2}");
  sa_family_t family;
  std::memcpy(&family, addr, sizeof(family));
  text("{");
  if (const char* name = family_name(family)) text(name);
  else text("family=").number(family);
  if (family == AF_INET && len >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, addr, sizeof(in));
    const auto* b = reinterpret_cast<const unsigned char*>(&in.sin_addr);
    text(", ").number(b[0]).text(".").number(b[1]).text(".").number(b[2]).text(".").number(b[3]);
    text(":").number(ntohs(in.sin_port));
  } else if (family == AF_INET6 && len >= 24) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, addr, len < sizeof(in6) ? len : sizeof(in6));
    text(", [");
    ipv6_text(*this, reinterpret_cast<const unsigned char*>(&in6.sin6_addr));
    text("]:").number(ntohs(in6.sin6_port));
    if (in6.sin6_scope_id) text("%").number(in6.sin6_scope_id);
  } else if (family == AF_UNIX && len > offsetof(sockaddr_un, sun_path)) {
    const char* p = reinterpret_cast<const sockaddr_un*>(addr)->sun_path;
    std::size_t n = len - offsetof(sockaddr_un, sun_path);
    if (n > sizeof(sockaddr_un::sun_path)) n = sizeof(sockaddr_un::sun_path);
    if (p[0] == '\0') {
      text(", @\"");
      path_text(*this, p + 1, n - 1);
    } else {
      text(", \"");
      path_text(*this, p, strnlen(p, n));
    }
    text("\"");
  }
  return text("}");
}

namespace {
// A sockaddr's bytes: 16 for IPv4, 28 for IPv6. GCC inlines a memcpy of up to
// sizeof(sockaddr_un) bytes as `rep movsq`, whose start-up cost was a fifth of an
// injected connect; two overlapping fixed-size copies take a few cycles.
void copy_address_bytes(unsigned char* to, const void* from, std::size_t n) noexcept {
  const auto* src = static_cast<const unsigned char*>(from);
  if (n >= 8 && n <= 16) {
    std::memcpy(to, src, 8);
    std::memcpy(to + n - 8, src + n - 8, 8);
  } else if (n > 16 && n <= 32) {
    std::memcpy(to, src, 16);
    std::memcpy(to + n - 16, src + n - 16, 16);
  } else {
    std::memcpy(to, src, n);
  }
}

// Most events have no note and no formatted arguments: no library call for those.
void copy_text(char* to, const char* from) noexcept {
  if (from[0] == '\0') to[0] = '\0';
  else std::memcpy(to, from, std::strlen(from) + 1);
}
}  // namespace

void Event::set_address(const sockaddr* addr, socklen_t len, bool append_length) noexcept {
  has_address = true;
  with_length = append_length;
  address_len = len;
  address_is_null = addr == nullptr;
  if (addr != nullptr) copy_address_bytes(address, addr, kept_address_len());
}

void Event::copy_used(const Event& from) noexcept {
  std::memcpy(static_cast<void*>(this), &from, offsetof(Event, args));
  copy_text(args, from.args);
  copy_text(note, from.note);
  if (from.has_address && !from.address_is_null)
    copy_address_bytes(address, from.address, from.kept_address_len());
}

sockaddr_storage Event::address_storage() const noexcept {
  sockaddr_storage out{};
  if (has_address && !address_is_null)
    std::memcpy(&out, address, kept_address_len());
  return out;
}

LineBuilder& LineBuilder::socket_args(int domain, int type, int protocol) noexcept {
  if (const char* name = family_name(domain)) text(name);
  else number(domain);
  int base = type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC);
  text(", ").text(base == SOCK_STREAM ? "SOCK_STREAM" : base == SOCK_DGRAM ? "SOCK_DGRAM" : "type=");
  if (base != SOCK_STREAM && base != SOCK_DGRAM) number(base);
  if (type & SOCK_NONBLOCK) text("|SOCK_NONBLOCK");
  if (type & SOCK_CLOEXEC) text("|SOCK_CLOEXEC");
  return text(", ").number(protocol);
}

LineBuilder& LineBuilder::duration(std::int64_t ns) noexcept {
  constexpr std::int64_t kMs = 1'000'000, kS = 1000 * kMs, kH = 3600 * kS;
  if (ns >= kH && ns % kH == 0) return number(ns / kH).text(" h");
  if (ns >= kS) return number(ns / kS).text(" s");
  return number(ns / kMs).text(" ms");
}

std::size_t format_budget_exhausted(std::uint32_t calls, char* out, std::size_t size, std::int64_t let_run_ns) noexcept {
  LineBuilder line(out, size);
  line.text(kBudgetExhausted).text(" after ").number(calls).text(" calls");
  if (let_run_ns > 0) line.text(", still calling after ").duration(let_run_ns).text(" of virtual time");
  return line.text("\n").size();
}

std::size_t format_connected_note(const char* when, int fd, char* out, std::size_t size) noexcept {
  return LineBuilder(out, size).text(kConnectedNote).text(" ").text(when).text(": fd ").number(fd).text("\n").size();
}

std::size_t format_event(const Event& e, char* out, std::size_t size) noexcept {
  LineBuilder line(out, size);
  line.number(e.pid).text(" ").text(call_name(e.call).data(), call_name(e.call).size());
  line.text("#").number(e.index).text("(");
  if (e.args_are_fd) line.number(e.fd);
  else line.text(e.args);
  if (e.has_address) {
    sockaddr_storage a = e.address_storage();
    line.text(", ").address(e.address_is_null ? nullptr : reinterpret_cast<const sockaddr*>(&a), e.address_len);
    if (e.with_length) line.text(", ").number(static_cast<int>(e.address_len));
  }
  line.text(") = ").number(e.result);
  if (e.call == Call::so_error && e.result == 0) line.text(" [").errno_text(e.err).text("]");
  else if (e.result < 0) line.text(" ").errno_text(e.err);
  static constexpr const char* kMarks[] = {"", "INJECTED", "GUARD", "SIMULATED", "NOT INJECTED"};
  if (e.mark != Mark::None || e.rule_text || e.note[0]) {
    line.text(" (").text(kMarks[static_cast<int>(e.mark)]);
    if (e.rule_text || e.note[0]) line.text(e.mark == Mark::None ? "" : " ");
    if (e.rule_text) line.text(e.rule_text).text(e.note[0] ? ": " : "");
    line.text(e.note);
    line.text(")");
  }
  line.text("\n");
  return line.size();
}

namespace {
// The lowest descriptor the log file moves to. Under 1024, the soft RLIMIT_NOFILE most
// processes start with, since F_DUPFD fails at or above the limit (the log then stays
// where open put it); far enough above 0 that programs counting up from the lowest
// free descriptor do not reach it.
constexpr int kLogDescriptorFloor = 900;

// The pid, cached: a syscall per event would cost more than the rest of an injected call.
// A forked child's in-memory log (and so its call budget) starts empty, as its call
// indexes start at 1 (Runtime::reset_in_forked_child); its lines go on to the same file,
// each one write(2) to an O_APPEND descriptor, so parent's and child's lines stay whole.
std::atomic<std::int32_t> g_pid{0};
void refresh_pid() noexcept { g_pid.store(static_cast<std::int32_t>(syscall(SYS_getpid)), std::memory_order_relaxed); }
__attribute__((constructor)) void watch_pid() {
  refresh_pid();
  pthread_atfork(nullptr, nullptr, refresh_pid);
}
}  // namespace

static_assert(std::is_trivially_copyable_v<Event> && std::is_trivially_destructible_v<Event>);

EventLog::EventLog() noexcept
    : events_(static_cast<Event*>(zero_pages(sizeof(Event) * kCapacity, "event log"))) {}

EventLog::~EventLog() { munmap(events_, sizeof(Event) * kCapacity); }

void EventLog::record(Event& event) noexcept {
  event.pid = g_pid.load(std::memory_order_relaxed);
  if (event.pid == 0) refresh_pid(), event.pid = g_pid.load(std::memory_order_relaxed);
  std::uint32_t slot = next_.bump();
  if (slot < kCapacity) events_[slot].copy_used(event);
  if (fd_.load(std::memory_order_relaxed) >= 0) write_line(event);
  if (on_exhausted_ != nullptr && budget_ != 0 && slot + 1 >= budget_) on_exhausted_(slot + 1);
}

void EventLog::write_line(const Event& event) noexcept {
  char line[512];
  write_raw(line, format_event(event, line, sizeof(line)));
}

void EventLog::write_raw(const char* line, std::size_t n) noexcept {
  int saved = errno;
  for (int attempt = 0; attempt < 2; ++attempt) {
    int fd = fd_.load(std::memory_order_relaxed);
    if (fd < 0) break;
    if (syscall(SYS_write, fd, line, n) >= 0) break;
    // The program closed or reused our descriptor (daemons close everything): reopen once.
    if (errno != EBADF || path_[0] == '\0') break;
    set_file(path_);
  }
  errno = saved;
}

void EventLog::set_file(const char* path) noexcept {
  if (path != path_) {
    std::size_t n = strnlen(path, sizeof(path_) - 1);
    std::memcpy(path_, path, n);
    path_[n] = '\0';
  }
  int fd = static_cast<int>(
      syscall(SYS_openat, AT_FDCWD, path_, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644));
  if (fd < 0) return;
  // Keep the log far above the descriptors a program uses, so dup2(x, 2) and
  // "the lowest free fd" logic never meet it.
  int high = static_cast<int>(syscall(SYS_fcntl, fd, F_DUPFD_CLOEXEC, kLogDescriptorFloor));
  if (high >= 0) {
    syscall(SYS_close, fd);
    fd = high;
  }
  fd_.store(fd, std::memory_order_relaxed);
}

void EventLog::clear() noexcept { next_.store(0); }

std::uint32_t EventLog::size() const noexcept {
  std::uint32_t n = next_.load();
  return n < kCapacity ? n : kCapacity;
}

std::uint32_t EventLog::dropped() const noexcept {
  std::uint32_t n = next_.load();
  return n > kCapacity ? n - kCapacity : 0;
}

}  // namespace connfuzz::inject
