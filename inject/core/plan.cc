// Parses and prints fault plans.
//
// The grammar (a plan is read left to right; indexes count from 1):
//
//   plan      := item { sep item }                 sep := one or more of ' ' '\t' '\n' ';'
//   item      := rule | option
//   option    := 'seed=' UINT                      the seed of '%' rules
//              | 'mode=' ('realistic' | 'any')     which faults are allowed in which state
//              | 'hold'                            real attempts stay "in progress" until waited for
//   rule      := call [ '[' pred { ',' pred } ']' ] which '=' action
//   action    := errno [ '>' errno ]                the call fails with errno
//              | '!' SIGNAL                        a real signal while connect is blocked
//              | '+' DURATION [ '>' errno ]        a slow network (connect), or an outcome
//                                                  that comes after that long (waits)
//              | 'CANCEL'                          pthread_cancel while connect is blocked
//   DURATION  := UINT ('ns' | 'us' | 'ms' | 's')   at most an hour; virtual time
//   call      := a name of calls.def: connect, poll, getsockopt.SO_ERROR, ...
//   pred      := 'unix' | 'inet' | 'inet6' | 'unspec'   the address family (socket's, or the destination's)
//              | 'stream' | 'dgram'                    the socket type
//              | 'port=' UINT                          the destination port
//   which     := '@' UINT             the N-th matching call
//              | '@' UINT '-' UINT    the N-th to the M-th
//              | '@' UINT '-'         the N-th and every later one
//              | '@*'                 every call
//              | '%' UINT             that percent of the calls, drawn from the seed
//   errno     := NAME | UINT           EINTR or 4
//   '>' errno                          connect after EINPROGRESS or EINTR: how the attempt ends
//
// Examples: "connect@1=EINTR", "poll@*=EINTR", "connect@1=EINPROGRESS>ETIMEDOUT",
// "getsockopt.SO_ERROR@1=ENOSR", "connect[unix]@2-=ECONNREFUSED", "connect%25=EAGAIN seed=7",
// "connect@1=!SIGALRM", "connect@1=+250ms", "connect@1=+3s>ECONNREFUSED", "poll@*=+400ms>EINTR",
// "connect@1=CANCEL".
#include "plan.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <vector>

#include "edit_distance.h"

namespace connfuzz::inject {
namespace {

constexpr std::string_view kSeparators = " \t\r\n;";

struct PredicateWord {
  std::string_view word;
  std::uint8_t family;
  std::uint8_t type;
};
constexpr PredicateWord kPredicateWords[] = {
    {"unix", Predicate::kUnix, 0},   {"inet", Predicate::kInet, 0},     {"inet6", Predicate::kInet6, 0},
    {"unspec", Predicate::kUnspec, 0}, {"stream", 0, Predicate::kStream}, {"dgram", 0, Predicate::kDgram},
};

// " (did you mean X?)" for the closest candidate, or "" when none is close.
template <typename Names>
std::string did_you_mean(std::string_view word, const Names& names) {
  std::string_view best;
  std::size_t best_distance = 3;
  for (std::string_view name : names) {
    std::size_t d = edit_distance(word, name, true);
    if (d < best_distance) best = name, best_distance = d;
  }
  return best.empty() ? "" : " (did you mean " + std::string(best) + "?)";
}

std::vector<std::string_view> all_call_names() {
  std::vector<std::string_view> names;
  for (int i = 0; i < kCallCount; ++i) names.push_back(call_name(static_cast<Call>(i)));
  return names;
}

std::vector<std::string_view> all_errno_names() {
  std::vector<std::string_view> names;
  for (int e : platform_errnos()) names.push_back(errno_name(e));
  return names;
}

class Parser {
 public:
  Parser(std::string_view text, PlanError& error) : text_(text), error_(error) {}

