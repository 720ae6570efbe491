// Writes and parses FILE.cell: one key=value line per setting, values escaped.
#include "cell_file.h"

#include <cctype>
#include <charconv>
#include <filesystem>
#include <sstream>

#include "atomic_file.h"
#include "usage_error.h"
#include "plan.h"
#include "text_lines.h"

namespace connfuzz::tools {

namespace {

// An argument is one line: a newline in it (a `python3 -c` script) is written "\n".
std::string escaped(std::string_view text) {
  std::string out;
  for (char c : text) out += c == '\\' ? "\\\\" : c == '\n' ? "\\n" : std::string(1, c);
  return out;
}

std::string unescaped(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && (text[i + 1] == 'n' || text[i + 1] == '\\')) {
      out += text[++i] == 'n' ? '\n' : '\\';
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

bool is_cell_file(std::string_view text) { return text.starts_with(kCellFileMark); }

CellFile parse_cell_file(const std::string& path, std::string_view text) {
  CellFile cell;
  bool has_plan = false;
  int number = 0;
  auto fail = [&](const std::string& what) { throw UsageError("repro: " + path + " line " + std::to_string(number) + ": " + what); };
  for_each_line(text, [&](std::string_view line) {
    ++number;
    if (line.empty() || line.starts_with("#")) return true;
    std::size_t equals = line.find('=');
    if (equals == std::string_view::npos) fail("expected key=value, got '" + std::string(line.substr(0, 80)) + "'");
    std::string_view key = line.substr(0, equals), value = line.substr(equals + 1);
    if (key == "plan") {
      inject::PlanError error;
      auto plan = inject::parse_plan(value, error);
      if (!plan) fail("plan: " + error.what());
      cell.plan = inject::to_text(*plan);
      has_plan = true;
    } else if (key == "backend") {
      if (value != "preload" && value != "seccomp") fail("backend must be preload or seccomp, not '" + std::string(value) + "'");
      cell.program.seccomp = value == "seccomp";
    } else if (key == "network") {
      if (value != "private" && value != "host") fail("network must be private or host, not '" + std::string(value) + "'");
      cell.program.no_netns = value == "host";
    } else if (key == "timeout") {
      double seconds = 0;
      auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec != std::errc() || end != value.data() + value.size() || !(seconds > 0) || seconds > 3600)
        fail("timeout must be more than 0 and at most 3600 seconds, not '" + std::string(value) + "'");
      cell.program.timeout = seconds;
    } else if (key == "allow-unix") {
      cell.program.allow_unix.push_back(unescaped(value));
    } else if (key == "arg") {
      cell.program.argv.push_back(unescaped(value));
    } else {
      fail("unknown key '" + std::string(key) + "'; the keys are plan, backend, network, timeout, allow-unix and arg");
    }
    return true;
  });
  if (!has_plan) throw UsageError("repro: " + path + ": a cell file needs a plan= line");
  if (cell.program.argv.empty()) throw UsageError("repro: " + path + ": a cell file needs arg= lines (the program first)");
  return cell;
}

std::string cell_file_text(const ProgramUnderTest& program, const CellResult& cell) {
  std::string text = std::string(kCellFileMark) + ": " + std::string(cell.judgement.verdict_text());
  if (!cell.judgement.findings.empty()) text += ": " + cell.judgement.findings.front().reason;
  std::ostringstream timeout;
  timeout << program.timeout;
  text += "\nplan=" + cell.cell.plan + "\nbackend=" + (program.seccomp ? "seccomp" : "preload") +
          "\nnetwork=" + (program.no_netns ? "host" : "private") + "\ntimeout=" + timeout.str() + "\n";
  for (const std::string& dir : program.allow_unix)
    text += "allow-unix=" + escaped(std::filesystem::absolute(dir).string()) + "\n";
  for (std::size_t i = 0; i < program.argv.size(); ++i) {
    // A program named by a path replays from any directory; one found in PATH stays a name.
    const std::string& arg = program.argv[i];
    bool path = i == 0 && arg.find('/') != std::string::npos;
    text += "arg=" + escaped(path ? std::filesystem::absolute(arg).lexically_normal().string() : arg) + "\n";
  }
  return text;
}

std::string save_cell(const std::string& dir, const ProgramUnderTest& program, const CellResult& cell) {
  std::string name = std::string(cell.judgement.verdict_text()) + "-";
  for (char c : cell.cell.plan) name += std::isalnum(static_cast<unsigned char>(c)) || c == '@' || c == '-' ? c : '_';
  std::string path = dir + "/" + name + ".cell";
  write_file_atomically(path, cell_file_text(program, cell));
  return path;
}

}  // namespace connfuzz::tools
