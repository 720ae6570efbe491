// Per-descriptor socket state, kept lock-free so intercepted calls stay async-signal-safe.
#pragma once

#include <atomic>
#include <bit>
#include <cstdint>

namespace connfuzz::inject {

// Where a socket's connect stands, as far as the program may know it.
enum class Phase : std::uint8_t {
  Untracked = 0,  // not a socket connfuzz knows
  Fresh,          // no attempt yet, or a previous one is over and forgotten by the kernel
  Connecting,     // the kernel has a real attempt in progress; every answer is real
  Held,           // a real attempt connfuzz keeps "in progress" until the program waits
  SimPending,     // a synthesised attempt that ends with `eventual` at `due_ns`
  Failed,         // a synthesised attempt failed; the aftermath is synthesised too
  Connected,      // connected for real
};

// Eight bytes, so that a descriptor's whole state is one atomic word and reading it is
// one load.
struct SocketInfo {
  Phase phase = Phase::Untracked;
  std::uint8_t domain = 0;  // AF_UNIX, AF_INET, AF_INET6, ...
  std::uint8_t type = 0;    // SOCK_STREAM, SOCK_DGRAM, ... (flags stripped)
  bool nonblocking : 1 = false;
  bool abort_on_reconnect : 1 = false;  // Failed after a non-blocking attempt: next connect is ECONNABORTED
  bool epoll_watches_socket : 1 = false;  // this fd is an epoll instance watching a tracked socket
  bool edge_reported : 1 = false;         // an edge-triggered epoll has heard of the failure
  bool epoll_watches_timer : 1 = false;   // this fd is an epoll instance watching a virtual timerfd
  bool send_timeout : 1 = false;          // SO_SNDTIMEO is set: connect and send may fail with EINTR
  bool receive_timeout : 1 = false;       // SO_RCVTIMEO is set: recv may fail with EINTR
  // Named, so the word has no padding bits: equal states are equal words (exchange()
  // compares words).
  std::uint8_t unused_bits : 1 = 0;
  std::uint8_t pending_err = 0;       // Failed: what SO_ERROR/read/write return once
  std::uint8_t eventual = 0;          // SimPending: how the attempt ends
  std::uint16_t port = 0;             // the destination port of the last connect

  bool is_simulated() const noexcept {
    return phase == Phase::Held || phase == Phase::SimPending || phase == Phase::Failed;
  }
};
static_assert(sizeof(SocketInfo) == sizeof(std::uint64_t));

class SocketTable {
 public:
  static constexpr int kMaxFd = 65536;  // descriptors above are not tracked (documented)

  SocketTable() noexcept;
  ~SocketTable();
  SocketTable(const SocketTable&) = delete;
  SocketTable& operator=(const SocketTable&) = delete;

  SocketInfo get(int fd) const noexcept {
    if (fd < 0 || fd >= kMaxFd) return {};
    return unpack(__atomic_load_n(&slots_[fd].word, __ATOMIC_ACQUIRE));
  }
  void set(int fd, const SocketInfo& info) noexcept;
  void forget(int fd) noexcept { set(fd, SocketInfo{}); }
  // Replaces `expected` with `desired` only if no other thread changed it meanwhile.
  bool exchange(int fd, const SocketInfo& expected, const SocketInfo& desired) noexcept;

  std::int64_t due_ns(int fd) const noexcept { return __atomic_load_n(&slots_[fd].due_ns, __ATOMIC_RELAXED); }
  void set_due_ns(int fd, std::int64_t t) noexcept { __atomic_store_n(&slots_[fd].due_ns, t, __ATOMIC_RELAXED); }

  struct EpollRegistration {
    int epfd;
    std::uint32_t events;
    std::uint64_t data;
  };
  EpollRegistration registration(int fd) const noexcept;
  void set_registration(int fd, int epfd, std::uint32_t events, std::uint64_t data) noexcept;

  // Descriptors below this have been tracked at some time; loops stop here.
  int high_water() const noexcept { return high_water_.load(std::memory_order_relaxed); }
  // How many descriptors are in a simulated phase: waits take the fast path at 0.
  int simulated_count() const noexcept { return simulated_.load(std::memory_order_relaxed); }

  void clear() noexcept;

 private:
  static std::uint64_t pack(const SocketInfo& info) noexcept { return std::bit_cast<std::uint64_t>(info); }
  static SocketInfo unpack(std::uint64_t word) noexcept { return std::bit_cast<SocketInfo>(word); }
  void account(const SocketInfo& before, const SocketInfo& after) noexcept;

  // Plain words, read and written with the __atomic builtins, in memory that starts as
  // zero pages: a slot of zeros is an untracked descriptor in no epoll set, so the
  // table costs nothing until a descriptor is used. As an array of std::atomic (which
  // C++20 initializes) its 2 MB were written at every start of every program connfuzz
  // runs, and copied page by page by every fork.
  struct Slot {
    std::uint64_t word;
    std::int64_t due_ns;
    std::int32_t epfd_plus_one;  // 0: in no epoll set connfuzz knows of
    std::uint32_t epoll_events;
    std::uint64_t epoll_data;
  };
  Slot* slots_;
  std::atomic<int> high_water_{0};
  std::atomic<int> simulated_{0};
};

}  // namespace connfuzz::inject
