// Starts the program in its own process group (and network namespace where the
// machine allows it), streams the event log, enforces the timeout.
#include "supervisor.h"

#include <elf.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "child_spawn.h"
#include "usage_error.h"
#include "core_limit.h"
#include "private_network.h"

namespace connfuzz::tools {
namespace {

pid_t g_child_group = 0;

void forward_signal(int sig) {
  if (g_child_group > 0) kill(-g_child_group, sig);
}

// Copies what the log gained since `offset` to stderr.
void drain_log(int fd, off_t& offset) {
  if (fd < 0) return;
  char buffer[65536];
  for (int round = 0; round < 1024; ++round) {
    ssize_t n = pread(fd, buffer, sizeof(buffer), offset);
    if (n <= 0) return;
    offset += n;
    if (write(2, buffer, static_cast<size_t>(n)) < 0) return;
  }
}

// How often run_supervised looks whether the program ended: the streamed log and the
// timeout are that late at most.
constexpr int kWaitSliceMs = 20;

double now_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

std::string find_program(const std::string& name) {
  auto executable = [](const std::string& path) {
    struct stat st{};
    return stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && access(path.c_str(), X_OK) == 0;
  };
  if (name.find('/') != std::string::npos) return executable(name) ? name : "";
  const char* path = std::getenv("PATH");
  std::string dirs = path && *path ? path : "/usr/local/bin:/usr/bin:/bin";
  for (std::size_t start = 0; start <= dirs.size();) {
    std::size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string candidate = (end == start ? "." : dirs.substr(start, end - start)) + "/" + name;
    if (executable(candidate)) return candidate;
    start = end + 1;
  }
  return "";
}

std::string find_llvm_tool(const std::string& name) {
  std::string found = find_program(name);
  return found.empty() ? find_program("/usr/lib/llvm-14/bin/" + name) : found;
}

bool is_static_elf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  Elf64_Ehdr header{};
  if (!in.read(reinterpret_cast<char*>(&header), sizeof(header)) || std::memcmp(header.e_ident, ELFMAG, SELFMAG) != 0 ||
      header.e_ident[EI_CLASS] != ELFCLASS64)
    return false;  // a script or another format: its interpreter is dynamic
  for (int i = 0; i < header.e_phnum; ++i) {
    Elf64_Phdr ph{};
    in.seekg(static_cast<std::streamoff>(header.e_phoff + static_cast<Elf64_Off>(i) * header.e_phentsize));
    if (!in.read(reinterpret_cast<char*>(&ph), sizeof(ph))) return false;
    if (ph.p_type == PT_INTERP) return false;
  }
  return true;
}

namespace {

// The pipes between connfuzz and the child before its exec.
struct StartPipes {
  // With seccomp, the child sends its listener's number and waits until connfuzz holds
  // the listener: exec would close the child's copy, and without one the filter fails.
  int listener_note[2] = {-1, -1}, listener_taken[2] = {-1, -1};
  int exec_error[2];
  int network_note[2];
};

StartPipes open_start_pipes(bool seccomp) {
  StartPipes p;
  if (seccomp && (pipe2(p.listener_note, O_CLOEXEC) != 0 || pipe2(p.listener_taken, O_CLOEXEC) != 0))
    throw std::runtime_error("pipe2 failed");
  if (pipe2(p.exec_error, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  if (pipe2(p.network_note, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  return p;
}

[[noreturn]] void exec_child(const RunRequest& request, const std::string& program, char** argv, char** envp, int output,
                             SeccompFilter* filter, const StartPipes& p) {
  setpgid(0, 0);
  if (output >= 0) dup2(output, 1), dup2(output, 2);
  if (!request.core_files) inject::disable_core_files();
  std::string network = request.private_network ? inject::enter_private_network() : "not requested (--no-netns)";
  (void)!write(p.network_note[1], network.data(), network.size());
  close(p.network_note[1]);
  if (filter) {
    int listener = network.empty() ? filter->load_in_child() : -ENETDOWN;
    (void)!write(p.listener_note[1], &listener, sizeof(listener));
    char taken = 0;
    if (listener < 0 || read(p.listener_taken[0], &taken, 1) != 1) _exit(126);
    close(listener);
  }
  execve(program.c_str(), argv, envp);
  int err = errno;
  (void)!write(p.exec_error[1], &err, sizeof(err));
  _exit(127);
}

// Empty when the child has its private network, else why not.
std::string read_network_note(StartPipes& p) {
  char note[256] = {};
  ssize_t note_len = read(p.network_note[0], note, sizeof(note) - 1);
  close(p.network_note[0]);
  return std::string(note, note_len > 0 ? static_cast<size_t>(note_len) : 0);
}

void abandon_child(pid_t child, StartPipes& p) {
  close(p.listener_taken[1]);
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  close(p.exec_error[0]);
}

// Takes the child's seccomp listener, starts answering it, then lets the child exec.
void take_listener(StartedProgram& started, const RunRequest& request, const std::string& why, StartPipes& p) {
  pid_t child = started.pid;
  close(p.listener_note[1]);
  close(p.listener_taken[0]);
  int theirs = -1;
  bool got = read(p.listener_note[0], &theirs, sizeof(theirs)) == sizeof(theirs) && theirs >= 0;
  int pidfd = got ? static_cast<int>(syscall(SYS_pidfd_open, child, 0)) : -1;
  int ours = pidfd >= 0 ? static_cast<int>(syscall(SYS_pidfd_getfd, pidfd, theirs, 0)) : -1;
  if (pidfd >= 0) close(pidfd);
  close(p.listener_note[0]);
  if (ours < 0) {
    abandon_child(child, p);
    if (!why.empty())
      throw UsageError("run: --backend seccomp needs a private network namespace (the guard checks connect only, "
                       "the namespace walls in the rest), and there is none: " + why);
    throw UsageError(std::string("run: --backend seccomp: the filter could not be installed: ") +
                     std::strerror(theirs < 0 ? -theirs : errno));
  }
  try {
    started.supervisor = std::make_shared<SeccompSupervisor>(ours, child, *request.seccomp);
  } catch (...) {
    // Nobody would answer the program's calls: it must not start.
    abandon_child(child, p);
    throw;
  }
  (void)!write(p.listener_taken[1], "1", 1);
  close(p.listener_taken[1]);
}

}  // namespace

StartedProgram start_supervised(const RunRequest& request) {
  std::string program = find_program(request.argv.at(0));
  if (program.empty()) throw UsageError("run: cannot find program '" + request.argv[0] + "' (not in PATH or not executable)");

  std::vector<std::string> env_storage = environment_with(request.environment);
  std::vector<char*> envp = null_terminated(env_storage);
  std::vector<std::string> args = request.argv;
  std::vector<char*> argv = null_terminated(args);

  int output = -1;
  if (!request.output_path.empty()) {
    output = open(request.output_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (output < 0) throw UsageError("run: cannot write the program's output to '" + request.output_path + "'");
  }
  std::optional<SeccompFilter> filter;
  if (request.seccomp) filter.emplace();
  StartPipes p = open_start_pipes(filter.has_value());

  pid_t child = fork();
  if (child < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (child == 0) exec_child(request, program, argv.data(), envp.data(), output, filter ? &*filter : nullptr, p);
  setpgid(child, child);
  if (output >= 0) close(output);
  close(p.exec_error[1]);
  close(p.network_note[1]);

  StartedProgram started;
  started.pid = child;
  std::string why = read_network_note(p);
  started.network = why.empty() ? "private (lo only)" : "shared with the host: " + why + "; the guard alone stands";
  if (filter) take_listener(started, request, why, p);

  int exec_errno = 0;
  if (read(p.exec_error[0], &exec_errno, sizeof(exec_errno)) == sizeof(exec_errno)) {
    close(p.exec_error[0]);
    waitpid(child, nullptr, 0);
    throw UsageError("run: cannot execute '" + program + "': " + std::strerror(exec_errno));
  }
  close(p.exec_error[0]);
  return started;
}

void set_exit(RunResult& result, int wait_status, bool timed_out) {
  result.timed_out = timed_out;
  result.signal = !timed_out && WIFSIGNALED(wait_status) ? WTERMSIG(wait_status) : 0;
  if (timed_out) result.exit_status = 124;
  else if (WIFEXITED(wait_status)) result.exit_status = WEXITSTATUS(wait_status);
  else if (WIFSIGNALED(wait_status)) result.exit_status = 128 + WTERMSIG(wait_status);
}

RunResult run_supervised(const RunRequest& request) {
  StartedProgram started = start_supervised(request);
  pid_t child = started.pid;
  g_child_group = child;
  RunResult result;
  result.network = started.network;

  struct sigaction forward{}, old_int{}, old_term{};
  forward.sa_handler = forward_signal;
  sigaction(SIGINT, &forward, &old_int);
  sigaction(SIGTERM, &forward, &old_term);

  int log_fd = request.stream_log ? open(request.log_path.c_str(), O_RDONLY | O_CLOEXEC | O_CREAT, 0600) : -1;
  off_t log_offset = 0;
  double deadline = request.timeout_seconds > 0 ? now_seconds() + request.timeout_seconds : 0;
  int status = 0;
  while (true) {
    pid_t done = waitpid(child, &status, WNOHANG);
    if (done == child) break;
    if (done < 0 && errno != EINTR) break;
    if (deadline > 0 && now_seconds() >= deadline) {
      kill(-child, SIGKILL);
      waitpid(child, &status, 0);
      result.timed_out = true;
      break;
    }
    drain_log(log_fd, log_offset);
    poll(nullptr, 0, kWaitSliceMs);
  }
  // Whatever else is left in the group (daemonised children) goes with the program.
  kill(-child, SIGKILL);
  started.supervisor.reset();
  drain_log(log_fd, log_offset);
  if (log_fd >= 0) close(log_fd);
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  g_child_group = 0;

  set_exit(result, status, result.timed_out);
  return result;
}

}  // namespace connfuzz::tools
