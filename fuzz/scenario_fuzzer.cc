// The scenario formats against any bytes: every byte string decodes; its text parses
// back to the same scenario; encode(decode(x)) decodes to the same text (and so does
// the shortest encoding); and the same bytes read as text either fail with a line
// number or round-trip too.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <stdexcept>
#include <string>

#include "scenario.h"

namespace {

[[noreturn]] void violated(const char* property, const std::string& detail) {
  std::fprintf(stderr, "connfuzz: scenario_fuzzer: %s\n%s\n", property, detail.c_str());
  std::abort();
}

using namespace connfuzz::fuzz;

void bytes_round_trip(std::span<const std::uint8_t> bytes) {
  Scenario scenario = decode(bytes);
  std::string text = to_text(scenario);
  TextError error;
  auto parsed = parse_text(text, error);
  if (!parsed) violated("the text of a decoded scenario does not parse", text + "\n" + error.what());
  if (!(*parsed == scenario)) violated("decode -> text -> parse changed the scenario", text + "\nvs\n" + to_text(*parsed));
  std::vector<std::uint8_t> encoded, shortest;
  try {
    encoded = encode(scenario);
    shortest = encode_shortest(scenario);
  } catch (const std::invalid_argument& e) {
    violated("a decoded scenario cannot be encoded", text + "\n" + e.what());
  }
  if (to_text(decode(encoded)) != text) violated("encode(decode(x)) decodes to another text", text);
  if (to_text(decode(shortest)) != text) violated("the shortest encoding decodes to another text", text);
  if (shortest.size() > encoded.size()) violated("the shortest encoding is longer", text);
}

void text_round_trip(std::span<const std::uint8_t> bytes) {
  std::string text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  TextError error;
  auto parsed = parse_text(text, error);
  if (!parsed) {
    if (error.line < 1 || error.message.empty()) violated("a rejected text names no line or reason", text);
    return;
  }
  std::string printed = to_text(*parsed);
  auto again = parse_text(printed, error);
  if (!again || !(*again == *parsed)) violated("text -> parse -> print -> parse changed the scenario", text + "\n" + printed);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 8192) return -1;
  std::span<const std::uint8_t> bytes(data, size);
  bytes_round_trip(bytes);
  text_round_trip(bytes);
  return 0;
}
