// The corpus through the coverage build, and llvm-cov's answer read back.
#include "source_coverage.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "child_spawn.h"
#include "supervisor.h"
#include "usage_error.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

// What llvm-cov should not count: the system's headers and connfuzz's own, which the
// target's code includes but which are not the target.
constexpr const char* kNotTheTarget = "^/usr/|/include/connfuzz/|/fuzz/(api|scenario|verdict)/|/inject/";

std::string llvm_tool(const char* name) {
  std::string path = find_llvm_tool(name);
  if (path.empty()) throw UsageError(std::string("coverage: ") + name + " is missing (Debian package llvm-14)");
  return path;
}

// Runs argv with `env_extra` set, its output to `log`; returns waitpid's status.
int run(const std::vector<std::string>& argv, const std::vector<std::string>& env_extra, const std::string& log) {
  int out = open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out < 0) throw UsageError("coverage: cannot write " + log);
  SpawnRequest request{argv, env_extra, {}, {{1, out}, {2, out}}};
  pid_t child = spawn_child(request);
  close(out);
  return reap(child);
}

// llvm-cov report's table: "FILE  regions missed cover  functions missed executed  lines missed cover ...".
std::vector<FileCoverage> read_report(const std::string& text) {
  std::vector<FileCoverage> files;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::vector<std::string> f;
    for (std::string w; fields >> w;) f.push_back(w);
    // Name, then 3 regions, 3 functions, 3 lines (and 3 branches): lines are f[7], f[8].
    if (f.size() < 10 || f[0] == "Filename" || f[0] == "TOTAL" || f[0].find('-') == 0) continue;
    try {
      long lines = std::stol(f[7]), missed = std::stol(f[8]);
      files.push_back({f[0], lines, lines - missed});
    } catch (const std::exception&) {
    }
  }
  return files;
}

std::string read_all(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

SourceCoverage measure_source_coverage(const std::string& fuzzer, const std::vector<std::string>& inputs,
                                       const std::string& dir) {
  std::string profdata = llvm_tool("llvm-profdata"), cov = llvm_tool("llvm-cov");
  fs::path profiles = fs::path(dir) / "profiles";
  fs::remove_all(profiles);
  fs::create_directories(profiles);
  std::vector<std::string> argv{fuzzer, "-runs=0"};  // libFuzzer replays; connfuzz's replay driver ignores flags
  argv.insert(argv.end(), inputs.begin(), inputs.end());
  run(argv, {"LLVM_PROFILE_FILE=" + (profiles / "%p.profraw").string()}, (fs::path(dir) / "replay.log").string());
  std::vector<std::string> merge{profdata, "merge", "-sparse", "-o", (fs::path(dir) / "merged.profdata").string()};
  for (const auto& entry : fs::directory_iterator(profiles)) merge.push_back(entry.path().string());
  if (merge.size() == 5)
    throw UsageError("coverage: " + fuzzer + " wrote no profile: it was not built with clang's source-based coverage "
                     "(-fprofile-instr-generate -fcoverage-mapping; cmake --preset coverage)");
  int merged = run(merge, {}, (fs::path(dir) / "merge.log").string());
  if (!WIFEXITED(merged) || WEXITSTATUS(merged) != 0)
    throw std::runtime_error("llvm-profdata merge failed: " + read_all((fs::path(dir) / "merge.log").string()));
  std::string instr = "-instr-profile=" + (fs::path(dir) / "merged.profdata").string();
  std::string ignore = std::string("-ignore-filename-regex=") + kNotTheTarget;
  SourceCoverage result;
  fs::path html = fs::path(dir) / "html";
  run({cov, "show", fuzzer, instr, ignore, "-format=html", "-output-dir=" + html.string()}, {},
      (fs::path(dir) / "show.log").string());
  result.html_index = (html / "index.html").string();
  std::string table = (fs::path(dir) / "report.txt").string();
  run({cov, "report", fuzzer, instr, ignore}, {}, table);
  result.files = read_report(read_all(table));
  std::ofstream(fs::path(dir) / "summary.txt") << coverage_summary(result);
  return result;
}

std::string coverage_summary(const SourceCoverage& coverage) {
  std::string out;
  long lines = 0, covered = 0;
  char row[1024];
  std::error_code ec;
  const std::string here = fs::current_path(ec).string() + "/";
  for (const FileCoverage& f : coverage.files) {
    // Relative to where the command runs (a checkout's root), as a repository names it.
    std::string name = f.file.rfind(here, 0) == 0 ? f.file.substr(here.size()) : f.file;
    std::snprintf(row, sizeof(row), "  %s  lines %ld/%ld  %.1f%%\n", name.c_str(), f.covered, f.lines,
                  f.lines ? 100.0 * f.covered / f.lines : 0.0);
    out += row;
    lines += f.lines;
    covered += f.covered;
  }
  std::snprintf(row, sizeof(row), "  total  lines %ld/%ld  %.1f%%\n", covered, lines, lines ? 100.0 * covered / lines : 0.0);
  return out + row;
}

}  // namespace connfuzz::tools
