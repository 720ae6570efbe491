// Scenario bytes <-> value <-> text.
//
// The byte form, read front to back; a missing byte reads as 0, so every string decodes.
// Format 2 (what encode writes) starts with the tag 0xF2; an input without it is format 1,
// whose mode, call and errno bytes were places in the tables of its day (format.cc keeps
// them). Below, "format 1:" marks where the two differ.
//
//   tag       1 byte   0xF2 (format 2 only)
//   mode      1 byte   the mode's code (modes.def; 128 on: the fuzzer's own targets);
//                      format 1: modes.def's [b % 29]
//   domain    1 byte   b < 224: kDomains[b % 8]; else the number b - 224
//   type      1 byte   b < 224: kTypes[b % 4];   else the number b - 224
//   protocol  1 byte   b < 224: kProtocols[b % 4]; else the number b - 224
//   options   1 byte   bit 0: mode=any, bit 1: hold
//   seed      1 byte
//   rules     1 byte   b % 5 rules follow, each:
//     call      1 byte   b % kCallCount (its place in calls.def; format 1: b % 18)
//     filter    1 byte   bits 0-3 families, bits 4-5 types, bit 6: a 2-byte port follows,
//                        bit 7: an action (actions.def) instead of an errno
//     errno     1 byte   b < 128: errno b when the call has a row for it, else the call's
//                        rows[b % rows] (format 1: always rows[b % rows]); else the number b - 128
//     or action 1 byte   b % 3: signal, delay, cancel, then for a signal 1 byte: kSignals[b % 4],
//                        for a delay 1 byte: kDelays[b % 10] (10 ms to 130 s)
//     which     1 byte   b % 5: @N, @N-, @*, %P, @N-M, then its numbers, 1 byte each
//     eventual  1 byte   only after EINTR/EINPROGRESS/EALREADY or a delay on connect: 0 none, else
//                        errno b when the call has a row for it, else its rows[(b-1) % rows]
//                        (format 1: always rows[(b-1) % rows]); after a delay on a wait, 0 is EINTR
//     A rule the plan parser would reject is skipped.
//   addresses 1 byte   1 + b % 3 addresses follow, each:
//     destination 1 byte  b % 3: listener, refusing, bytes
//     family    1 byte   b < 160: the socket's domain; b < 224: kDomains[(b-160) % 8]; else b - 224
//     length    1 byte   b < 128: the true size; else kind (b-128) % 8 with its parameter bytes,
//                        chosen as syzkaller does: steps off the true size, values near 2^8,
//                        2^16, 2^32 (negative as an int), sizeof(sockaddr_storage), any 32 bits
//     bytes     1 byte n = b % 127, then n bytes (Destination::bytes only)
#include "scenario.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <csignal>
#include <stdexcept>

#include "errno_table.h"
#include "format.h"

namespace connfuzz::fuzz {
namespace {

using inject::Call;
using inject::Plan;
using inject::Rule;
using inject::Which;

struct Named {
  int value;
  std::string_view name;
};
constexpr Named kFamilyNames[] = {{AF_UNSPEC, "AF_UNSPEC"}, {AF_UNIX, "AF_UNIX"},       {AF_INET, "AF_INET"},
                                  {AF_INET6, "AF_INET6"},   {AF_NETLINK, "AF_NETLINK"}, {AF_PACKET, "AF_PACKET"}};
constexpr Named kTypeNames[] = {
    {SOCK_STREAM, "SOCK_STREAM"}, {SOCK_DGRAM, "SOCK_DGRAM"}, {SOCK_SEQPACKET, "SOCK_SEQPACKET"}, {SOCK_RAW, "SOCK_RAW"}};
constexpr std::string_view kDestinationNames[] = {"listener", "refusing", "bytes"};

// The weights of the byte form: common values repeat.
constexpr int kDomains[8] = {AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, AF_INET, AF_INET6, AF_UNIX, AF_NETLINK};
constexpr int kTypes[4] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_STREAM};
constexpr int kProtocols[4] = {0, 0, 6 /* IPPROTO_TCP */, 17 /* IPPROTO_UDP */};
constexpr int kRawBase = 224;     // bytes from here on are numbers, not table picks
constexpr int kFamilyTable = 160;  // address family bytes from here on pick from kDomains

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  std::uint8_t u8() { return at_ < bytes_.size() ? bytes_[at_++] : 0; }
  std::uint16_t u16() { return static_cast<std::uint16_t>(u8() | u8() << 8); }
  std::uint32_t u32() { return u16() | static_cast<std::uint32_t>(u16()) << 16; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
};

int pick(std::uint8_t b, std::span<const int> table) {
  return b < kRawBase ? table[b % table.size()] : b - kRawBase;
}

std::uint8_t unpick(int value, std::span<const int> table, const char* what) {
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i] == value) return static_cast<std::uint8_t>(i);
  if (value >= 0 && value < 256 - kRawBase) return static_cast<std::uint8_t>(kRawBase + value);
  throw std::invalid_argument(std::string(what) + " " + std::to_string(value) + " has no byte form (0 to " +
                              std::to_string(255 - kRawBase) + ", or a common value)");
}

