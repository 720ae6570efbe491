// Runs one program under the preload layer and reports how it ended.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "seccomp_backend.h"

namespace connfuzz::tools {

struct RunRequest {
  std::vector<std::string> argv;          // argv[0] is resolved through PATH
  std::vector<std::string> environment;   // extra NAME=VALUE entries
  std::string log_path;                   // where the preload layer writes events
  bool stream_log = false;                // copy the log to stderr while it grows
  bool private_network = true;            // a new network namespace with only lo up
  double timeout_seconds = 0;             // 0: none
  std::string output_path;                // the program's stdout and stderr go here ("": connfuzz's own)
  std::optional<SeccompSettings> seccomp;  // the kernel-level backend instead of the preload's environment
  bool core_files = true;                 // false: a crash dumps no core, whatever the user's limit
};

// A program started and not yet waited for: the leader of its own process group.
struct StartedProgram {
  int pid = -1;
  std::string network;  // as RunResult::network
  std::shared_ptr<SeccompSupervisor> supervisor;  // answers its calls until reset after the program ends
};

struct RunResult {
  int exit_status = 0;      // as timeout(1): the program's, 128+N for signal N, 124 on timeout
  bool timed_out = false;
  int signal = 0;           // the signal that ended the program (not connfuzz's kill on timeout)
  std::string network;      // "private (lo only)" or why it could not be
};

// Throws UsageError when the program cannot be found or started.
RunResult run_supervised(const RunRequest& request);

// Starts the program and returns at once (run_supervised's first half); the caller
// waits for it and kills its process group. Throws as run_supervised does.
StartedProgram start_supervised(const RunRequest& request);

// Fills exit_status (as timeout(1) gives it: the program's, 128+N for signal N, 124
// on timeout) and signal from waitpid's status.
void set_exit(RunResult& result, int wait_status, bool timed_out);

// The program's full path, or "" when PATH has no such executable.
std::string find_program(const std::string& name);
// An LLVM tool (llvm-cov, llvm-profdata, llvm-symbolizer): on PATH, else Debian's
// llvm-14 directory; "" when neither has it.
std::string find_llvm_tool(const std::string& name);

// True if the file is an ELF executable with no dynamic loader (LD_PRELOAD cannot reach it).
bool is_static_elf(const std::string& path);

}  // namespace connfuzz::tools
