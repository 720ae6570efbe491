// Raw system calls and fixed buffers throughout: a restore runs in a crash handler, maybe
// with the heap's lock held, and every byte it keeps lives in mappings of its own, which
// it neither saves nor puts back.
#include "process_snapshot.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace connfuzz::fuzz {
namespace {

constexpr std::uintptr_t kPage = 4096;
constexpr int kMostMappings = 4096;
constexpr int kMostDescriptors = 4096;
constexpr std::size_t kMapsTextBytes = 1 << 20;
constexpr std::uint64_t kMostWritableBytes = std::uint64_t{1} << 31;
constexpr int kSignals = 65;  // 1..64
#ifndef SYS_close_range
#define SYS_close_range 436  // one number on every architecture; older headers lack it
#endif

struct Mapping {
  std::uintptr_t start = 0, end = 0;
  char perms[4] = {};
  std::uint64_t offset = 0, inode = 0, major = 0, minor = 0;
  bool stack = false, heap = false;
  bool ours = false;           // the snapshot's own storage: neither saved nor unmapped
  std::size_t first_bit = 0;   // its pages' bits in the saved-page bitmap
  bool private_writable() const { return perms[1] == 'w' && perms[3] == 'p' && !stack && !ours; }
  std::size_t pages() const { return (end - start) / kPage; }
};

// A disposition in the kernel's own layout (the architecture's), read and written back
// whole, never looked into: one system call to put it back, where libc's sigaction is
// the interposer's, which reads it back after setting it.
struct KernelAction {
  unsigned long words[8];
};
constexpr long kKernelSigsetBytes = _NSIG / 8;  // rt_sigaction's sigset
// handler, flags, restorer where there is one, and the sigset
static_assert(sizeof(KernelAction) >= 3 * sizeof(long) + kKernelSigsetBytes);

struct Descriptor {
  int fd;
  dev_t dev;
  ino_t ino;
};

// What /proc/self/status says of the threads and the signals: one read for both.
struct Status {
  int threads = -1;
  std::uint64_t ignored = 0, caught = 0;  // bit n-1: signal n
};

// What a restore reads the process's state into, rewritten by each: the one part of the
// snapshot's storage that is never read-only, so that a restore changes no protection.
struct Scratch {
  int current_count;
  Mapping current[kMostMappings];
  char text[kMapsTextBytes];
  char cwd_now[4096];
};

// A /proc file of this process: `kept` open since the snapshot (read from its start with
// pread, which has the kernel write it afresh: no path to walk, no descriptor to make and
// close, a third of a restore's system calls), or -1: `path` opened for the one read.
struct ProcFile {
  const char* path;
  int kept = -1;
};

// Everything the snapshot keeps, in a mapping of its own (zeroed by mmap) that is
// read-only once taken; the page copies in a second, the scratch in a third.
struct Store {
  bool ready;
  long pid;  // a process a cell forked inherits the snapshot, and is no runner
  int mapping_count, descriptor_count;
  Mapping mappings[kMostMappings];
  Descriptor descriptors[kMostDescriptors];
  KernelAction actions[kSignals];
  bool action_kept[kSignals];
  Status status;
  ProcFile status_file, maps_file, timers_file;  // what a restore reads
  stack_t altstack;
  mode_t umask;
  std::uintptr_t brk;
  char cwd[4096];
  // the pages: a bit per page of each private writable mapping, then the saved pages
  unsigned char* bits;
  unsigned char* pages;
  std::size_t page_capacity, bits_bytes, pages_bytes;
  Scratch* scratch;
};

Store* g_store = nullptr;  // set before any page is saved, so that a restore finds it

long sys(long number, long a = 0, long b = 0, long c = 0, long d = 0) { return syscall(number, a, b, c, d); }

// The whole of a /proc file into `into`, NUL-ended; -1 when it is larger or unreadable.
long read_proc(ProcFile file, char* into, std::size_t size) {
  int fd = file.kept >= 0 ? file.kept
                          : static_cast<int>(sys(SYS_openat, AT_FDCWD, reinterpret_cast<long>(file.path), O_RDONLY | O_CLOEXEC));
  if (fd < 0) return -1;
  std::size_t done = 0;
  auto read_more = [&] {
    long at = reinterpret_cast<long>(into + done), room = static_cast<long>(size - 1 - done);
    return file.kept >= 0 ? sys(SYS_pread64, fd, at, room, static_cast<long>(done)) : sys(SYS_read, fd, at, room);
  };
  for (long n; done + 1 < size && (n = read_more()) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      done = size;
      break;
    }
    done += static_cast<std::size_t>(n);
  }
  if (file.kept < 0) sys(SYS_close, fd);
  if (done + 1 >= size) return -1;
  into[done] = '\0';
  return static_cast<long>(done);
}

