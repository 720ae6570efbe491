// Reading a user's file and finding the fuzzer it belongs to.
#include "finding_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <regex>
#include <stdexcept>

#include "usage_error.h"
#include "environment.h"
#include "scenario.h"
#include "required_literal.h"
#include "text_lines.h"

namespace connfuzz::tools {
namespace {

namespace fs = std::filesystem;

// Far above any fuzz input (libFuzzer's default -max_len is 4096): a file this large
// was named by mistake.
constexpr off_t kMaxInputBytes = off_t{64} << 20;

bool is_fuzzer(std::string_view name) {
  auto names = fuzz::families();
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string known_fuzzers() {
  std::string list;
  for (std::string_view name : fuzz::families()) list += (list.empty() ? "" : ", ") + std::string(name);
  return list;
}

// "posix" or "posix_fuzzer" -> "posix"; "" when the name is neither.
std::string fuzzer_named(std::string name) {
  if (name.ends_with("_fuzzer")) name.resize(name.size() - 7);
  return is_fuzzer(name) ? name : std::string();
}

fs::path executable_dir() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : self.parent_path();
}

}  // namespace

std::string read_user_file(const std::string& path) {
  int fd = path == "-" ? dup(STDIN_FILENO) : open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw UsageError("cannot read " + path + ": " + std::strerror(errno));
  struct stat st{};
  if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    close(fd);
    throw UsageError(path + " is a directory; give one file");
  }
  std::string content;
  char buffer[65536];
  while (true) {
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      close(fd);
      throw UsageError("cannot read " + path + ": " + std::strerror(err));
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
    if (static_cast<off_t>(content.size()) > kMaxInputBytes) {
      close(fd);
      throw UsageError(path + " is larger than 64 MiB; fuzz inputs are far smaller");
    }
  }
  close(fd);
  return content;
}

FindingFile read_finding_file(const std::string& path, const std::string& target) {
  FindingFile file;
  file.path = path;
  std::string content = read_user_file(path);
  file.text = path.ends_with(".txt");
  if (file.text) {
    fuzz::TextError error;
    auto scenario = fuzz::parse_text(content, error);
    if (!scenario) throw UsageError(path + ": " + error.what());
    try {
      file.bytes = fuzz::encode(*scenario);
    } catch (const std::invalid_argument& e) {
      throw UsageError(path + ": " + e.what());
    }
  } else {
    file.bytes.assign(content.begin(), content.end());
  }

  if (!target.empty()) {
    file.fuzzer = fuzzer_named(target);
    if (file.fuzzer.empty()) throw UsageError("--target " + target + ": no such fuzzer; the fuzzers are: " + known_fuzzers());
    file.fuzzer_reason = "--target";
    return file;
  }
  if (file.text) {
    std::size_t at = content.find("# fuzzer: ");
    if (at != std::string::npos && (at == 0 || content[at - 1] == '\n')) {
      std::string name = content.substr(at + 10, content.find('\n', at) - at - 10);
      file.fuzzer = fuzzer_named(name);
      if (file.fuzzer.empty()) throw UsageError(path + ": '# fuzzer: " + name + "' names no fuzzer; the fuzzers are: " + known_fuzzers());
      file.fuzzer_reason = "the file's '# fuzzer:' line";
      return file;
    }
  }
  // A name that starts with its fuzzer's, as nightly and the sweep write theirs
  // (findings/example_leak_on_refused-connfuzz-socket-leak-1): the bytes alone may mean
  // another fuzzer's mode, and the first other fuzzer that finds something is a guess.
  std::string stem = fs::path(path).filename().string();
  if (std::string name = fuzzer_named(stem.substr(0, stem.find('-'))); !name.empty() && stem.find('-') != std::string::npos) {
    file.fuzzer = name;
    file.fuzzer_reason = "the file's name";
    return file;
  }
  // The nearest directory named after a fuzzer: corpus/posix/x, fuzz-work/asio/findings/crash-x.
  fs::path dir = fs::absolute(path).parent_path();
  for (fs::path d = dir; !d.empty() && d != d.root_path(); d = d.parent_path()) {
    if (std::string name = fuzzer_named(d.filename().string()); !name.empty()) {
      file.fuzzer = name;
      file.fuzzer_reason = "the directory " + d.string();
      return file;
    }
  }
  file.fuzzer = std::string(fuzz::mode_family(fuzz::decode(file.bytes).mode));
  file.fuzzer_reason = "the mode the bytes decode to";
  file.guessed = true;
  return file;
}

