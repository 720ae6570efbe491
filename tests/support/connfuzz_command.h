// Runs the `connfuzz` binary (CONNFUZZ_BINARY) as a user does and keeps what it said.
#pragma once

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace connfuzz::testing {

struct CommandResult {
  int status = -1;     // the exit status; -1 when killed by a signal
  std::string output;  // stdout and stderr together
  bool says(const std::string& text) const { return output.find(text) != std::string::npos; }
};

inline std::string quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// `stderr_too`: the output has both streams; else only stdout (a report to parse).
inline CommandResult run_shell(const std::string& command, bool stderr_too = true) {
  CommandResult out;
  // A group, so that the command's own redirections (a "< file") win over ours.
  std::string line = "{ " + command + "; }" + (stderr_too ? " 2>&1" : " 2>/dev/null") + " </dev/null";
  FILE* pipe = popen(line.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) out.output += buffer.data();
  int raw = pclose(pipe);
  out.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

// A file a command wrote, byte for byte (empty when there is none).
inline std::string file_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline CommandResult connfuzz(const std::string& args) { return run_shell(quote(CONNFUZZ_BINARY) + " " + args); }
inline CommandResult connfuzz_stdout(const std::string& args) {
  return run_shell(quote(CONNFUZZ_BINARY) + " " + args, false);
}

}  // namespace connfuzz::testing
