// A crash inside a cell, undone in place by the signal handler (crash_undo.h): through a
// real fault, back to the runner's loop with its memory as before; and the crashes it
// must leave alone.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "crash_undo.h"
#include "in_child.h"

namespace {

using connfuzz::fuzz::cell_begins;
using connfuzz::fuzz::undo_crashes_in_place;
using connfuzz::testing::in_child;
using connfuzz::testing::read_all;

int g_written_by_the_cell = 0;

TEST(CrashUndo, AFaultInACellIsUndoneAndTheRunnerGoesOnFromItsLoop) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              static int outcomes[2];
              static char* no_access = nullptr;
              static sigjmp_buf back;
              if (pipe2(outcomes, O_NONBLOCK) != 0) return std::string("pipe failed");
              no_access = static_cast<char*>(mmap(nullptr, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
              if (sigsetjmp(back, 1) == 0) {
                if (!undo_crashes_in_place(&back, outcomes[1])) return std::string("refused");
                g_written_by_the_cell = 42;
                cell_begins();
                *reinterpret_cast<volatile char*>(no_access) = 1;  // SIGSEGV
                return std::string("no fault");
              }
              std::string wrong;
              std::string said = read_all(outcomes[0]);
              if (said != "died\t11\tundone\n") wrong += "said '" + said + "'; ";
              if (g_written_by_the_cell != 0) wrong += "the cell's write survived; ";
              sigset_t mask;
              sigprocmask(SIG_SETMASK, nullptr, &mask);
              if (sigismember(&mask, SIGSEGV) || sigismember(&mask, SIGTERM)) wrong += "signals left blocked; ";
              return wrong;
            }),
            "");
}

// A process the cell forked inherits the handler and the snapshot: its crash is its own
// death, not an undo that would make a second runner of it.
TEST(CrashUndo, AProcessTheCellForkedDiesOfItsCrash) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  EXPECT_EQ(in_child([] {
              static int outcomes[2];
              static sigjmp_buf back;
              if (pipe2(outcomes, O_NONBLOCK) != 0) return std::string("pipe failed");
              if (sigsetjmp(back, 1) != 0) _exit(7);  // a second runner: the bug
              if (!undo_crashes_in_place(&back, outcomes[1])) return std::string("refused");
              cell_begins();
              pid_t child = fork();
              if (child == 0) abort();
              int status = 0;
              waitpid(child, &status, 0);
              std::string wrong;
              if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT) wrong += "the child ended with status " + std::to_string(status) + "; ";
              std::string said = read_all(outcomes[0]);
              if (!said.empty()) wrong += "said '" + said + "'; ";
              return wrong;
            }),
            "");
}

TEST(CrashUndo, ACrashOutsideACellIsTheRunnersDeath) {
  SKIP_UNDER_A_SANITIZER_WITH_SHADOW();
  std::string said = in_child([] {
    static int outcomes[2];
    static sigjmp_buf back;
    if (pipe(outcomes) != 0) return std::string("pipe failed");
    if (sigsetjmp(back, 1) != 0) return std::string("undone outside a cell");
    if (!undo_crashes_in_place(&back, outcomes[1])) return std::string("refused");
    abort();
  });
  EXPECT_NE(said.find("wait status " + std::to_string(SIGABRT) + ")"), std::string::npos) << said;
}

TEST(CrashUndo, SwitchedOffByItsEnvironmentVariable) {
  EXPECT_EQ(in_child([] {
              static sigjmp_buf back;
              setenv("CONNFUZZ_SWEEP_RESTORE", "0", 1);
              if (sigsetjmp(back, 1) != 0) return std::string("jumped back");
              return std::string(undo_crashes_in_place(&back, 1) ? "armed with CONNFUZZ_SWEEP_RESTORE=0" : "");
            }),
            "");
}

}  // namespace
