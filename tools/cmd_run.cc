// `connfuzz run`: one run of a program under a plan, the guard and the event log.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "commands.h"
#include "plan.h"
#include "preload_environment.h"
#include "supervisor.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

struct RunOptions {
  std::string plan_text;
  std::string plan_file;
  std::string mode;  // "" : as the plan says (realistic unless it says mode=any)
  std::vector<std::string> allow_unix;
  std::string log;
  double timeout = 0;
  bool no_netns = false;
  std::string backend = "preload";
  std::vector<std::string> command;
};

std::string read_plan_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw UsageError("run: --plan-file '" + path + "' is a directory, not a plan file");
  std::ifstream in(path);
  if (!in) throw UsageError("run: cannot read --plan-file '" + path + "'");
  std::ostringstream text;
  text << in.rdbuf();
  std::string plan = text.str();
  if (plan.size() > 64 * 1024) throw UsageError("run: --plan-file '" + path + "' is over 64 KiB; a plan is a line");
  // Lines starting with '#' are comments.
  std::string kept;
  std::istringstream lines(plan);
  for (std::string line; std::getline(lines, line);)
    if (line.find_first_not_of(" \t") != std::string::npos && line[line.find_first_not_of(" \t")] != '#')
      kept += line + "\n";
  return kept;
}

// The normalized plan, or "" for a run with the guard alone.
std::string checked_plan(const RunOptions& o) {
  if (!o.plan_text.empty() && !o.plan_file.empty()) throw UsageError("run: give --plan or --plan-file, not both");
  std::string text = o.plan_file.empty() ? o.plan_text : read_plan_file(o.plan_file);
  if (text.find_first_not_of(" \t\r\n;") == std::string::npos) {
    if (!o.plan_file.empty()) throw UsageError("run: --plan-file '" + o.plan_file + "' holds no rule");
    return "";
  }
  if (o.mode == "any") text += " mode=any";
  inject::PlanError error;
  auto plan = inject::parse_plan(text, error);
  if (!plan) throw UsageError("run: " + describe_plan_error(text, error.column, error.message));
  if (o.mode == "realistic" && plan->mode == inject::Mode::Any)
    throw UsageError("run: --mode realistic contradicts the plan's mode=any");
  return inject::to_text(*plan);
}

struct LogTally {
  int events = 0, injected = 0, guarded = 0, simulated = 0, refused = 0;
};

LogTally tally(const std::string& path) {
  LogTally t;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("connfuzz:", 0) == 0) continue;
    ++t.events;
    t.injected += line.find("(INJECTED") != std::string::npos;
    t.guarded += line.find("(GUARD") != std::string::npos;
    t.simulated += line.find("(SIMULATED") != std::string::npos;
    t.refused += line.find("(NOT INJECTED") != std::string::npos;
  }
  return t;
}

int run(const RunOptions& o) {
  if (o.command.empty()) throw UsageError("run: no program given; usage: connfuzz run [options] -- PROG ARGS...");
  if (!(o.timeout >= 0) || o.timeout > 86400 * 7)
    throw UsageError("run: --timeout must be from 0 (none) to 604800 seconds, got " + std::to_string(o.timeout));
  std::string plan = checked_plan(o);
  std::vector<std::string> dirs = allowed_unix_dirs("run", o.allow_unix);
  std::string program = find_program(o.command[0]);
  if (program.empty()) throw UsageError("run: cannot find program '" + o.command[0] + "' (not in PATH or not executable)");
  bool seccomp = o.backend == "seccomp";
  if (seccomp && o.no_netns)
    throw UsageError("run: --backend seccomp needs the private network namespace (its guard checks connect only); "
                     "drop --no-netns, or use the preload backend");
  if (seccomp && !plan.empty()) {
    inject::Plan parsed = inject::parse_plan(plan);
    for (int i = 0; i < parsed.rule_count; ++i)
      if (!seccomp_intercepts(parsed.rules[i].call))
        throw UsageError("run: --backend seccomp intercepts socket, connect and close only; the rule '" +
                         inject::to_text(parsed.rules[i]) + "' needs the preload backend");
      else if (parsed.rules[i].action != inject::Action::errno_value)
        throw UsageError("run: --backend seccomp answers with errnos only (it cannot hold a thread in connect or "
                         "move the program's clock); the rule '" + inject::to_text(parsed.rules[i]) +
                         "' needs the preload backend");
  }
  if (!seccomp && is_static_elf(program))
    std::fprintf(stderr, "connfuzz: run: warning: '%s' is statically linked; the preload backend cannot see its calls (try --backend seccomp)\n",
                 program.c_str());

  RunRequest request;
  request.argv = o.command;
  request.timeout_seconds = o.timeout;
  request.private_network = !o.no_netns;
  std::string temp_log;
  if (o.log.empty()) {
    char pattern[] = "/tmp/connfuzz-run-XXXXXX";
    int fd = mkstemp(pattern);
    if (fd < 0) throw UsageError("run: cannot create a temporary log in /tmp");
    close(fd);
    temp_log = request.log_path = pattern;
    request.stream_log = true;
  } else {
    std::ofstream truncate(o.log, std::ios::trunc);
    if (!truncate) throw UsageError("run: cannot write --log '" + o.log + "'");
    request.log_path = o.log;
  }
  if (seccomp) request.seccomp = SeccompSettings{plan, dirs, request.log_path, 0};
  else request.environment = preload_environment({preload_library("run"), plan, dirs, request.log_path});

  RunResult result = run_supervised(request);
  LogTally t = tally(request.log_path);
  std::fprintf(stderr,
               "connfuzz: run: plan '%s'; network %s\n"
               "connfuzz: run: %d events: %d injected, %d guarded, %d simulated, %d not injected; %s %d\n",
               plan.empty() ? "(none)" : plan.c_str(), result.network.c_str(), t.events, t.injected, t.guarded,
               t.simulated, t.refused, result.timed_out ? "timed out, status" : "exit status", result.exit_status);
  if (!temp_log.empty()) std::remove(temp_log.c_str());
  return result.exit_status;
}

}  // namespace

void add_run_command(CLI::App& app, int& status, const std::vector<std::string>& program_words) {
  auto o = std::make_shared<RunOptions>();
  auto* cmd = app.add_subcommand("run", "Run a program under a fault plan; exits with the program's status");
  cmd->add_option("--plan", o->plan_text, "The fault plan, e.g. 'connect@1=EINTR'");
  cmd->add_option("--plan-file", o->plan_file, "Read the plan from a file ('#' starts a comment line)");
  cmd->add_option("--mode", o->mode, "realistic: only faults the kernel could return in the socket's state; any: every errno")
      ->check(CLI::IsMember({"realistic", "any"}));
  cmd->add_option("--allow-unix", o->allow_unix, "Also allow AF_UNIX connects below this directory");
  cmd->add_option("--log", o->log, "Write the event log here instead of stderr");
  cmd->add_option("--timeout", o->timeout, "Kill the program after this many seconds (exit 124)");
  cmd->add_flag("--no-netns", o->no_netns, "Do not run the program in a private network namespace");
  cmd->add_option("--backend", o->backend, "preload (default): LD_PRELOAD; seccomp: a seccomp filter (static binaries too)")
      ->check(CLI::IsMember({"preload", "seccomp"}));
  cmd->add_option("command", o->command, "-- PROG ARGS...");
  cmd->callback([o, &status, &program_words] {
    o->command.insert(o->command.end(), program_words.begin(), program_words.end());
    status = run(*o);
  });
}

}  // namespace connfuzz::tools