  std::optional<Plan> parse() {
    Plan plan;
    skip_separators();
    if (at_end()) return fail("expected a rule such as connect@1=EINTR, found an empty plan");
    while (!at_end()) {
      if (!parse_item(plan)) return std::nullopt;
      if (!at_end() && kSeparators.find(peek()) == std::string_view::npos)
        return fail("expected a space or ';' between rules, found '" + std::string(1, peek()) + "'");
      skip_separators();
    }
    if (plan.rule_count == 0) return fail_at(1, "expected at least one rule besides the options");
    if (plan.mode == Mode::Realistic && !check_documented(plan)) return std::nullopt;
    return plan;
  }

 private:
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return at_end() ? '\0' : text_[pos_]; }
  void skip_separators() {
    while (!at_end() && kSeparators.find(peek()) != std::string_view::npos) ++pos_;
  }
  std::nullopt_t fail(std::string message) { return fail_at(pos_ + 1, std::move(message)); }
  std::nullopt_t fail_at(std::size_t column, std::string message) {
    error_.column = column;
    error_.message = std::move(message);
    return std::nullopt;
  }
  std::string found() const {
    if (at_end()) return "the end of the plan";
    std::size_t end = text_.find_first_of(" \t\r\n;", pos_);
    return "'" + std::string(text_.substr(pos_, end == std::string_view::npos ? end : end - pos_)) + "'";
  }