// Above the descriptors a target's sockets get, which then keep the numbers they had.
constexpr long kKeptProcFilesFrom = 900;

// `path` kept open for the restores; where it cannot be, opened each time.
ProcFile keep_open(const char* path) {
  long fd = sys(SYS_openat, AT_FDCWD, reinterpret_cast<long>(path), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return {path};
  long high = sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, kKeptProcFilesFrom);
  sys(SYS_close, fd);
  return {path, high >= 0 ? static_cast<int>(high) : -1};
}

const char* hex(const char* p, std::uint64_t& value) {
  value = 0;
  for (;; ++p) {
    char c = *p;
    int digit = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (digit < 0) return p;
    value = value * 16 + static_cast<std::uint64_t>(digit);
  }
}

const char* dec(const char* p, std::uint64_t& value) {
  value = 0;
  for (; *p >= '0' && *p <= '9'; ++p) value = value * 10 + static_cast<std::uint64_t>(*p - '0');
  return p;
}

bool starts_with(const char* p, const char* word) { return std::strncmp(p, word, std::strlen(word)) == 0; }

// /proc/self/maps into `out`; false when it does not fit. "start-end perms offset dev inode path"
bool read_mappings(ProcFile maps, Scratch& scratch, Mapping* out, int& count) {
  if (read_proc(maps, scratch.text, sizeof(scratch.text)) < 0) return false;
  count = 0;
  for (const char* p = scratch.text; *p != '\0';) {
    if (count == kMostMappings) return false;
    Mapping& m = out[count++];
    m = Mapping{};
    std::uint64_t v = 0;
    p = hex(p, v), m.start = v;
    p = hex(p + 1, v), m.end = v;
    std::memcpy(m.perms, p + 1, 4);
    p = hex(p + 6, m.offset);
    p = hex(p + 1, m.major);
    p = hex(p + 1, m.minor);
    p = dec(p + 1, m.inode);
    while (*p == ' ') ++p;
    m.stack = starts_with(p, "[stack]");
    m.heap = starts_with(p, "[heap]");
    while (*p != '\0' && *p != '\n') ++p;
    if (*p == '\n') ++p;
  }
  return true;
}

std::uint64_t status_field(const char* text, const char* name, bool hexadecimal) {
  const char* p = std::strstr(text, name);
  if (p == nullptr) return ~std::uint64_t{0};
  p += std::strlen(name);
  while (*p == '\t' || *p == ' ') ++p;
  std::uint64_t value = 0;
  hexadecimal ? hex(p, value) : dec(p, value);
  return value;
}

Status read_status(ProcFile status, char* text, std::size_t size) {
  Status st;
  if (read_proc(status, text, size) < 0) return st;
  st.threads = static_cast<int>(status_field(text, "\nThreads:", false));
  st.ignored = status_field(text, "\nSigIgn:", true);
  st.caught = status_field(text, "\nSigCgt:", true);
  return st;
}

// A /proc list that holds anything; unreadable counts as "maybe", and is refused.
bool lists_anything(ProcFile list) {
  char text[256];
  return read_proc(list, text, sizeof(text)) != 0;
}

