// Each placeholder is one left-to-right pass over the text, in a fixed order (the call
// forms match "PID ", which the first pass writes). Hand-written: a sweep puts every
// finding's reason through all of them, and std::regex's matcher made that a visible
// part of a crash-heavy sweep's time (bench/RESULTS.md, the sweep's ninth run).
#include "stable_text.h"

#include <functional>

namespace connfuzz::tools {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool is_alnum(char c) { return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_word(char c) { return is_alnum(c) || c == '_'; }
bool is_name(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '.'; }

// A cursor over one pass's input: each `take_*` moves past what it matched, or not at all.
struct Scan {
  std::string_view text;
  std::size_t at;
  bool take(std::string_view word) {
    if (text.substr(at, word.size()) != word) return false;
    at += word.size();
    return true;
  }
  bool take_run(bool (*in)(char)) {
    std::size_t from = at;
    while (at < text.size() && in(text[at])) ++at;
    return at > from;
  }
  bool take_char(bool (*in)(char)) {
    if (at == text.size() || !in(text[at])) return false;
    ++at;
    return true;
  }
};

// A match at `at`: the text it keeps before the varying part, that part's end, and the
// match's end (what the next search starts from); or nothing.
struct Match {
  std::size_t varies_from, varies_to, end;
};
using Matcher = std::function<bool(std::string_view text, std::size_t at, Match& m)>;

// Writes `placeholder` for each match's varying part, left to right, matches not overlapping.
std::string replace_all(std::string_view text, const Matcher& match, std::string_view placeholder) {
  std::string out;
  out.reserve(text.size());
  std::size_t copied = 0;
  for (std::size_t at = 0; at < text.size();) {
    Match m{};
    if (!match(text, at, m)) {
      ++at;
      continue;
    }
    out.append(text, copied, m.varies_from - copied).append(placeholder);
    copied = m.varies_to;
    out.append(text, copied, m.end - copied);
    copied = at = m.end;
  }
  return out.append(text, copied);
}

// "<pid> name#n(" at the start or after ':' or a space.
bool line_pid(std::string_view t, std::size_t at, Match& m) {
  if (at > 0 && t[at - 1] != ':' && !is_space(t[at - 1])) return false;
  Scan s{t, at};
  if (!s.take_run(is_digit)) return false;
  m.varies_from = at, m.varies_to = s.at;
  if (!s.take(" ") || !s.take_run(is_name) || !s.take("#") || !s.take_run(is_digit) || !s.take("(")) return false;
  m.end = s.at;
  return true;
}

// "127.0.0.1:<port>" or "]:<port>".
bool port(std::string_view t, std::size_t at, Match& m) {
  Scan s{t, at};
  if ((!s.take("127.0.0.1") && !s.take("]")) || !s.take(":")) return false;
  m.varies_from = s.at;
  if (!s.take_run(is_digit)) return false;
  m.varies_to = m.end = s.at;
  return true;
}

bool in_path(char c) { return !is_space(c) && c != ',' && c != '}'; }

// A path from the '/' at `at` to its end that has a harness's or a sweep's directory in
// it after that '/': the whole of it varies.
bool temporary_path(std::string_view t, std::size_t at, Match& m) {
  if (t[at] != '/') return false;
  Scan s{t, at};
  s.take_run(in_path);
  for (std::size_t p = at + 1; p < s.at; ++p) {
    Scan dir{t.substr(0, s.at), p};
    if (!dir.take("connfuzz-") || (!dir.take("harness-") && !dir.take("sweep-"))) continue;
    int letters = 0;
    while (letters < 6 && dir.take_char(is_alnum)) ++letters;
    if (letters < 6) continue;
    m.varies_from = at, m.varies_to = m.end = s.at;
    return true;
  }
  return false;
}

// "fd <n>", "descriptor <n>", "socket <n>", the word a word of its own.
bool descriptor(std::string_view t, std::size_t at, Match& m) {
  if (at > 0 && is_word(t[at - 1])) return false;
  Scan s{t, at};
  if ((!s.take("fd") && !s.take("descriptor") && !s.take("socket")) || !s.take(" ")) return false;
  m.varies_from = s.at;
  if (!s.take_run(is_digit)) return false;
  m.varies_to = m.end = s.at;
  return true;
}

// "PID name#n(<fd>," or "PID name#n(<fd>)": a call's first argument.
bool call_descriptor(std::string_view t, std::size_t at, Match& m) {
  Scan s{t, at};
  if (!s.take("PID ") || !s.take_run(is_name) || !s.take("#") || !s.take_run(is_digit) || !s.take("(")) return false;
  m.varies_from = s.at;
  if (!s.take_run(is_digit)) return false;
  m.varies_to = s.at;
  if (!s.take(",") && !s.take(")")) return false;
  m.end = s.at;
  return true;
}

// "PID socket#n(...) = <fd>".
bool socket_result(std::string_view t, std::size_t at, Match& m) {
  Scan s{t, at};
  if (!s.take("PID socket#") || !s.take_run(is_digit) || !s.take("(")) return false;
  s.take_run([](char c) { return c != ')'; });
  if (!s.take(") = ")) return false;
  m.varies_from = s.at;
  if (!s.take_run(is_digit)) return false;
  m.varies_to = m.end = s.at;
  return true;
}

// "==<pid>==", as the sanitizers and libFuzzer start their lines.
bool engine_pid(std::string_view t, std::size_t at, Match& m) {
  Scan s{t, at};
  if (!s.take("==")) return false;
  m.varies_from = s.at;
  if (!s.take_run(is_digit)) return false;
  m.varies_to = s.at;
  if (!s.take("==")) return false;
  m.end = s.at;
  return true;
}

}  // namespace

std::string stable_text(std::string_view text) {
  std::string out = replace_all(text, line_pid, "PID");
  out = replace_all(out, port, "PORT");
  out = replace_all(out, temporary_path, "TMP");
  out = replace_all(out, descriptor, "FD");
  out = replace_all(out, call_descriptor, "FD");
  out = replace_all(out, socket_result, "FD");
  return replace_all(out, engine_pid, "PID");
}

}  // namespace connfuzz::tools