fs::path fuzzers_dir(const std::string& dir) {
  return !dir.empty() ? fs::path(dir)
         : inject::env_value(inject::EnvVar::fuzzer_dir) != nullptr ? fs::path(inject::env_value(inject::EnvVar::fuzzer_dir))
                                                                     : executable_dir();
}

std::string not_built_reason(const std::string& fuzzer, const std::string& dir) {
  // CMake lists the library families it skipped there, one "family dev-package" per line.
  std::ifstream skipped(fuzzers_dir(dir) / "skipped-fuzzers.txt");
  std::string family, package;
  while (skipped >> family >> package)
    if (family == fuzzer)
      return "the " + fuzzer + " fuzzer was not built: " + package + " was not installed when the build was configured (apt install " +
             package + ", then configure again)";
  return "";
}

std::string fuzzer_binary(const std::string& fuzzer, const std::string& dir) {
  fs::path where = fuzzers_dir(dir);
  fs::path binary = where / (fuzzer + "_fuzzer");
  if (access(binary.c_str(), X_OK) != 0) {
    if (std::string reason = not_built_reason(fuzzer, dir); !reason.empty()) throw UsageError(reason);
    throw UsageError("no " + fuzzer + "_fuzzer in " + where.string() +
                     ": build the fuzzers (cmake --build --preset dev) or name their directory with --fuzzers DIR");
  }
  // Absolute: the fuzzer runs in a scratch directory of its own.
  return fs::absolute(binary).lexically_normal().string();
}

void add_finding_files(const std::string& command, const std::string& arg, std::vector<std::string>& files) {
  std::error_code ec;
  if (!fs::exists(arg, ec)) throw UsageError(command + ": --findings " + arg + ": no such file or directory");
  if (!fs::is_directory(arg, ec)) {
    files.push_back(arg);
    return;
  }
  std::vector<std::string> found;
  for (const auto& entry : fs::recursive_directory_iterator(arg, ec)) {
    std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.find("README") == std::string::npos && entry.path().extension() != ".cell")
      found.push_back(entry.path().string());
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
}

fs::path documented_findings_dir() {
  std::error_code ec;
  for (fs::path start : {executable_dir(), fs::current_path(ec)}) {
    for (fs::path d = start; !d.empty() && d != d.root_path(); d = d.parent_path())
      if (fs::is_directory(d / "docs" / "findings", ec)) return d / "docs" / "findings";
  }
  return {};
}

namespace {

struct ExpectPattern {
  std::string finding;  // docs/findings/<finding>.txt
  std::regex pattern;
  std::string literal;  // in every line the pattern matches: the others are not searched
};

// Every documented finding's "# expect:" pattern, read and compiled once: a sweep asks
// for each cell that kills its runner.
const std::vector<ExpectPattern>& expect_patterns() {
  static const std::vector<ExpectPattern> patterns = [] {
    std::vector<ExpectPattern> out;
    fs::path dir = documented_findings_dir();
    if (dir.empty()) return out;
    std::error_code ec;
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir, ec))
      if (entry.path().extension() == ".txt") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const fs::path& file : files) {
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);) {
        if (!line.starts_with("# expect: ")) continue;
        try {
          std::string text = line.substr(10);
          out.push_back({file.stem().string(), std::regex(text, std::regex::extended), required_literal(text)});
        } catch (const std::regex_error&) {
          // A pattern grep -E takes and std::regex does not: that file cannot be matched here.
        }
      }
    }
    return out;
  }();
  return patterns;
}

}  // namespace

std::string documented_finding_in(const std::string& output) {
  // Line by line, as grep reads it (std::regex recurses per character: a whole trace at
  // once could exhaust the stack, and so could one very long line).
  constexpr std::size_t kMaxMatchedLine = 4096;
  for (const ExpectPattern& p : expect_patterns()) {
    bool matched = false;
    for_each_line(output, [&](std::string_view text) {
      matched = text.size() < kMaxMatchedLine && text.find(p.literal) != std::string_view::npos &&
                std::regex_search(text.begin(), text.end(), p.pattern);
      return !matched;
    });
    if (matched) return p.finding;
  }
  return {};
}

}  // namespace connfuzz::tools
