// A stack's frames and the harness's target line, read back into a source location.
#include "finding_location.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <regex>

#include "child_spawn.h"
#include "supervisor.h"
#include "text_lines.h"

namespace connfuzz::tools {
namespace {

// Frames in these are not the target's code: connfuzz's harness, injector and API, the
// fuzz engine, the sanitizers' runtimes, the C and C++ libraries.
bool not_the_target(const std::string& file) {
  static const std::regex kOwnOrSystem(
      "/fuzz/(api|scenario|verdict)/|/fuzz/(harness|replay_main|listeners|watched_call)\\.|/inject/|/include/connfuzz/|"
      "/tools/|compiler-rt|libfuzzer|/libFuzzer/|^/usr/|/sysdeps/|/nptl/|/libio/");
  return std::regex_search(file, kOwnOrSystem);
}

// llvm-symbolizer's answer for one offset: "function\nfile:line:column\n".
std::optional<SourceLocation> symbolize(const std::string& module, const std::string& offset) {
  std::string tool = find_llvm_tool("llvm-symbolizer");
  int out[2];
  if (tool.empty() || pipe2(out, O_CLOEXEC) != 0) return std::nullopt;
  pid_t child = -1;
  try {
    child = spawn_child(SpawnRequest{{tool, "--obj=" + module, offset}, {}, {}, {{1, out[1]}}});
  } catch (const std::exception&) {
  }
  close(out[1]);
  std::string text;
  std::array<char, 512> buffer{};
  for (ssize_t n; child > 0 && (n = read(out[0], buffer.data(), buffer.size())) > 0;)
    text.append(buffer.data(), static_cast<std::size_t>(n));
  close(out[0]);
  if (child > 0) reap(child);
  std::smatch m;
  static const std::regex kFileLine("\\n([^\\n]+):([0-9]+):[0-9]+");
  if (!std::regex_search(text, m, kFileLine) || m[1] == "??" || std::stoi(m[2]) == 0) return std::nullopt;
  return SourceLocation{m[1], std::stoi(m[2])};
}

}  // namespace

std::optional<SourceLocation> finding_location(const std::string& output) {
  static const std::regex kFrame("^ *#[0-9]+ 0x[0-9a-f]+ in .* ([^ :]+):([0-9]+)(:[0-9]+)?$");
  static const std::regex kTarget("^target: [A-Za-z0-9_]+ \\((.+)\\+(0x[0-9a-f]+)\\)$");
  std::optional<SourceLocation> frame, entry;
  for_each_line(output, [&](std::string_view view) {
    std::string line(view);
    std::smatch m;
    if (!frame && std::regex_match(line, m, kFrame) && !not_the_target(m[1])) frame = SourceLocation{m[1], std::stoi(m[2])};
    if (!entry && std::regex_match(line, m, kTarget)) entry = symbolize(m[1], m[2]);
    return true;
  });
  return frame ? frame : entry;
}

}  // namespace connfuzz::tools
