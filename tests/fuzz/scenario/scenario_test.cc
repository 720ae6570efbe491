// The scenario format: bytes, value and text, and the corpus's text twins.
#include "scenario.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

namespace connfuzz::fuzz {
namespace {

std::vector<std::uint8_t> random_bytes(std::mt19937& rng, std::size_t max_size) {
  std::vector<std::uint8_t> bytes(rng() % (max_size + 1));
  for (auto& b : bytes) b = static_cast<std::uint8_t>(rng());
  return bytes;
}

Scenario parse(const std::string& text) {
  TextError error;
  auto s = parse_text(text, error);
  EXPECT_TRUE(s.has_value()) << error.what() << "\n" << text;
  return s.value_or(Scenario{});
}

TEST(Scenario, EveryByteStringDecodesAndItsCanonicalBytesDecodeToTheSameScenario) {
  std::mt19937 rng(20261121);
  for (int i = 0; i < 3000; ++i) {  // bounded: 3000 strings of at most 300 bytes
    auto bytes = random_bytes(rng, 300);
    Scenario s = decode(bytes);
    ASSERT_GE(s.addresses.size(), 1u);
    ASSERT_LE(s.addresses.size(), Scenario::kMaxAddresses);
    // Decoded values wrap into tables, so re-encoding may fail only for raw numbers
    // above the byte form's range, which decode never produces.
    std::vector<std::uint8_t> again = encode(s);
    ASSERT_EQ(decode(again), s) << to_text(s);
  }
}

TEST(Scenario, ActionsHaveAByteFormThatDecodesToThem) {
  for (const char* plan : {"connect@1=!SIGALRM", "connect@2=!SIGVTALRM", "connect@1=+250ms", "connect@1=+3s>ECONNREFUSED",
                           "connect@1=+30s poll@1-=+400ms>EINTR", "connect@1=CANCEL", "epoll_wait@*=+1s>EINTR"}) {
    SCOPED_TRACE(plan);
    TextError error;
    auto s = parse_text(std::string("mode=posix_worker\nplan=") + plan + "\n", error);
    ASSERT_TRUE(s) << error.what();
    Scenario back = decode(encode(*s));
    EXPECT_EQ(back, *s) << to_text(back);
    EXPECT_EQ(inject::to_text(back.plan), plan);
  }
  // What the byte form's tables do not hold is named.
  TextError error;
  auto odd = parse_text("mode=posix_worker\nplan=connect@1=+7ms\n", error);
  ASSERT_TRUE(odd);
  EXPECT_THROW(encode(*odd), std::invalid_argument);
}

TEST(Scenario, TextRoundTripsForDecodedScenarios) {
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    Scenario s = decode(random_bytes(rng, 200));
    ASSERT_EQ(parse(to_text(s)), s) << to_text(s);
  }
}

TEST(Scenario, EmptyInputIsABlockingConnectToTheIpv4Listener) {
  Scenario s = decode({});
  EXPECT_EQ(s.mode, all_modes().front());
  EXPECT_EQ(s.domain, AF_INET);
  EXPECT_EQ(s.type, SOCK_STREAM);
  EXPECT_EQ(s.plan.rule_count, 0);
  ASSERT_EQ(s.addresses.size(), 1u);
  EXPECT_EQ(s.addresses[0].destination, Destination::listener);
  EXPECT_EQ(s.addresses[0].length, (Length{true, 0}));
}

TEST(Scenario, LengthsReachTheEdgesOfTheContract) {
  // kind byte 128 + k selects the edge; then its parameter byte(s).
  auto length_of = [](std::vector<std::uint8_t> tail) {
    std::vector<std::uint8_t> bytes = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0};  // header, no rules, 1 address, listener, domain family
    bytes.insert(bytes.end(), tail.begin(), tail.end());
    return decode(bytes).addresses[0].length;
  };
  EXPECT_EQ(length_of({128, 0}), (Length{true, -1}));
  EXPECT_EQ(length_of({129, 7}), (Length{true, 8}));
  EXPECT_EQ(length_of({134, 0xff}).resolve(16), 0xffffffffu);  // -1 as an int
  EXPECT_EQ(length_of({133, 0}).resolve(16), 65536u);
  EXPECT_EQ(length_of({132, 0}).resolve(16), 256u);
  EXPECT_EQ(length_of({135, 0, 0, 0, 0x80}).resolve(16), 0x80000000u);
  EXPECT_EQ((Length{true, -20}).resolve(16), static_cast<socklen_t>(-4));
}

