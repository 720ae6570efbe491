// The event log: one record per intercepted call, the same format for every backend.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "errno_table.h"
#include "shared_counter.h"

namespace connfuzz::inject {

// Who decided a result: the kernel (None), the plan, the guard, or connfuzz keeping
// a synthesised fault consistent. Refused: realistic mode declined a planned fault.
enum class Mark : std::uint8_t { None, Injected, Guard, Simulated, Refused };

struct Event {
  // The fixed fields first: the log copies them whole and the buffers after them only
  // as far as they are used (an event is ~370 bytes, a connect's record ~70).
  std::int32_t pid = 0;
  Call call = Call::connect;
  std::uint32_t index = 0;  // this call's number among the calls of its kind (connect#2)
  int fd = -1;
  long result = 0;
  int err = 0;    // errno when result < 0; for getsockopt.SO_ERROR, the value read
  Mark mark = Mark::None;
  bool args_are_fd = false;  // the arguments are the descriptor alone, formatted with the line
  // The destination, kept raw and formatted only when a line is written: formatting
  // it on every call cost more than the rest of an injected connect.
  bool has_address = false;
  bool address_is_null = false;
  bool with_length = false;       // connect's third argument follows the address
  socklen_t address_len = 0;      // the length the program passed
  // The rule the note is about, kept by reference: its decider keeps the text until the
  // log is cleared (installing a plan clears it).
  const char* rule_text = nullptr;
  char args[96];   // the arguments that matter, formatted, but for the address
  char note[120];  // the guard's reason, why a fault was refused, ...: after the rule's text
  unsigned char address[sizeof(sockaddr_un)];  // its first bytes (no more than address_len)

  // The text buffers start empty without clearing them whole (they are most of the size).
  Event() noexcept { args[0] = note[0] = '\0'; }
  // Keeps the address for the line: ", {AF_INET, 127.0.0.1:80}" and ", 16" with the length.
  void set_address(const sockaddr* addr, socklen_t len, bool append_length) noexcept;
  // How many of the address's bytes are kept: the length passed, up to the buffer.
  std::size_t kept_address_len() const noexcept { return address_len < sizeof(address) ? address_len : sizeof(address); }
  // The kept address as a sockaddr (its family is 0 when none was kept or it was short).
  sockaddr_storage address_storage() const noexcept;
  // Copies what a reader of `from` can see: the fixed fields, the text up to its end,
  // the kept address bytes.
  void copy_used(const Event& from) noexcept;
};

// Builds text in a fixed buffer without allocating (async-signal-safe).
class LineBuilder {
 public:
  LineBuilder(char* buffer, std::size_t size) noexcept : buf_(buffer), size_(size) { buf_[0] = '\0'; }
  LineBuilder& text(const char* s) noexcept;
  LineBuilder& text(const char* s, std::size_t n) noexcept;
  LineBuilder& number(long long value) noexcept;
  LineBuilder& errno_text(int err) noexcept;  // "ECONNREFUSED" or the number
  LineBuilder& address(const sockaddr* addr, socklen_t len) noexcept;  // "{AF_INET, 127.0.0.1:80}"
  LineBuilder& socket_args(int domain, int type, int protocol) noexcept;  // "AF_INET, SOCK_STREAM|SOCK_CLOEXEC, 0"
  LineBuilder& duration(std::int64_t ns) noexcept;  // "1 h", "90 s", "250 ms" (whole units, rounded down)
  std::size_t size() const noexcept { return len_; }

 private:
  char* buf_;
  std::size_t size_;
  std::size_t len_ = 0;
};

// "4242 connect#1(3, {AF_INET, 127.0.0.1:80}, 16) = -1 EINTR (INJECTED connect@1=EINTR)\n"
std::size_t format_event(const Event& event, char* out, std::size_t size) noexcept;

const char* family_name(int family) noexcept;

// Lines of the log that are no event: what a backend notes for the matrix to read.
// A program stopped by the call budget (CONNFUZZ_CALL_BUDGET), with how much virtual
// time was let run past the budget before it was called a spin (0: none was):
// "connfuzz: call budget exhausted after 2086 calls, still calling after 1 h of virtual time".
inline constexpr const char* kBudgetExhausted = "connfuzz: call budget exhausted";
std::size_t format_budget_exhausted(std::uint32_t calls, char* out, std::size_t size, std::int64_t let_run_ns = 0) noexcept;
// A socket connected for real, noted by a backend that cannot see the calls that would
// show it: the preload layer at exit, the seccomp backend at close (it sees no poll,
// getsockopt or send). `when` is "exit" or "close".
inline constexpr const char* kConnectedNote = "connfuzz: connected at";
std::size_t format_connected_note(const char* when, int fd, char* out, std::size_t size) noexcept;

// A bounded in-memory log for in-process oracles and tests, plus an optional file.
// Recording never allocates or locks; past capacity, events are counted, not kept.
class EventLog {
 public:
  static constexpr std::uint32_t kCapacity = 4096;

  EventLog() noexcept;
  ~EventLog();
  EventLog(const EventLog&) = delete;
  EventLog& operator=(const EventLog&) = delete;

  void record(Event& event) noexcept;  // assigns the pid, keeps it, writes the line
  void clear() noexcept;
  std::uint32_t size() const noexcept;
  std::uint32_t dropped() const noexcept;
  const Event& at(std::uint32_t i) const noexcept { return events_[i]; }

  // Log lines also go to this file (opened O_APPEND), reopened if the program closes it.
  void set_file(const char* path) noexcept;
  void set_fd(int fd) noexcept { fd_.store(fd, std::memory_order_relaxed); }
  // A line that is no event (a note from connfuzz itself), to the file only.
  void write_raw(const char* text, std::size_t size) noexcept;

  // Calls `on_exhausted` from inside the call that makes the log `calls` long since
  // the last clear(), and from each call after it: how a runtime judges (and stops) a
  // target that retries without end.
  using BudgetHook = void (*)(std::uint32_t calls);
  void set_budget(std::uint32_t calls, BudgetHook on_exhausted) noexcept {
    budget_ = calls;
    on_exhausted_ = on_exhausted;
  }

 private:
  void write_line(const Event& event) noexcept;
  // Zero pages until events are kept (an Event is trivially copyable, so mmap's zero bytes
  // are Events): constructed as an array, its 1.5 MB were written at every start of
  // every program connfuzz runs.
  Event* events_;
  SharedCounter next_;
  std::atomic<int> fd_{-1};
  std::uint32_t budget_ = 0;
  BudgetHook on_exhausted_ = nullptr;
  char path_[512] = {};
};

}  // namespace connfuzz::inject