// Signals a fuzz input may send: the harness handles SIGALRM (or libFuzzer does) without
// SA_RESTART and SIGVTALRM with it; SIGWINCH and SIGCHLD are ignored by default. Never
// SIGUSR1/SIGUSR2/SIGINT: libFuzzer stops on them.
constexpr int kSignals[4] = {SIGALRM, SIGVTALRM, SIGWINCH, SIGCHLD};
constexpr std::int64_t kMs = 1'000'000;
// From a few round trips to past Linux's SYN give-up (127 s). No shorter than 10 ms: a
// wait interrupted every millisecond of a 2 s deadline is 2000 correct retries, past the
// call budget, so a correct target would "spin".
constexpr std::int64_t kDelays[10] = {10 * kMs, 50 * kMs, 100 * kMs, 250 * kMs, 400 * kMs,
                                      1000 * kMs, 3000 * kMs, 10'000 * kMs, 30'000 * kMs, 130'000 * kMs};

bool takes_eventual(const Rule& rule) {
  if (rule.action == inject::Action::delay) return true;
  return rule.action == inject::Action::errno_value && rule.call == Call::connect &&
         (rule.err == EINTR || rule.err == EINPROGRESS || rule.err == EALREADY);
}

// The outcome a rule's '>' byte 0 means.
int eventual_for_zero(const Rule& rule) { return inject::is_wait_call(rule.call) ? EINTR : 0; }

void decode_action(ByteReader& in, Rule& rule) {
  switch (in.u8() % 3) {
    case 0: rule.action = inject::Action::signal; rule.signal = kSignals[in.u8() % 4]; break;
    case 1: rule.action = inject::Action::delay; rule.delay_ns = kDelays[in.u8() % 10]; break;
    default: rule.action = inject::Action::cancel; break;
  }
}

bool plan_accepts(const Plan& plan) {
  inject::PlanError error;
  return inject::parse_plan(inject::to_text(plan), error).has_value();
}

Rule decode_rule(ByteReader& in, Format format) {
  Rule rule;
  rule.call = call_from_byte(format, in.u8());
  std::uint8_t filter = in.u8();
  rule.where.families = filter & 0x0f;
  rule.where.types = (filter >> 4) & 0x03;
  if (filter & 0x40) {
    rule.where.has_port = true;
    rule.where.port = in.u16();
  }
  if (filter & 0x80) {
    decode_action(in, rule);
  } else {
    std::uint8_t e = in.u8();
    rule.err = e < 128 ? errno_from_byte(format, rule.call, e) : (e & 0x7f);
  }
  switch (in.u8() % 5) {
    case 0: rule.first = rule.last = 1u + in.u8(); break;
    case 1: rule.first = 1u + in.u8(); rule.last = Rule::kOpenEnd; break;
    case 2: rule.which = Which::Every; break;
    case 3: rule.which = Which::Percent; rule.percent = static_cast<std::uint8_t>(1 + in.u8() % 100); break;
    default: rule.first = 1u + in.u8(); rule.last = rule.first + in.u8(); break;
  }
  if (takes_eventual(rule)) {
    std::uint8_t v = in.u8();
    int outcome = v == 0 ? -1 : eventual_from_byte(format, rule.call, v);
    rule.eventual = outcome < 0 ? eventual_for_zero(rule) : outcome;
  }
  return rule;
}

Plan decode_plan(ByteReader& in, Format format) {
  Plan plan;
  std::uint8_t options = in.u8();
  plan.mode = (options & 1) ? inject::Mode::Any : inject::Mode::Realistic;
  plan.hold = (options & 2) != 0;
  plan.seed = in.u8();
  int count = in.u8() % 5;
  for (int i = 0; i < count; ++i) {
    Plan candidate = plan;
    candidate.rules[candidate.rule_count++] = decode_rule(in, format);
    if (plan_accepts(candidate)) plan = candidate;
  }
  return plan.rule_count > 0 ? plan : Plan{};  // options alone are no plan
}

Length decode_length(ByteReader& in) {
  std::uint8_t k = in.u8();
  if (k < 128) return {true, 0};
  auto near = [&](std::int64_t base) { return Length{false, (base + static_cast<std::int8_t>(in.u8())) & 0xffffffff}; };
  switch ((k - 128) % 8) {
    case 0: return {true, -(1 + in.u8() % 8)};
    case 1: return {true, 1 + in.u8() % 8};
    case 2: return {true, static_cast<std::int8_t>(in.u8())};
    case 3: return {false, in.u8()};
    case 4: return near(256);
    case 5: return near(65536);
    case 6: return near(std::int64_t{1} << 32);
    default: return {false, in.u32()};
  }
}

Address decode_address(ByteReader& in, int domain) {
  Address address;
  address.destination = static_cast<Destination>(in.u8() % 3);
  std::uint8_t f = in.u8();
  address.family = f < kFamilyTable ? domain : f < kRawBase ? kDomains[(f - kFamilyTable) % 8] : f - kRawBase;
  address.length = decode_length(in);
  if (address.destination == Destination::bytes) {
    std::size_t n = in.u8() % (Scenario::kMaxAddressBytes + 1);
    for (std::size_t i = 0; i < n; ++i) address.bytes.push_back(in.u8());
  }
  return address;
}

// --- encoding ---------------------------------------------------------------

void put_action(std::vector<std::uint8_t>& out, const Rule& rule) {
  auto index_in = [](auto& table, auto value, const char* what) {
    auto it = std::find(std::begin(table), std::end(table), value);
    if (it == std::end(table)) throw std::invalid_argument(std::string(what) + " has no byte form");
    return static_cast<std::uint8_t>(it - std::begin(table));
  };
  switch (rule.action) {
    case inject::Action::signal: out.insert(out.end(), {0, index_in(kSignals, rule.signal, "this signal")}); break;
    case inject::Action::delay: out.insert(out.end(), {1, index_in(kDelays, rule.delay_ns, "this delay")}); break;
    default: out.push_back(2); break;
  }
}

void put_rule(std::vector<std::uint8_t>& out, const Rule& rule) {
  out.push_back(static_cast<std::uint8_t>(rule.call));
  std::uint8_t filter = static_cast<std::uint8_t>(rule.where.families | rule.where.types << 4);
  if (rule.where.has_port) filter |= 0x40;
  if (rule.action != inject::Action::errno_value) filter |= 0x80;
  out.push_back(filter);
  if (rule.where.has_port) {
    out.push_back(rule.where.port & 0xff);
    out.push_back(rule.where.port >> 8);
  }
  if (rule.action != inject::Action::errno_value) {
    put_action(out, rule);
  } else if (int b = errno_byte(rule.call, rule.err); b >= 0) {
    out.push_back(static_cast<std::uint8_t>(b));
  } else if (rule.err < 128) {
    out.push_back(static_cast<std::uint8_t>(128 + rule.err));
  } else {
    throw std::invalid_argument("errno " + std::to_string(rule.err) + " has no byte form");
  }
  auto small = [](std::uint32_t n, const char* what) {
    if (n < 1 || n > 256) throw std::invalid_argument(std::string(what) + " must be 1 to 256 in the byte form");
    return static_cast<std::uint8_t>(n - 1);
  };
  if (rule.which == Which::Every) {
    out.push_back(2);
  } else if (rule.which == Which::Percent) {
    out.insert(out.end(), {3, static_cast<std::uint8_t>(rule.percent - 1)});
  } else if (rule.last == rule.first) {
    out.insert(out.end(), {0, small(rule.first, "a call index")});
  } else if (rule.last == Rule::kOpenEnd) {
    out.insert(out.end(), {1, small(rule.first, "a call index")});
  } else {
    if (rule.last - rule.first > 255) throw std::invalid_argument("a range wider than 255 calls has no byte form");
    out.insert(out.end(), {4, small(rule.first, "a call index"), static_cast<std::uint8_t>(rule.last - rule.first)});
  }
  if (takes_eventual(rule)) {
    if (rule.eventual == eventual_for_zero(rule)) {
      out.push_back(0);
    } else {
      int b = errno_byte(rule.call, rule.eventual);
      if (b < 0) throw std::invalid_argument("an outcome outside the call's rows has no byte form");
      out.push_back(static_cast<std::uint8_t>(b));
    }
  } else if (rule.eventual != 0) {
    throw std::invalid_argument("'>errno' only follows EINTR, EINPROGRESS, EALREADY or a delay in the byte form");
  }
}

void put_length(std::vector<std::uint8_t>& out, const Length& length) {
  std::int64_t v = length.value;
  auto put = [&](std::uint8_t kind, std::uint8_t param) { out.insert(out.end(), {kind, param}); };
  if (length.relative) {
    if (v == 0) out.push_back(0);
    else if (v >= -8 && v <= -1) put(128, static_cast<std::uint8_t>(-v - 1));
    else if (v >= 1 && v <= 8) put(129, static_cast<std::uint8_t>(v - 1));
    else if (v >= -128 && v <= 127) put(130, static_cast<std::uint8_t>(v));
    else throw std::invalid_argument("a length relative by more than 128 bytes has no byte form");
    return;
  }
  if (v < 0 || v > 0xffffffff) throw std::invalid_argument("a length must fit in 32 bits");
  if (v <= 255) return put(131, static_cast<std::uint8_t>(v));
  out.push_back(135);
  for (int shift = 0; shift < 32; shift += 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_address(std::vector<std::uint8_t>& out, const Address& address, int domain) {
  out.push_back(static_cast<std::uint8_t>(address.destination));
  if (address.family == domain) {
    out.push_back(0);
  } else {
    std::uint8_t b = unpick(address.family, kDomains, "address family");
    out.push_back(b < 8 ? static_cast<std::uint8_t>(kFamilyTable + b) : b);
  }
  put_length(out, address.length);
  if (address.destination == Destination::bytes) {
    if (address.bytes.size() > Scenario::kMaxAddressBytes) throw std::invalid_argument("more than 126 address bytes");
    out.push_back(static_cast<std::uint8_t>(address.bytes.size()));
    out.insert(out.end(), address.bytes.begin(), address.bytes.end());
  } else if (!address.bytes.empty()) {
    throw std::invalid_argument("only a 'bytes' address carries bytes");
  }
}

// --- text -------------------------------------------------------------------

std::string name_or_number(int value, std::span<const Named> names) {
  for (const auto& n : names)
    if (n.value == value) return std::string(n.name);
  return std::to_string(value);
}

std::optional<long long> number(std::string_view text) {
  long long value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<int> named_value(std::string_view text, std::span<const Named> names) {
  for (const auto& n : names)
    if (n.name == text) return n.value;
  auto value = number(text);
  if (value && *value >= 0 && *value <= 255) return static_cast<int>(*value);
  return std::nullopt;
}

std::string length_text(const Length& length) {
  if (!length.relative) return std::to_string(length.value);
  if (length.value == 0) return "true";
  return (length.value > 0 ? "true+" : "true-") + std::to_string(std::abs(length.value));
}

std::optional<Length> parse_length(std::string_view text) {
  if (text == "true") return Length{true, 0};
  if (text.starts_with("true+") || text.starts_with("true-")) {
    auto v = number(text.substr(5));
    if (!v || *v > 255) return std::nullopt;
    return Length{true, text[4] == '+' ? *v : -*v};
  }
  auto v = number(text);
  if (!v || *v < 0 || *v > 0xffffffffLL) return std::nullopt;
  return Length{false, *v};
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (auto b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<std::uint8_t> out;
  for (std::size_t i = 0; i < text.size(); i += 2) {
    unsigned v = 0;
    auto [end, ec] = std::from_chars(text.data() + i, text.data() + i + 2, v, 16);
    if (ec != std::errc() || end != text.data() + i + 2) return std::nullopt;
    out.push_back(static_cast<std::uint8_t>(v));
  }
  return out;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    std::size_t at = text.find(sep, start);
    parts.push_back(text.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start));
    if (at == std::string_view::npos) return parts;
    start = at + 1;
  }
}

// "listener,AF_INET,length=true-1[,bytes=HEX]"; returns "" or what is wrong.
std::string parse_address(std::string_view text, Address& address) {
  auto parts = split(text, ',');
  if (parts.size() < 3 || parts.size() > 4)
    return "an address is DESTINATION,FAMILY,length=LEN[,bytes=HEX]";
  auto dest = std::find(std::begin(kDestinationNames), std::end(kDestinationNames), parts[0]);
  if (dest == std::end(kDestinationNames)) return "destination '" + std::string(parts[0]) + "': expected listener, refusing or bytes";
  address.destination = static_cast<Destination>(dest - std::begin(kDestinationNames));
  auto family = named_value(parts[1], kFamilyNames);
  if (!family) return "family '" + std::string(parts[1]) + "': expected AF_INET, AF_INET6, AF_UNIX, ... or 0 to 255";
  address.family = *family;
  if (!parts[2].starts_with("length=")) return "expected length= after the family";
  auto length = parse_length(parts[2].substr(7));
  if (!length) return "length '" + std::string(parts[2].substr(7)) + "': expected true, true+N, true-N (N <= 255) or 0 to 4294967295";
  address.length = *length;
  address.bytes.clear();
  if (parts.size() == 4) {
    if (!parts[3].starts_with("bytes=")) return "expected bytes= after the length";
    auto bytes = unhex(parts[3].substr(6));
    if (!bytes) return "bytes must be pairs of hex digits";
    if (bytes->size() > Scenario::kMaxAddressBytes) return "more than 126 address bytes";
    if (address.destination != Destination::bytes) return "only a 'bytes' address carries bytes";
    address.bytes = *bytes;
  }
  return "";
}

std::string parse_socket(std::string_view text, Scenario& s) {
  auto parts = split(text, ',');
  if (parts.size() != 3) return "socket is DOMAIN,TYPE,PROTOCOL";
  auto domain = named_value(parts[0], kFamilyNames);
  auto type = named_value(parts[1], kTypeNames);
  auto protocol = named_value(parts[2], {});
  if (!domain) return "domain '" + std::string(parts[0]) + "': expected AF_INET, AF_INET6, AF_UNIX, ... or 0 to 255";
  if (!type) return "type '" + std::string(parts[1]) + "': expected SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW or 0 to 255";
  if (!protocol) return "protocol '" + std::string(parts[2]) + "': expected 0 to 255";
  s.domain = *domain;
  s.type = *type;
  s.protocol = *protocol;
  return "";
}

}  // namespace

socklen_t Length::resolve(std::size_t true_size) const noexcept {
  return static_cast<socklen_t>(relative ? static_cast<std::int64_t>(true_size) + value : value);
}

Scenario decode(std::span<const std::uint8_t> bytes) {
  std::size_t header = 0;
  Format format = format_of(bytes, header);
  ByteReader in(bytes.subspan(header));
  Scenario s;
  s.mode = mode_from_byte(format, in.u8());
  s.domain = pick(in.u8(), kDomains);
  s.type = pick(in.u8(), kTypes);
  s.protocol = pick(in.u8(), kProtocols);
  s.plan = decode_plan(in, format);
  s.addresses.clear();
  int count = 1 + in.u8() % Scenario::kMaxAddresses;
  for (int i = 0; i < count; ++i) s.addresses.push_back(decode_address(in, s.domain));
  return s;
}

std::vector<std::uint8_t> encode(const Scenario& s) {
  std::vector<std::uint8_t> out{kFormat2Tag};
  out.push_back(static_cast<std::uint8_t>(s.mode));
  out.push_back(unpick(s.domain, kDomains, "domain"));
  out.push_back(unpick(s.type, kTypes, "socket type"));
  out.push_back(unpick(s.protocol, kProtocols, "protocol"));
  out.push_back(static_cast<std::uint8_t>((s.plan.mode == inject::Mode::Any ? 1 : 0) | (s.plan.hold ? 2 : 0)));
  if (s.plan.seed > 255) throw std::invalid_argument("a plan seed above 255 has no byte form");
  out.push_back(static_cast<std::uint8_t>(s.plan.seed));
  if (s.plan.rule_count > 4) throw std::invalid_argument("more than 4 plan rules have no byte form");
  out.push_back(static_cast<std::uint8_t>(s.plan.rule_count));
  for (int i = 0; i < s.plan.rule_count; ++i) put_rule(out, s.plan.rules[i]);
  if (s.addresses.empty() || s.addresses.size() > Scenario::kMaxAddresses)
    throw std::invalid_argument("a scenario has 1 to 3 addresses");
  out.push_back(static_cast<std::uint8_t>(s.addresses.size() - 1));
  for (const auto& a : s.addresses) put_address(out, a, s.domain);
  return out;
}

std::vector<std::uint8_t> encode_shortest(const Scenario& scenario) {
  std::vector<std::uint8_t> bytes = encode(scenario);
  while (!bytes.empty() && bytes.back() == 0) bytes.pop_back();
  return bytes;
}

std::string to_text(const Scenario& s) {
  std::string text = "mode=" + std::string(mode_name(s.mode)) + "\n";
  text += "socket=" + name_or_number(s.domain, kFamilyNames) + "," + name_or_number(s.type, kTypeNames) + "," +
          std::to_string(s.protocol) + "\n";
  text += "plan=" + inject::to_text(s.plan) + "\n";
  for (const auto& a : s.addresses) {
    text += "address=" + std::string(kDestinationNames[static_cast<int>(a.destination)]) + "," +
            name_or_number(a.family, kFamilyNames) + ",length=" + length_text(a.length);
    if (a.destination == Destination::bytes) text += ",bytes=" + hex(a.bytes);
    text += "\n";
  }
  return text;
}

std::string TextError::what() const { return "line " + std::to_string(line) + ": " + message; }

std::optional<Scenario> parse_text(std::string_view text, TextError& error) {
  Scenario s;
  s.addresses.clear();
  std::size_t line_no = 0;
  auto fail = [&](std::string message) -> std::optional<Scenario> {
    error = {line_no, std::move(message)};
    return std::nullopt;
  };
  for (std::string_view line : split(text, '\n')) {
    ++line_no;
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return fail("expected KEY=VALUE (mode, socket, plan, address)");
    std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    if (key == "mode") {
      auto mode = mode_from_name(value);
      if (!mode) return fail("unknown mode '" + std::string(value) + "' (connfuzz decode --modes lists them)");
      s.mode = *mode;
    } else if (key == "socket") {
      if (auto problem = parse_socket(value, s); !problem.empty()) return fail(problem);
    } else if (key == "plan" && value.empty()) {
      s.plan = Plan{};
    } else if (key == "plan") {
      inject::PlanError plan_error;
      auto plan = inject::parse_plan(value, plan_error);
      if (!plan) return fail("plan: " + plan_error.what());
      s.plan = *plan;
    } else if (key == "address") {
      if (s.addresses.size() == Scenario::kMaxAddresses) return fail("more than 3 addresses");
      Address address;
      if (auto problem = parse_address(value, address); !problem.empty()) return fail(problem);
      s.addresses.push_back(address);
    } else {
      return fail("unknown key '" + std::string(key) + "' (mode, socket, plan, address)");
    }
  }
  if (s.addresses.empty()) s.addresses.push_back(Address{Destination::listener, s.domain, {}, {}});
  return s;
}

Scenario for_family(Scenario scenario, std::string_view family) {
  if (family == "kernel") scenario.plan = Plan{};  // the kernel's own answers, nothing injected
  if (mode_family(scenario.mode) == family) return scenario;
  auto modes = family_modes(family);
  if (!modes.empty()) scenario.mode = modes[static_cast<std::size_t>(scenario.mode) % modes.size()];
  return scenario;
}

}  // namespace connfuzz::fuzz
