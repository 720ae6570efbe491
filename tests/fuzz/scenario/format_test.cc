// A stored input keeps its meaning in every later version: every file kept in corpus/,
// docs/findings/ and tests/ decodes to the scenario it did when it was stored, and the
// codes the byte form writes never change.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

#include "format.h"
#include "plan.h"
#include "scenario.h"

namespace connfuzz::fuzz {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string one_line(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::string out;
  for (char c : text) out += c == '\n' ? std::string(" | ") : std::string(1, c);
  return out;
}

// As `connfuzz decode` shows it; a .txt file is a scenario's text, encoded first.
std::string decoded(const fs::path& path) {
  std::string content = read_file(path);
  if (path.extension() == ".txt") {
    TextError error;
    auto scenario = parse_text(content, error);
    if (!scenario) return "error: " + error.what();
    auto bytes = encode(*scenario);
    return one_line(to_text(decode(bytes)));
  }
  return one_line(to_text(decode({reinterpret_cast<const std::uint8_t*>(content.data()), content.size()})));
}

TEST(Format, EveryStoredFileDecodesAsItDidWhenItWasStored) {
  std::ifstream golden(CONNFUZZ_SOURCE_DIR "/tests/fuzz/scenario/format/decoded.golden");
  ASSERT_TRUE(golden) << "tests/fuzz/scenario/format/decoded.golden is missing";
  std::string line;
  std::size_t files = 0;
  while (std::getline(golden, line)) {
    std::size_t tab = line.find('\t');
    ASSERT_NE(tab, std::string::npos) << line;
    fs::path path = fs::path(CONNFUZZ_SOURCE_DIR) / line.substr(0, tab);
    if (!fs::exists(path)) {
      ADD_FAILURE() << line.substr(0, tab) << " is gone: a moved or removed file's line in decoded.golden goes with it";
      continue;
    }
    EXPECT_EQ(decoded(path), line.substr(tab + 1)) << line.substr(0, tab);
    ++files;
  }
  EXPECT_GT(files, 1000u) << "the corpus went missing";
}

std::string codes_now(std::span<const Mode> modes) {
  std::string out;
  for (Mode m : modes) out += std::to_string(static_cast<int>(m)) + " " + mode_name(m) + "\n";
  return out;
}

TEST(Format, ModeCodesAreNeverChangedOrReused) {
  // New modes are appended to the golden list with their new code; no line ever changes.
  std::string golden = read_file(CONNFUZZ_SOURCE_DIR "/tests/fuzz/scenario/format/mode_codes.golden");
  std::string now = codes_now(all_modes());
  EXPECT_EQ(now.substr(0, golden.size()), golden) << "a mode's code changed: " << now;
}

TEST(Format, CallCodesAreNeverChanged) {
  std::string golden = read_file(CONNFUZZ_SOURCE_DIR "/tests/fuzz/scenario/format/call_codes.golden");
  std::string now;
  for (int c = 0; c < inject::kCallCount; ++c)
    now += std::to_string(c) + " " + std::string(inject::call_name(static_cast<inject::Call>(c))) + "\n";
  EXPECT_EQ(now.substr(0, golden.size()), golden) << "calls.def's order changed: calls are only appended";
}

TEST(Format, EncodeWritesFormatTwoWithTheErrnoItself) {
  TextError error;
  auto scenario = parse_text("mode=posix_nonblocking\nplan=connect@1=ECONNREFUSED\n", error);
  ASSERT_TRUE(scenario) << error.what();
  auto bytes = encode(*scenario);
  ASSERT_GE(bytes.size(), 10u);
  EXPECT_EQ(bytes[0], kFormat2Tag);
  EXPECT_EQ(bytes[1], static_cast<std::uint8_t>(Mode::posix_nonblocking));
  EXPECT_EQ(bytes[8], static_cast<std::uint8_t>(inject::Call::connect));
  EXPECT_EQ(bytes[10], ECONNREFUSED) << "the errno byte is the errno's number, not a place in the table";
  EXPECT_EQ(decode(bytes), *scenario);
}

TEST(Format, AnInputWithoutTheTagIsFormatOne) {
  std::size_t header = 9;
  std::uint8_t legacy[] = {7, 0, 0};
  EXPECT_EQ(format_of(legacy, header).version, 1);
  EXPECT_EQ(header, 0u);
  // Format 1 picked the errno by its place among connect's rows: the first is EACCES.
  EXPECT_EQ(errno_from_byte(Format{1}, inject::Call::connect, 0), EACCES);
  EXPECT_EQ(errno_from_byte(Format{2}, inject::Call::connect, ECONNREFUSED), ECONNREFUSED);
  // A format-2 byte that is no row of the call still decodes (a raw engine input).
  EXPECT_EQ(errno_from_byte(Format{2}, inject::Call::close, 0), errno_from_byte(Format{1}, inject::Call::close, 0));
}

}  // namespace
}  // namespace connfuzz::fuzz