// Every open descriptor's number, by getdents64 on /proc/self/fd; -1 when too many.
int list_descriptors(int* into, int most) {
  int dir = static_cast<int>(sys(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/proc/self/fd"), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir < 0) return -1;
  alignas(8) char buffer[8192];
  int count = 0;
  for (long n; (n = sys(SYS_getdents64, dir, reinterpret_cast<long>(buffer), sizeof(buffer))) > 0;) {
    for (long at = 0; at < n;) {
      auto* reclen = reinterpret_cast<unsigned short*>(buffer + at + 16);
      const char* name = buffer + at + 19;
      at += *reclen;
      if (name[0] < '0' || name[0] > '9') continue;
      std::uint64_t fd = 0;
      dec(name, fd);
      if (static_cast<int>(fd) == dir) continue;
      if (count == most) count = -1;
      if (count < 0) break;
      into[count++] = static_cast<int>(fd);
    }
  }
  sys(SYS_close, dir);
  return count;
}

bool identity(int fd, dev_t& dev, ino_t& ino) {
  struct stat st {};
  if (fstat(fd, &st) != 0) return false;
  dev = st.st_dev, ino = st.st_ino;
  return true;
}

// pagemap: bit 63 present, bit 62 swapped out, bit 61 file page (a private page never
// written reads its file).
// `each(page, kept)`: kept when the page differs from what a fault would give it.
template <typename Each>
bool for_each_page(int pagemap, const Mapping& m, Each each) {
  std::uint64_t entries[512];
  for (std::uintptr_t page = m.start; page < m.end;) {
    std::size_t want = std::min<std::size_t>(512, (m.end - page) / kPage);
    long n = pread(pagemap, entries, want * 8, static_cast<off_t>(page / kPage * 8));
    if (n <= 0) return false;
    for (long i = 0; i < n / 8; ++i, page += kPage) each(page, (entries[i] >> 62 & 3) != 0 && (entries[i] >> 61 & 1) == 0);
  }
  return true;
}

int open_pagemap() {
  return static_cast<int>(sys(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/proc/self/pagemap"), O_RDONLY | O_CLOEXEC));
}

void set_bit(unsigned char* bits, std::size_t i) { bits[i / 8] = static_cast<unsigned char>(bits[i / 8] | 1u << (i % 8)); }
bool bit(const unsigned char* bits, std::size_t i) { return (bits[i / 8] >> (i % 8) & 1) != 0; }

// Between two inaccessible pages: the kernel merges a mapping with a neighbour of the same
// kind, and the snapshot must tell its own from the program's.
void* map_own(std::size_t bytes) {
  void* p = mmap(nullptr, bytes + 2 * kPage, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  auto* inside = static_cast<char*>(p) + kPage;
  if (mprotect(inside, bytes, PROT_READ | PROT_WRITE) != 0) {
    munmap(p, bytes + 2 * kPage);
    return nullptr;
  }
  return inside;
}

void unmap_own(void* inside, std::size_t bytes) { munmap(static_cast<char*>(inside) - kPage, bytes + 2 * kPage); }

void mark_ours(Store& s) {
  auto own = [](std::uintptr_t at, std::size_t bytes, const Mapping& m) { return m.start < at + bytes && at < m.end; };
  for (int i = 0; i < s.mapping_count; ++i) {
    Mapping& m = s.mappings[i];
    m.ours = own(reinterpret_cast<std::uintptr_t>(&s), sizeof(Store), m) ||
             own(reinterpret_cast<std::uintptr_t>(s.scratch), sizeof(Scratch), m) ||
             (s.bits != nullptr && own(reinterpret_cast<std::uintptr_t>(s.bits), s.bits_bytes + s.pages_bytes, m));
  }
}

// The first pass: how many pages there are to keep, and room for them.
bool make_room(Store& s, int pagemap) {
  if (!read_mappings(s.maps_file, *s.scratch, s.mappings, s.mapping_count)) return false;
  mark_ours(s);
  std::uint64_t writable = 0;
  std::size_t present = 0;
  for (int i = 0; i < s.mapping_count; ++i) {
    const Mapping& m = s.mappings[i];
    if (!m.private_writable()) continue;
    writable += m.end - m.start;
    if (writable > kMostWritableBytes) return false;
    if (!for_each_page(pagemap, m, [&](std::uintptr_t, bool kept) { present += kept; })) return false;
  }
  s.bits_bytes = (writable / kPage + 7) / 8 + kPage;  // room for a mapping or two more
  s.page_capacity = present + present / 4 + 64;
  s.pages_bytes = s.page_capacity * kPage;
  s.bits = static_cast<unsigned char*>(map_own(s.bits_bytes + s.pages_bytes));
  s.pages = s.bits == nullptr ? nullptr : s.bits + s.bits_bytes;
  return s.bits != nullptr;
}

// The second pass, with the room mapped: every page that differs from what a fault would give.
bool save_pages(Store& s, int pagemap) {
  if (!read_mappings(s.maps_file, *s.scratch, s.mappings, s.mapping_count)) return false;
  mark_ours(s);
  std::size_t next_bit = 0, saved = 0;
  for (int i = 0; i < s.mapping_count; ++i) {
    Mapping& m = s.mappings[i];
    if (!m.private_writable()) continue;
    m.first_bit = next_bit;
    if ((next_bit + m.pages() + 7) / 8 > s.bits_bytes) return false;
    std::size_t b = next_bit;
    bool ok = m.perms[0] == 'r' && for_each_page(pagemap, m, [&](std::uintptr_t page, bool kept) {
      if (kept && saved < s.page_capacity) {
        std::memcpy(s.pages + saved * kPage, reinterpret_cast<const void*>(page), kPage);
        set_bit(s.bits, b);
      }
      saved += kept;  // past the capacity: out of room, no snapshot
      ++b;
    });
    if (!ok || saved > s.page_capacity) return false;
    next_bit += m.pages();
  }
  return true;
}

// In ascending order: a restore closes the gaps between them.
bool save_descriptors(Store& s) {
  int fds[kMostDescriptors];
  int n = list_descriptors(fds, kMostDescriptors);
  if (n < 0) return false;
  std::sort(fds, fds + n);
  s.descriptor_count = 0;
  for (int i = 0; i < n; ++i) {
    Descriptor& d = s.descriptors[s.descriptor_count];
    d.fd = fds[i];
    if (identity(d.fd, d.dev, d.ino)) ++s.descriptor_count;
  }
  return true;
}

void save_process_state(Store& s) {
  s.status = read_status(s.status_file, s.scratch->text, sizeof(s.scratch->text));
  // libc's own signals (SIGCANCEL, SIGSETXID) are left to libc, as its sigaction leaves them.
  for (int sig = 1; sig < kSignals; ++sig)
    s.action_kept[sig] = (sig < __SIGRTMIN || sig >= SIGRTMIN) &&
                         sys(SYS_rt_sigaction, sig, 0, reinterpret_cast<long>(&s.actions[sig]), kKernelSigsetBytes) == 0;
  sigaltstack(nullptr, &s.altstack);
  s.umask = umask(0);
  umask(s.umask);
  s.brk = static_cast<std::uintptr_t>(sys(SYS_brk, 0));
  if (sys(SYS_getcwd, reinterpret_cast<long>(s.cwd), sizeof(s.cwd)) < 0) s.cwd[0] = '\0';
}

void drop_store(Store* s) {
  for (ProcFile f : {s->status_file, s->maps_file, s->timers_file})
    if (f.kept >= 0) sys(SYS_close, f.kept);
  if (s->bits != nullptr) unmap_own(s->bits, s->bits_bytes + s->pages_bytes);
  if (s->scratch != nullptr) unmap_own(s->scratch, sizeof(Scratch));
  unmap_own(s, sizeof(Store));
}

// ---- restore ----

bool same_mapping_at(const Mapping& was, const Mapping& now) {
  if (std::memcmp(was.perms, now.perms, 4) != 0 || was.inode != now.inode || was.major != now.major || was.minor != now.minor)
    return false;
  if (was.inode == 0) return true;  // an anonymous mapping's offset follows its merges
  std::uintptr_t from = was.start > now.start ? was.start : now.start;
  return was.offset + (from - was.start) == now.offset + (from - now.start);
}

// Every byte of the snapshot's mappings is still mapped as it was (a stack may have grown;
// the break is put back apart).
bool mappings_still_there(const Store& s, const Scratch& c) {
  int j = 0;
  for (int i = 0; i < s.mapping_count; ++i) {
    const Mapping& was = s.mappings[i];
    if (was.heap || was.ours) continue;  // ours are no part of the process put back
    std::uintptr_t at = was.start;
    while (j < c.current_count && c.current[j].end <= at) ++j;
    for (int k = j; at < was.end; ++k) {
      if (k == c.current_count || c.current[k].start > at || !same_mapping_at(was, c.current[k])) return false;
      at = c.current[k].end;
    }
  }
  return true;
}

// Unmaps what no snapshot mapping covers: mappings made since, and what grew onto old ones
// (the break, put back already, leaves nothing past the snapshot's heap).
bool unmap_new(const Store& s, const Scratch& c) {
  int i = 0;
  for (int k = 0; k < c.current_count; ++k) {
    const Mapping& now = c.current[k];
    if (now.stack) continue;  // a stack grows down by itself
    std::uintptr_t at = now.start;
    while (at < now.end) {
      while (i < s.mapping_count && s.mappings[i].end <= at) ++i;
      std::uintptr_t covered_from = i < s.mapping_count ? s.mappings[i].start : now.end;
      if (covered_from > at) {
        std::uintptr_t to = covered_from < now.end ? covered_from : now.end;
        if (munmap(reinterpret_cast<void*>(at), to - at) != 0) return false;
        at = to;
      } else {
        at = s.mappings[i].end;
      }
    }
  }
  return true;
}

bool descriptors_kept(const Store& s) {
  for (int i = 0; i < s.descriptor_count; ++i) {
    dev_t dev;
    ino_t ino;
    if (!identity(s.descriptors[i].fd, dev, ino) || dev != s.descriptors[i].dev || ino != s.descriptors[i].ino) return false;
  }
  return true;
}

bool close_listed_new_descriptors(const Store& s) {
  int fds[kMostDescriptors];
  int n = list_descriptors(fds, kMostDescriptors);
  if (n < 0) return false;
  for (int i = 0; i < n; ++i) {
    bool kept = false;
    for (int j = 0; j < s.descriptor_count && !kept; ++j) kept = s.descriptors[j].fd == fds[i];
    if (!kept) sys(SYS_close, fds[i]);
  }
  return true;
}

// Every descriptor but the snapshot's: the ranges between them closed whole, without
// listing what is open (close_range, Linux 5.9). Where it fails (an older kernel, a
// sandbox's seccomp filter), it has closed nothing, and a listing does it instead.
bool close_new_descriptors(const Store& s) {
  long from = 0;
  for (int i = 0; i <= s.descriptor_count; ++i) {
    long upto = i < s.descriptor_count ? s.descriptors[i].fd - 1L : static_cast<long>(~0u);
    if (upto >= from && sys(SYS_close_range, from, upto, 0) != 0) return close_listed_new_descriptors(s);
    from = upto + 2;  // past the one kept
  }
  return true;
}

bool put_pages_back(const Store& s) {
  std::size_t saved = 0;
  for (int i = 0; i < s.mapping_count; ++i) {
    const Mapping& m = s.mappings[i];
    if (!m.private_writable()) continue;
    std::uintptr_t drop_from = 0;
    for (std::size_t p = 0; p <= m.pages(); ++p) {
      bool kept = p < m.pages() && bit(s.bits, m.first_bit + p);
      std::uintptr_t page = m.start + p * kPage;
      if ((kept || p == m.pages()) && drop_from != 0) {
        if (madvise(reinterpret_cast<void*>(drop_from), page - drop_from, MADV_DONTNEED) != 0) return false;
        drop_from = 0;
      }
      if (p == m.pages()) break;
      if (!kept) {
        if (drop_from == 0) drop_from = page;
        continue;
      }
      const unsigned char* copy = s.pages + saved++ * kPage;
      // Compared first: a page the cells never wrote stays clean (shared with the worker,
      // in a forked runner).
      if (std::memcmp(reinterpret_cast<void*>(page), copy, kPage) != 0) std::memcpy(reinterpret_cast<void*>(page), copy, kPage);
    }
  }
  return true;
}

// A signal neither caught then nor now, and ignored then as now, has the disposition it had
// (SIGCHLD's flags aside): a system call each for the others only.
void put_process_state_back(const Store& s, const Status& now) {
  for (int sig = 1; sig < kSignals; ++sig) {
    std::uint64_t bit = std::uint64_t{1} << (sig - 1);
    bool same = ((s.status.caught | now.caught) & bit) == 0 && ((s.status.ignored ^ now.ignored) & bit) == 0;
    if (s.action_kept[sig] && (!same || sig == SIGCHLD))
      sys(SYS_rt_sigaction, sig, reinterpret_cast<long>(&s.actions[sig]), 0, kKernelSigsetBytes);
  }
  if (s.altstack.ss_flags & SS_DISABLE) {
    stack_t off{};
    off.ss_flags = SS_DISABLE;
    sigaltstack(&off, nullptr);
  } else {
    sigaltstack(&s.altstack, nullptr);
  }
  umask(s.umask);
  if (s.cwd[0] != '\0' && sys(SYS_getcwd, reinterpret_cast<long>(s.scratch->cwd_now), sizeof(s.scratch->cwd_now)) >= 0 &&
      std::strcmp(s.cwd, s.scratch->cwd_now) != 0)
    sys(SYS_chdir, reinterpret_cast<long>(s.cwd));
  itimerval off{};
  for (int which : {ITIMER_REAL, ITIMER_VIRTUAL, ITIMER_PROF}) setitimer(which, &off, nullptr);
}

// Running or a zombie, of any kind: waitid without reaping one (an error counts as "maybe").
bool has_children() {
  siginfo_t info{};
  long options = WEXITED | WSTOPPED | WCONTINUED | WNOHANG | WNOWAIT | __WALL;
  return syscall(SYS_waitid, P_ALL, 0, &info, options, nullptr) == 0 || errno != ECHILD;
}

bool quiet_process(const Store& s, const Status& now) {
  sigset_t pending;
  sigemptyset(&pending);
  if (sigpending(&pending) != 0 || !sigisemptyset(&pending)) return false;
  return now.threads == 1 && !has_children() && !lists_anything(s.timers_file);
}

// A handler running on a stack of the target's own (a coroutine's, on the heap) would have
// it rewritten or unmapped under its feet.
bool running_on_main_stack(const Scratch& c) {
  char here = 0;
  auto at = reinterpret_cast<std::uintptr_t>(&here);
  for (int i = 0; i < c.current_count; ++i)
    if (c.current[i].stack) return at >= c.current[i].start && at < c.current[i].end;
  return false;
}

}  // namespace

bool take_process_snapshot() noexcept {
  char text[4096];
  if (g_store != nullptr || read_status({"/proc/self/status"}, text, sizeof(text)).threads != 1) return false;
  auto* s = static_cast<Store*>(map_own(sizeof(Store)));
  if (s == nullptr) return false;
  s->status_file = s->maps_file = s->timers_file = ProcFile{};  // none open yet: drop_store closes none
  // Before the descriptors are listed: a restore keeps them, and checks them as the others.
  s->status_file = keep_open("/proc/self/status");
  s->maps_file = keep_open("/proc/self/maps");
  s->timers_file = keep_open("/proc/self/timers");
  s->scratch = static_cast<Scratch*>(map_own(sizeof(Scratch)));
  if (s->scratch == nullptr) return drop_store(s), false;
  g_store = s;
  int pagemap = open_pagemap();
  bool kept = pagemap >= 0 && make_room(*s, pagemap) && save_pages(*s, pagemap);
  if (pagemap >= 0) sys(SYS_close, pagemap);
  if (!kept || !save_descriptors(*s)) {
    g_store = nullptr;
    drop_store(s);
    return false;
  }
  save_process_state(*s);
  s->pid = sys(SYS_getpid);
  s->ready = true;
  // Read-only for good: a wild write of the target's faults, and is undone.
  mprotect(s->bits, s->bits_bytes + s->pages_bytes, PROT_READ);
  mprotect(s, sizeof(Store), PROT_READ);
  return true;
}

bool restore_process_snapshot() noexcept {
  const Store* s = g_store;
  if (s == nullptr || !s->ready || s->pid != sys(SYS_getpid)) return false;
  Scratch& now = *s->scratch;
  // The kept /proc files are checked before they are read: a target may have put
  // anything in their place (a pipe, a device whose read would block).
  if (!descriptors_kept(*s)) return false;
  Status status = read_status(s->status_file, now.text, sizeof(now.text));
  if (!quiet_process(*s, status)) return false;
  if (!read_mappings(s->maps_file, now, now.current, now.current_count) || !running_on_main_stack(now) || !mappings_still_there(*s, now))
    return false;
  if (static_cast<std::uintptr_t>(sys(SYS_brk, 0)) != s->brk &&
      static_cast<std::uintptr_t>(sys(SYS_brk, static_cast<long>(s->brk))) != s->brk)
    return false;
  if (!close_new_descriptors(*s) || !unmap_new(*s, now) || !put_pages_back(*s)) return false;
  put_process_state_back(*s, status);
  return true;
}

}  // namespace connfuzz::fuzz
