// The lines between `connfuzz sweep` and its workers read back as they were written.
#include <gtest/gtest.h>

#include "sweep_protocol.h"

namespace connfuzz::fuzz {
namespace {

TEST(SweepProtocol, ACellLineCarriesItsIdAndBytes) {
  std::vector<std::uint8_t> bytes = {0, 1, 0xab, 0xff};
  EXPECT_EQ(cell_line(42, bytes), "42 0001abff");
  auto back = parse_cell_line(cell_line(42, bytes));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->first, 42u);
  EXPECT_EQ(back->second, bytes);
  for (const char* bad : {"", "42", "x 00", "42 0", "42 zz"}) EXPECT_FALSE(parse_cell_line(bad)) << bad;
}

TEST(SweepProtocol, AnOutcomeLineRoundTripsWithItsReasonsOnOneLine) {
  SweepOutcome o;
  o.id = 7;
  o.reach = Reach::refused;
  o.sites = {{inject::Call::socket, 1}, {inject::Call::so_error, 1}, {inject::Call::connect, 2}};
  o.injected = {3, 14};
  o.real = {40};
  o.findings = {{"socket-leak", "", "fd 4\tleaked\nthere"}, {"abandoned", "asio-sync-connect-eintr", "closed"}};
  std::string line = outcome_line(o);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto back = parse_outcome_line(line);
  ASSERT_TRUE(back);
  o.findings[0].reason = "fd 4 leaked there";
  EXPECT_EQ(*back, o);
}

TEST(SweepProtocol, AnOkOutcomeWithNoCallsIsFiveFields) {
  SweepOutcome o;
  o.id = 0;
  EXPECT_EQ(outcome_line(o), "0\tunreached\t\t\t");
  EXPECT_EQ(parse_outcome_line(outcome_line(o)), o);
  for (const char* bad : {"", "0\tfired", "0\tsideways\t\t\t", "0\tfired\tconnect\t\t", "0\tfired\t\t1,x\t",
                          "0\tfired\t\t\t\tspin"})
    EXPECT_FALSE(parse_outcome_line(bad)) << bad;
}

TEST(SweepProtocol, TheIdentityLineNamesFamilyAndFormat) {
  EXPECT_EQ(identity_line("posix"), "connfuzz-fuzzer posix scenario");
  auto id = parse_identity_line(identity_line("example_leak_on_refused"));
  ASSERT_TRUE(id);
  EXPECT_EQ(id->first, "example_leak_on_refused");
  EXPECT_EQ(id->second, "scenario");
  for (const char* bad : {"", "connfuzz-fuzzer", "connfuzz-fuzzer posix", "fuzzer posix scenario", "connfuzz-fuzzer  scenario",
                          "connfuzz-fuzzer posix scenario a,b extra"})
    EXPECT_FALSE(parse_identity_line(bad)) << bad;
}

// A user's fuzzer names its own targets after the format: modes 128, 129, ... in that order.
TEST(SweepProtocol, AUsersFuzzerNamesItsTargets) {
  std::string line = identity_line("my_client", {"client_dial", "client_dial_list"});
  EXPECT_EQ(line, "connfuzz-fuzzer my_client scenario client_dial,client_dial_list");
  ASSERT_TRUE(parse_identity_line(line));
  EXPECT_EQ(identity_targets(line), (std::vector<std::string>{"client_dial", "client_dial_list"}));
  EXPECT_TRUE(identity_targets(identity_line("posix")).empty());
}

}  // namespace
}  // namespace connfuzz::fuzz