  // A name made of letters, digits, '_' and '.'.
  std::string_view take_word() {
    std::size_t start = pos_;
    while (!at_end() && (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_' || peek() == '.')) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  bool take_uint(std::uint64_t max, std::uint64_t& value, std::string_view what) {
    std::size_t start = pos_;
    while (!at_end() && std::isdigit(static_cast<unsigned char>(peek()))) ++pos_;
    if (start == pos_) return fail("expected " + std::string(what) + ", found " + found()), false;
    auto [end, ec] = std::from_chars(text_.data() + start, text_.data() + pos_, value);
    if (ec != std::errc() || value > max) {
      pos_ = start;
      return fail(std::string(what) + " must be at most " + std::to_string(max) + ", found " + found()), false;
    }
    return true;
  }

  bool parse_item(Plan& plan) {
    std::size_t start = pos_;
    std::string_view word = take_word();
    if (peek() == '=' && (word == "seed" || word == "mode")) return parse_option(plan, word);
    if (word == "hold" && (at_end() || kSeparators.find(peek()) != std::string_view::npos)) {
      plan.hold = true;
      return true;
    }
    pos_ = start;
    return parse_rule(plan);
  }

  bool parse_option(Plan& plan, std::string_view name) {
    ++pos_;  // '='
    if (name == "seed") {
      std::uint64_t seed = 0;
      if (!take_uint(UINT64_MAX, seed, "a seed (a whole number)")) return false;
      plan.seed = seed;
      return true;
    }
    std::size_t start = pos_;
    std::string_view value = take_word();
    if (value == "realistic") plan.mode = Mode::Realistic;
    else if (value == "any") plan.mode = Mode::Any;
    else return fail_at(start + 1, "expected mode=realistic or mode=any, found '" + std::string(value) + "'"), false;
    return true;
  }

  bool parse_rule(Plan& plan) {
    if (plan.rule_count == Plan::kMaxRules)
      return fail("a plan holds at most " + std::to_string(Plan::kMaxRules) + " rules"), false;
    Rule rule;
    std::size_t start = pos_;
    std::string_view name = take_word();
    if (name.empty()) return fail("expected a call name such as connect, found " + found()), false;
    auto call = call_from_name(name);
    if (!call)
      return fail_at(start + 1, "unknown call '" + std::string(name) + "'" + did_you_mean(name, all_call_names()) +
                                    "; calls are listed by `connfuzz errnos`"),
             false;
    rule.call = *call;
    if (peek() == '[' && !parse_predicates(rule.where)) return false;
    if (!parse_which(rule)) return false;
    if (peek() != '=') return fail("expected '=' and an errno after the call's index, found " + found()), false;
    ++pos_;
    std::size_t err_column = pos_ + 1;
    if (!parse_action(rule)) return false;
    if (peek() == '>') {
      ++pos_;
      std::size_t eventual_column = pos_ + 1;
      if (!parse_errno(rule.eventual)) return false;
      if (!check_eventual(rule, eventual_column)) return false;
    }
    if (rule.action == Action::delay && is_wait_call(rule.call) && rule.eventual == 0)
      return fail("a delay on " + std::string(call_name(rule.call)) +
                  " says what comes after it: +DURATION>EINTR, found " + found()),
             false;
    err_columns_[plan.rule_count] = err_column;
    plan.rules[plan.rule_count++] = rule;
    return true;
  }

  // What follows '=': an errno, or one of actions.def.
  bool parse_action(Rule& rule) {
    std::size_t start = pos_;
    if (peek() == '!') return ++pos_, parse_signal(rule, start);
    if (peek() == '+') return ++pos_, parse_delay(rule, start);
    if (peek() == '-')
      return fail("a delay is written '+' and a positive duration such as +250ms; found " + found()), false;
    std::size_t word_start = pos_;
    std::string_view word = take_word();
    if (word == "CANCEL") {
      rule.action = Action::cancel;
      return check_call_takes(rule, start);
    }
    pos_ = word_start;
    return parse_errno(rule.err);
  }

  bool check_call_takes(const Rule& rule, std::size_t column0) {
    if (takes_action(rule.call, rule.action)) return true;
    const ActionInfo* info = find_action(rule.action);
    std::string call(call_name(rule.call));
    if (rule.action == Action::cancel && !is_cancellation_point(rule.call))
      return fail_at(column0 + 1, call + " is not a cancellation point (POSIX, glibc): pthread_cancel cannot act "
                                  "inside it; CANCEL is planned on connect"),
             false;
    std::string where = info->on_waits ? "connect and the waits (poll, ppoll, select, pselect, epoll_wait)" : "connect";
    return fail_at(column0 + 1, std::string(info->syntax) + " is planned on " + where + " only, not on " + call), false;
  }

  bool parse_signal(Rule& rule, std::size_t column0) {
    rule.action = Action::signal;
    std::size_t start = pos_;
    std::string_view word = take_word();
    if (word.empty()) return fail("expected a signal such as SIGALRM after '!', found " + found()), false;
    auto sig = signal_from_text(word);
    if (!sig) return fail_at(start + 1, "unknown signal '" + std::string(word) + "' (kill -l lists them)"), false;
    if (auto why = signal_refusal(*sig); !why.empty())
      return fail_at(start + 1, std::string(word) + " " + std::string(why)), false;
    rule.signal = *sig;
    return check_call_takes(rule, column0);
  }

  bool parse_delay(Rule& rule, std::size_t column0) {
    rule.action = Action::delay;
    std::size_t start = pos_;
    std::uint64_t amount = 0;
    if (!std::isdigit(static_cast<unsigned char>(peek())))
      return fail("expected a duration such as 250ms after '+', found " + found()), false;
    if (!take_uint(UINT32_MAX, amount, "a duration")) return false;
    std::size_t unit_start = pos_;
    std::string_view unit = take_word();
    std::int64_t scale = unit == "s" ? 1'000'000'000 : unit == "ms" ? 1'000'000 : unit == "us" ? 1'000 : unit == "ns" ? 1 : 0;
    if (scale == 0)
      return fail_at(unit_start + 1, "expected a unit (ns, us, ms or s) after the number, found '" + std::string(unit) + "'"),
             false;
    if (amount == 0) return fail_at(start + 1, "a delay must be longer than 0"), false;
    if (amount > static_cast<std::uint64_t>(kMaxDelayNs / scale))
      return fail_at(start + 1, "a delay may be at most an hour (3600s), found " +
                                    std::string(text_.substr(start, pos_ - start))),
             false;
    rule.delay_ns = static_cast<std::int64_t>(amount) * scale;
    return check_call_takes(rule, column0);
  }

  bool check_eventual(const Rule& rule, std::size_t column) {
    if (rule.action == Action::delay && is_wait_call(rule.call)) return true;
    bool pending = rule.call == Call::connect &&
                   (rule.action == Action::delay ||
                    (rule.action == Action::errno_value && (rule.err == EINPROGRESS || rule.err == EINTR)));
    if (!pending)
      return fail_at(column - 1, "'>' gives how a pending connect ends: it follows connect@...=EINPROGRESS, =EINTR "
                                 "or =+DURATION, or a delay on a wait"),
             false;
    if (rule.eventual == EINPROGRESS || rule.eventual == EINTR || rule.eventual == EALREADY)
      return fail_at(column, "the outcome after '>' must be a final error such as ECONNREFUSED, not " +
                                 std::string(errno_name(rule.eventual))),
             false;
    return true;
  }

  bool parse_predicates(Predicate& where) {
    ++pos_;  // '['
    while (true) {
      std::size_t start = pos_;
      std::string_view word = take_word();
      if (word == "port" && peek() == '=') {
        ++pos_;
        std::uint64_t port = 0;
        if (!take_uint(65535, port, "a port number")) return false;
        where.port = static_cast<std::uint16_t>(port);
        where.has_port = true;
      } else {
        const PredicateWord* match = nullptr;
        for (const PredicateWord& p : kPredicateWords)
          if (p.word == word) match = &p;
        if (!match)
          return fail_at(start + 1, "expected unix, inet, inet6, unspec, stream, dgram or port=N inside [...], found '" +
                                        std::string(word) + "'"),
                 false;
        where.families |= match->family;
        where.types |= match->type;
      }
      if (peek() == ']') return ++pos_, true;
      if (peek() != ',') return fail("expected ',' or ']' in the call's filter, found " + found()), false;
      ++pos_;
    }
  }

  bool parse_which(Rule& rule) {
    if (peek() == '%') {
      ++pos_;
      std::uint64_t percent = 0;
      std::size_t start = pos_;
      if (!take_uint(100, percent, "a percentage from 1 to 100")) return false;
      if (percent == 0) return fail_at(start + 1, "a percentage must be from 1 to 100, found 0"), false;
      rule.which = Which::Percent;
      rule.percent = static_cast<std::uint8_t>(percent);
      return true;
    }
    if (peek() != '@')
      return fail("expected '@N', '@N-M', '@N-', '@*' or '%P' after the call name, found " + found()), false;
    ++pos_;
    if (peek() == '*') {
      ++pos_;
      rule.which = Which::Every;
      return true;
    }
    std::uint64_t first = 0;
    std::size_t start = pos_;
    if (!take_uint(UINT32_MAX - 1, first, "a call index (1 is the first call) or '*'")) return false;
    if (first == 0) return fail_at(start + 1, "call indexes start at 1, found 0"), false;
    rule.first = rule.last = static_cast<std::uint32_t>(first);
    if (peek() != '-') return true;
    ++pos_;
    if (!std::isdigit(static_cast<unsigned char>(peek()))) {
      rule.last = Rule::kOpenEnd;
      return true;
    }
    std::uint64_t last = 0;
    start = pos_;
    if (!take_uint(UINT32_MAX - 1, last, "the last call index")) return false;
    if (last < first) return fail_at(start + 1, "the range ends before it starts"), false;
    rule.last = static_cast<std::uint32_t>(last);
    return true;
  }

  bool parse_errno(int& out) {
    std::size_t start = pos_;
    std::string_view word = take_word();
    if (word.empty()) return fail("expected an errno name such as EINTR or a number, found " + found()), false;
    auto value = errno_from_text(word);
    if (!value) {
      std::string hint = std::isdigit(static_cast<unsigned char>(word.front()))
                             ? ""
                             : did_you_mean(word, all_errno_names());
      return fail_at(start + 1, "unknown errno '" + std::string(word) + "'" + hint), false;
    }
    out = *value;
    return true;
  }

  // Realistic plans inject only what the table documents for the call.
  bool check_documented(const Plan& plan) {
    for (int i = 0; i < plan.rule_count; ++i) {
      const Rule& rule = plan.rules[i];
      if (rule.action == Action::delay && rule.eventual && !find_row(rule.call, rule.eventual))
        return fail_at(err_columns_[i], std::string(errno_name(rule.eventual)) + " is not a documented errno of " +
                                            std::string(call_name(rule.call)) + "; add mode=any to use it anyway"),
               false;
      if (rule.action != Action::errno_value) continue;
      if (!find_row(rule.call, rule.err))
        return fail_at(err_columns_[i], std::string(errno_name(rule.err)) + " is not a documented errno of " +
                                            std::string(call_name(rule.call)) + " (documented: " +
                                            documented_list(rule.call) + "); add mode=any to inject it anyway"),
               false;
      if (rule.eventual && !find_row(Call::connect, rule.eventual))
        return fail_at(err_columns_[i], std::string(errno_name(rule.eventual)) +
                                            " is not a documented errno of connect; add mode=any to use it anyway"),
               false;
    }
    return true;
  }

  static std::string documented_list(Call call) {
    std::string out;
    for (const ErrnoRow& row : errno_rows())
      if (row.call == call) out.append(out.empty() ? "" : " ").append(errno_name(row.err));
    return out;
  }

  std::string_view text_;
  PlanError& error_;
  std::size_t pos_ = 0;
  std::size_t err_columns_[Plan::kMaxRules] = {};
};

void append_errno(std::string& out, int err) {
  const char* name = errno_name(err);
  out += name ? std::string(name) : std::to_string(err);
}

}  // namespace

bool Plan::operator==(const Plan& other) const {
  if (rule_count != other.rule_count || seed != other.seed || mode != other.mode || hold != other.hold) return false;
  for (int i = 0; i < rule_count; ++i)
    if (!(rules[i] == other.rules[i])) return false;
  return true;
}

std::string PlanError::what() const { return "column " + std::to_string(column) + ": " + message; }

PlanSyntaxError::PlanSyntaxError(const PlanError& e) : std::invalid_argument("plan: " + e.what()), error(e) {}

std::optional<Plan> parse_plan(std::string_view text, PlanError& error) { return Parser(text, error).parse(); }

Plan parse_plan(std::string_view text) {
  PlanError error;
  auto plan = parse_plan(text, error);
  if (!plan) throw PlanSyntaxError(error);
  return *plan;
}

std::string to_text(const Rule& rule) {
  std::string out(call_name(rule.call));
  const Predicate& w = rule.where;
  if (w.families || w.types || w.has_port) {
    std::string inner;
    for (const PredicateWord& p : kPredicateWords)
      if ((p.family & w.families) || (p.type & w.types)) inner.append(inner.empty() ? "" : ",").append(p.word);
    if (w.has_port) inner.append(inner.empty() ? "" : ",").append("port=" + std::to_string(w.port));
    out += "[" + inner + "]";
  }
  switch (rule.which) {
    case Which::Every: out += "@*"; break;
    case Which::Percent: out += "%" + std::to_string(rule.percent); break;
    case Which::Range:
      out += "@" + std::to_string(rule.first);
      if (rule.last == Rule::kOpenEnd) out += "-";
      else if (rule.last != rule.first) out += "-" + std::to_string(rule.last);
      break;
  }
  out += "=";
  switch (rule.action) {
    case Action::errno_value: append_errno(out, rule.err); break;
    case Action::signal: {
      const char* name = signal_name(rule.signal);
      out += "!" + (name ? std::string(name) : std::to_string(rule.signal));
      break;
    }
    case Action::delay: out += "+" + duration_text(rule.delay_ns); break;
    case Action::cancel: out += "CANCEL"; break;
  }
  if (rule.eventual) {
    out += ">";
    append_errno(out, rule.eventual);
  }
  return out;
}

std::string to_text(const Plan& plan) {
  std::string out;
  for (int i = 0; i < plan.rule_count; ++i) out.append(i ? " " : "").append(to_text(plan.rules[i]));
  if (plan.mode == Mode::Any) out += " mode=any";
  if (plan.hold) out += " hold";
  if (plan.seed) out += " seed=" + std::to_string(plan.seed);
  return out;
}

}  // namespace connfuzz::inject
