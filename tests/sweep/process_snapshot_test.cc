// The process snapshot a sweep's cell runner undoes a crash with: what it puts back, and
// what makes it refuse. A process takes one snapshot in its life, so each case runs in
// a child of its own and sends back what it found wrong.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <string>
#include <vector>

#include "in_child.h"
#include "process_snapshot.h"

namespace {

using connfuzz::fuzz::restore_process_snapshot;
using connfuzz::fuzz::take_process_snapshot;
using connfuzz::testing::in_child;

int g_data = 17;          // .data
int g_bss = 0;            // .bss
char* g_heap = nullptr;   // a heap block made before the snapshot

bool is_open(int fd) { return fcntl(fd, F_GETFD) >= 0; }

bool is_mapped(void* page) { return msync(page, 4096, MS_ASYNC) == 0; }

TEST(ProcessSnapshot, PutsTheMemoryBackAsItWas) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              g_heap = static_cast<char*>(std::malloc(64));
              std::strcpy(g_heap, "before");
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              g_data = 99, g_bss = 5;
              std::strcpy(g_heap, "after");
              char* more = static_cast<char*>(std::malloc(1 << 20));  // a mapping of its own
              std::memset(more, 1, 1 << 20);
              if (!restore_process_snapshot()) return std::string("refused");
              std::string wrong;
              if (g_data != 17) wrong += "data " + std::to_string(g_data) + "; ";
              if (g_bss != 0) wrong += "bss " + std::to_string(g_bss) + "; ";
              if (std::strcmp(g_heap, "before") != 0) wrong += std::string("heap '") + g_heap + "'; ";
              auto page = reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(more) & ~std::uintptr_t{4095});
              if (is_mapped(page)) wrong += "the block allocated since is still mapped; ";
              return wrong;
            }),
            "");
}

TEST(ProcessSnapshot, PutsTheBreakBackAndDropsPagesTouchedSince) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              void* before = sbrk(0);
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              if (sbrk(1 << 16) == reinterpret_cast<void*>(-1)) return std::string("sbrk failed");
              static char zeros[4096 * 4];  // .bss never touched before the snapshot
              std::memset(zeros, 7, sizeof(zeros));
              if (!restore_process_snapshot()) return std::string("refused");
              std::string wrong;
              if (sbrk(0) != before) wrong += "the break moved; ";
              for (char c : zeros)
                if (c != 0) return wrong + "a page untouched before the snapshot kept what was written since";
              return wrong;
            }),
            "");
}

TEST(ProcessSnapshot, ClosesDescriptorsOpenedSinceAndPutsSignalHandlersBack) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              int fd = open("/dev/null", O_RDONLY);
              signal(SIGUSR1, [](int) {});
              signal(SIGUSR2, SIG_IGN);
              if (!restore_process_snapshot()) return std::string("refused");
              std::string wrong;
              if (is_open(fd)) wrong += "the descriptor opened since is open; ";
              struct sigaction now {};
              sigaction(SIGUSR1, nullptr, &now);
              if (now.sa_handler != SIG_DFL) wrong += "SIGUSR1 is still handled; ";
              sigaction(SIGUSR2, nullptr, &now);
              if (now.sa_handler != SIG_DFL) wrong += "SIGUSR2 is still ignored; ";
              return wrong;
            }),
            "");
}

TEST(ProcessSnapshot, PutsTheUmaskDirectoryAltStackAndTimersBack) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              mode_t mask = umask(022);
              umask(mask);
              char cwd[4096];
              if (getcwd(cwd, sizeof(cwd)) == nullptr) return std::string("getcwd failed");
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              umask(077);
              if (chdir("/") != 0) return std::string("chdir failed");
              static std::vector<char> alt_memory(1 << 16);
              stack_t alt{};
              alt.ss_sp = alt_memory.data();
              alt.ss_size = alt_memory.size();
              sigaltstack(&alt, nullptr);
              itimerval in_an_hour{};
              in_an_hour.it_value.tv_sec = 3600;
              setitimer(ITIMER_REAL, &in_an_hour, nullptr);
              if (!restore_process_snapshot()) return std::string("refused");
              std::string wrong;
              mode_t now = umask(0);
              if (now != mask) wrong += "umask " + std::to_string(now) + "; ";
              char here[4096];
              if (getcwd(here, sizeof(here)) == nullptr || std::string(here) != cwd) wrong += "directory " + std::string(here) + "; ";
              stack_t current{};
              sigaltstack(nullptr, &current);
              if (!(current.ss_flags & SS_DISABLE)) wrong += "the alternate stack set since is still there; ";
              itimerval timer{};
              getitimer(ITIMER_REAL, &timer);
              if (timer.it_value.tv_sec != 0) wrong += "the alarm set since still runs; ";
              return wrong;
            }),
            "");
}