TEST(Scenario, FamiliesMapEveryModeOntoTheirOwn) {
  for (Mode mode : all_modes()) {
    Scenario s;
    s.mode = mode;
    for (auto family : families()) EXPECT_EQ(mode_family(for_family(s, family).mode), family);
  }
}

// A user's fuzzer registers a few targets from kFirstUserMode on; an input may carry any
// code up to 255 (a user's fuzzer found "no target registered for mode 242" and aborted).
TEST(Scenario, UserFuzzersMapEveryCodeOntoTheTargetsTheyRegistered) {
  set_user_modes("my_client", {"dial", "dial_list"});
  const Mode first = static_cast<Mode>(kFirstUserMode), second = static_cast<Mode>(kFirstUserMode + 1);
  for (int code = 0; code <= 255; ++code) {
    Scenario s;
    s.mode = static_cast<Mode>(code);
    Mode mapped = for_family(s, "my_client").mode;
    EXPECT_TRUE(mapped == first || mapped == second) << "code " << code << " became " << static_cast<int>(mapped);
  }
  set_user_modes("", {});
}

TEST(Scenario, BadTextIsRejectedWithItsLineAndWhy) {
  struct Case {
    const char* text;
    std::size_t line;
    const char* says;
  };
  const Case cases[] = {
      {"mode=nope\n", 1, "unknown mode 'nope'"},
      {"mode=posix_blocking\nsocket=AF_INET,SOCK_STREAM\n", 2, "socket is DOMAIN,TYPE,PROTOCOL"},
      {"socket=AF_WHAT,SOCK_STREAM,0\n", 1, "domain 'AF_WHAT'"},
      {"socket=AF_INET,SOCK_WHAT,0\n", 1, "type 'SOCK_WHAT'"},
      {"socket=AF_INET,SOCK_STREAM,999\n", 1, "protocol '999'"},
      {"plan=connect@1=EWHAT\n", 1, "plan: column"},
      {"address=somewhere,AF_INET,length=true\n", 1, "destination 'somewhere'"},
      {"address=listener,AF_INET\n", 1, "an address is DESTINATION"},
      {"address=listener,AF_INET,size=3\n", 1, "expected length="},
      {"address=listener,AF_INET,length=true+999\n", 1, "length 'true+999'"},
      {"address=listener,AF_INET,length=4294967296\n", 1, "length '4294967296'"},
      {"address=bytes,AF_INET,length=true,bytes=abc\n", 1, "pairs of hex digits"},
      {"address=listener,AF_INET,length=true,bytes=00\n", 1, "only a 'bytes' address"},
      {"address=listener,AF_INET,length=true\naddress=listener,AF_INET,length=true\n"
       "address=listener,AF_INET,length=true\naddress=listener,AF_INET,length=true\n", 4, "more than 3 addresses"},
      {"# a comment\nwhat\n", 2, "expected KEY=VALUE"},
      {"colour=blue\n", 1, "unknown key 'colour'"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    TextError error;
    EXPECT_FALSE(parse_text(c.text, error).has_value());
    EXPECT_EQ(error.line, c.line);
    EXPECT_NE(error.message.find(c.says), std::string::npos) << error.message;
  }
}

TEST(Scenario, EncodeNamesWhatTheByteFormCannotHold) {
  Scenario s = parse("plan=connect%5=EAGAIN seed=1000\n");
  EXPECT_THROW(encode(s), std::invalid_argument);
  Scenario t = parse("socket=200,SOCK_STREAM,0\n");
  EXPECT_THROW(encode(t), std::invalid_argument);
}

std::string slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(Corpus, EveryTextTwinEncodesToItsBinaryAndBack) {
  int twins = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(CONNFUZZ_CORPUS)) {
    if (entry.path().extension() != ".txt") continue;
    SCOPED_TRACE(entry.path().string());
    auto binary = entry.path();
    binary.replace_extension();
    ASSERT_TRUE(std::filesystem::exists(binary)) << "a text seed without its binary twin";
    std::string bytes = slurp(binary);
    Scenario from_text = parse(slurp(entry.path()));
    std::vector<std::uint8_t> expected(bytes.begin(), bytes.end());
    EXPECT_EQ(encode(from_text), expected);
    EXPECT_EQ(decode(expected), from_text);
    ++twins;
  }
  EXPECT_GT(twins, 100);
}

}  // namespace
}  // namespace connfuzz::fuzz
