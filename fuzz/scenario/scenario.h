// One fuzz input as a value: the socket, the addresses, the plan and the call mode,
// with its three forms (bytes, the value, text) and the conversions between them.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "modes.h"
#include "plan.h"

namespace connfuzz::fuzz {

// Where an address points: the harness's live listener, its port or path that
// refuses, or the fuzzed bytes as they are (the guard keeps them on the machine).
enum class Destination : std::uint8_t { listener, refusing, bytes };

// The claimed length: relative to the true size of the address's structure, or absolute.
struct Length {
  bool relative = true;
  std::int64_t value = 0;  // relative: added to the true size; absolute: the socklen_t
  socklen_t resolve(std::size_t true_size) const noexcept;
  bool operator==(const Length&) const = default;
};

struct Address {
  Destination destination = Destination::listener;
  int family = AF_INET;          // written into sa_family
  Length length;
  std::vector<std::uint8_t> bytes;  // Destination::bytes: what follows sa_family (at most 126)
  bool operator==(const Address&) const = default;
};

struct Scenario {
  static constexpr std::size_t kMaxAddresses = 3;
  static constexpr std::size_t kMaxAddressBytes = sizeof(sockaddr_storage) - sizeof(sa_family_t);

  Mode mode = Mode::posix_blocking;
  int domain = AF_INET;
  int type = SOCK_STREAM;
  int protocol = 0;
  inject::Plan plan;
  std::vector<Address> addresses{Address{}};  // 1 to kMaxAddresses

  bool operator==(const Scenario&) const = default;
};

// Every byte string is a scenario: missing bytes read as zero, values out of range wrap.
Scenario decode(std::span<const std::uint8_t> bytes);

// The bytes that decode to `scenario`. Throws std::invalid_argument naming the part
// the byte form cannot hold (a seed above 255, a domain outside the table, ...).
std::vector<std::uint8_t> encode(const Scenario& scenario);
// The same without the trailing zero bytes, which decode reads back as they were.
std::vector<std::uint8_t> encode_shortest(const Scenario& scenario);

// Line per part: "mode=posix_nonblocking", "socket=AF_INET,SOCK_STREAM,0",
// "address=listener,AF_INET,length=true-1", "plan=connect@1=EINTR".
std::string to_text(const Scenario& scenario);

struct TextError {
  std::size_t line = 0;  // 1-based
  std::string message;
  std::string what() const;
};
std::optional<Scenario> parse_text(std::string_view text, TextError& error);

// The scenario restricted to a fuzzer's family: its mode is mapped onto the family's
// own modes the same way every time, so a fuzzer's crash file replays on its own.
// The kernel family drops the plan: it judges the kernel's own answers.
Scenario for_family(Scenario scenario, std::string_view family);

}  // namespace connfuzz::fuzz