// Each change below is one a restore cannot undo: it must say so and leave the process be.
TEST(ProcessSnapshot, RefusesWhenADescriptorOfTheSnapshotWasClosedOrReplaced) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              int fd = open("/dev/null", O_RDONLY);
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              close(fd);
              if (restore_process_snapshot()) return std::string("restored with a descriptor gone");
              if (open("/dev/zero", O_RDONLY) != fd) return std::string("the descriptor's number was not free");
              return std::string(restore_process_snapshot() ? "restored with a descriptor replaced" : "");
            }),
            "");
}

TEST(ProcessSnapshot, RefusesWhenAMappingOfTheSnapshotWasUnmapped) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              void* p = mmap(nullptr, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
              if (p == MAP_FAILED) return std::string("mmap failed");
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              munmap(static_cast<char*>(p) + 4096, 4096);
              return std::string(restore_process_snapshot() ? "restored with a page unmapped" : "");
            }),
            "");
}

// A thread that waits until the object goes.
class SecondThread {
 public:
  SecondThread() { running = pipe(fds_) == 0 && pthread_create(&thread_, nullptr, &wait, this) == 0; }
  ~SecondThread() {
    if (!running) return;
    if (write(fds_[1], "x", 1) == 1) pthread_join(thread_, nullptr);
  }
  SecondThread(const SecondThread&) = delete;
  SecondThread& operator=(const SecondThread&) = delete;
  bool running = false;

 private:
  static void* wait(void* self) {
    char c;
    return read(static_cast<SecondThread*>(self)->fds_[0], &c, 1) < 0 ? nullptr : nullptr;
  }
  int fds_[2] = {-1, -1};
  pthread_t thread_{};
};

TEST(ProcessSnapshot, RefusesWhileASecondThreadRuns) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              SecondThread thread;
              if (!thread.running) return std::string("no thread");
              return std::string(restore_process_snapshot() ? "restored with a second thread running" : "");
            }),
            "");
}

TEST(ProcessSnapshot, RefusesWhileASignalIsPending) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              sigset_t usr1;
              sigemptyset(&usr1);
              sigaddset(&usr1, SIGUSR1);
              sigprocmask(SIG_BLOCK, &usr1, nullptr);
              raise(SIGUSR1);
              return std::string(restore_process_snapshot() ? "restored with SIGUSR1 pending" : "");
            }),
            "");
}

TEST(ProcessSnapshot, RefusesWithAChildProcessAlive) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              pid_t grandchild = fork();
              if (grandchild == 0) {
                pause();
                _exit(0);
              }
              bool restored = restore_process_snapshot();
              kill(grandchild, SIGKILL);
              waitpid(grandchild, nullptr, 0);
              return std::string(restored ? "restored with a child process alive" : "");
            }),
            "");
}

// A POSIX timer would fire into the restored process; the snapshot has no way to know
// whether it was there before.
TEST(ProcessSnapshot, RefusesWithAPosixTimer) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              sigevent none{};
              none.sigev_notify = SIGEV_NONE;
              timer_t timer{};
              if (timer_create(CLOCK_MONOTONIC, &none, &timer) != 0) return std::string("timer_create failed");
              bool restored = restore_process_snapshot();
              timer_delete(timer);
              return std::string(restored ? "restored with a POSIX timer" : "");
            }),
            "");
}

// A handler on a stack of the program's own (a coroutine's, say, on the heap) would have
// that stack rewritten under its feet.
TEST(ProcessSnapshot, RefusesFromAHandlerRunningOnAnotherStack) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              static std::vector<char> heap_stack(1 << 16);
              static bool restored = false;
              stack_t alt{};
              alt.ss_sp = heap_stack.data();
              alt.ss_size = heap_stack.size();
              if (sigaltstack(&alt, nullptr) != 0) return std::string("sigaltstack failed");
              struct sigaction on_usr1 {};
              on_usr1.sa_handler = [](int) { restored = restore_process_snapshot(); };
              on_usr1.sa_flags = SA_ONSTACK;
              sigaction(SIGUSR1, &on_usr1, nullptr);
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              raise(SIGUSR1);
              return std::string(restored ? "restored from a handler on the heap" : "");
            }),
            "");
}

TEST(ProcessSnapshot, IsTakenOnceAndNeverWithASecondThread) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              if (!take_process_snapshot()) return std::string("no snapshot taken");
              return std::string(take_process_snapshot() ? "a second snapshot was taken" : "");
            }),
            "");
  EXPECT_EQ(in_child([] {
              SecondThread thread;
              if (!thread.running) return std::string("no thread");
              return std::string(take_process_snapshot() ? "a snapshot was taken with two threads" : "");
            }),
            "");
}

}  // namespace
