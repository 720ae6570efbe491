// The guard's verdicts, address by address.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/netlink.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include "guard.h"

namespace connfuzz::inject {
namespace {

namespace fs = std::filesystem;

GuardVerdict check_v4(int domain, const char* ip, socklen_t len = sizeof(sockaddr_in)) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(80);
  inet_pton(AF_INET, ip, &a.sin_addr);
  return check_destination(domain, reinterpret_cast<sockaddr*>(&a), len, GuardConfig{});
}

GuardVerdict check_v6(int domain, const char* ip, socklen_t len = sizeof(sockaddr_in6)) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(80);
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  return check_destination(domain, reinterpret_cast<sockaddr*>(&a), len, GuardConfig{});
}

TEST(Guard, AllowsTheWholeIpv4LoopbackRange) {
  EXPECT_TRUE(check_v4(AF_INET, "127.0.0.1").allowed);
  EXPECT_TRUE(check_v4(AF_INET, "127.255.3.4").allowed);
}

TEST(Guard, DeniesEveryOtherIpv4DestinationWithEnetunreach) {
  for (const char* ip : {"192.0.2.1", "10.0.0.1", "0.0.0.0", "255.255.255.255", "128.0.0.1", "8.8.8.8", "224.0.0.1"}) {
    SCOPED_TRACE(ip);
    GuardVerdict v = check_v4(AF_INET, ip);
    EXPECT_FALSE(v.allowed);
    EXPECT_EQ(v.err, ENETUNREACH);
  }
}

TEST(Guard, JudgesIpv4AddressesOnIpv6SocketsToo) {
  EXPECT_FALSE(check_v4(AF_INET6, "192.0.2.1").allowed);
  EXPECT_TRUE(check_v4(AF_INET6, "127.0.0.1").allowed);
}

TEST(Guard, AllowsIpv6LoopbackAndMappedIpv4Loopback) {
  EXPECT_TRUE(check_v6(AF_INET6, "::1").allowed);
  EXPECT_TRUE(check_v6(AF_INET6, "::ffff:127.0.0.1").allowed);
}

TEST(Guard, DeniesOtherIpv6IncludingMappedAndCompatibleForms) {
  for (const char* ip : {"2001:db8::1", "::", "::ffff:192.0.2.1", "::127.0.0.1", "fe80::1", "ff02::1", "::2"}) {
    SCOPED_TRACE(ip);
    EXPECT_FALSE(check_v6(AF_INET6, ip).allowed);
  }
}

TEST(Guard, AllowsLengthsTheKernelRejectsBeforeRouting) {
  EXPECT_TRUE(check_v4(AF_INET, "192.0.2.1", sizeof(sockaddr_in) - 1).allowed);
  EXPECT_TRUE(check_v6(AF_INET6, "2001:db8::1", 23).allowed);
  EXPECT_TRUE(check_v4(AF_INET, "192.0.2.1", 1).allowed);
  EXPECT_TRUE(check_v4(AF_INET, "192.0.2.1", sizeof(sockaddr_storage) + 1).allowed);
}

TEST(Guard, StillReadsTheAddressWhenTheLengthRunsPastTheStructure) {
  EXPECT_FALSE(check_v4(AF_INET, "192.0.2.1", 64).allowed);
  EXPECT_FALSE(check_v6(AF_INET6, "2001:db8::1", 24).allowed);
}

TEST(Guard, AllowsAfUnspecWhichDissolvesAnAssociation) {
  sockaddr_in a{};
  a.sin_family = AF_UNSPEC;
  inet_pton(AF_INET, "192.0.2.1", &a.sin_addr);
  EXPECT_TRUE(check_destination(AF_INET, reinterpret_cast<sockaddr*>(&a), sizeof(a), GuardConfig{}).allowed);
}

TEST(Guard, DeniesUnknownFamiliesOnInternetSocketsAndUnknownDomains) {
  sockaddr_storage a{};
  a.ss_family = AF_PACKET;
  EXPECT_FALSE(check_destination(AF_INET, reinterpret_cast<sockaddr*>(&a), sizeof(a), GuardConfig{}).allowed);
  a.ss_family = AF_INET;
  EXPECT_FALSE(check_destination(AF_PACKET, reinterpret_cast<sockaddr*>(&a), sizeof(a), GuardConfig{}).allowed);
}

TEST(Guard, AllowsNetlinkWhoseAddressesNeverLeaveTheMachine) {
  sockaddr_nl a{};
  a.nl_family = AF_NETLINK;
  EXPECT_TRUE(check_destination(AF_NETLINK, reinterpret_cast<sockaddr*>(&a), sizeof(a), GuardConfig{}).allowed);
}

class UnixGuard : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/connfuzz-guard-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    root_ = pattern;
    fs::create_directory(root_ / "allowed");
    fs::create_directory(root_ / "outside");
    ASSERT_TRUE(config_.allow_unix_dir((root_ / "allowed").c_str()));
  }
  void TearDown() override { fs::remove_all(root_); }

  GuardVerdict check_path(const std::string& path, socklen_t extra = 1) {
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    std::memcpy(a.sun_path, path.data(), std::min(path.size(), sizeof(a.sun_path)));
    socklen_t len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + std::min(path.size() + extra, sizeof(a.sun_path)));
    return check_destination(AF_UNIX, reinterpret_cast<sockaddr*>(&a), len, config_);
  }

  fs::path root_;
  GuardConfig config_;
};

TEST_F(UnixGuard, AllowsPathsInsideAnAllowedDirectory) {
  EXPECT_TRUE(check_path((root_ / "allowed" / "s.sock").string()).allowed);
  fs::create_directory(root_ / "allowed" / "sub");
  EXPECT_TRUE(check_path((root_ / "allowed" / "sub" / "s.sock").string()).allowed);
}

TEST_F(UnixGuard, DeniesPathsOutsideWithEacces) {
  GuardVerdict v = check_path((root_ / "outside" / "s.sock").string());
  EXPECT_FALSE(v.allowed);
  EXPECT_EQ(v.err, EACCES);
  EXPECT_FALSE(check_path("/run/systemd/private").allowed);
  EXPECT_FALSE(check_path("relative.sock").allowed);
}

TEST_F(UnixGuard, DeniesDotDotEscapes) {
  EXPECT_FALSE(check_path((root_ / "allowed" / ".." / "outside" / "s.sock").string()).allowed);
}

TEST_F(UnixGuard, DeniesSymbolicLinksThatLeadOutside) {
  fs::create_directory_symlink(root_ / "outside", root_ / "allowed" / "door");
  EXPECT_FALSE(check_path((root_ / "allowed" / "door" / "s.sock").string()).allowed);
  fs::create_symlink(root_ / "outside" / "target.sock", root_ / "allowed" / "link.sock");
  std::ofstream(root_ / "outside" / "target.sock").put('x');
  EXPECT_FALSE(check_path((root_ / "allowed" / "link.sock").string()).allowed);
}

TEST_F(UnixGuard, DoesNotTakeAPrefixForADirectory) {
  fs::create_directory(root_ / "allowed-not");
  EXPECT_FALSE(check_path((root_ / "allowed-not" / "s.sock").string()).allowed);
}

TEST_F(UnixGuard, ReadsAPathWithNoNulOnlyUpToTheLength) {
  std::string path = (root_ / "allowed" / "s.sock").string();
  EXPECT_TRUE(check_path(path, 0).allowed);
}

TEST_F(UnixGuard, AllowsAbstractNamesOnlyWithTheHarnessPrefix) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::memcpy(a.sun_path, "\0connfuzz-x", 11);
  socklen_t len = offsetof(sockaddr_un, sun_path) + 11;
  EXPECT_TRUE(check_destination(AF_UNIX, reinterpret_cast<sockaddr*>(&a), len, config_).allowed);
  std::memcpy(a.sun_path, "\0dbus-1234", 10);
  GuardVerdict v = check_destination(AF_UNIX, reinterpret_cast<sockaddr*>(&a), offsetof(sockaddr_un, sun_path) + 10, config_);
  EXPECT_FALSE(v.allowed);
  // A name cut short of the prefix is not the prefix.
  std::memcpy(a.sun_path, "\0connfuzz-", 10);
  EXPECT_FALSE(check_destination(AF_UNIX, reinterpret_cast<sockaddr*>(&a), offsetof(sockaddr_un, sun_path) + 5, config_).allowed);
}

TEST(GuardConfig, RejectsMissingDirectories) {
  GuardConfig config;
  EXPECT_FALSE(config.allow_unix_dir("/nonexistent/connfuzz"));
  EXPECT_EQ(config.unix_dir_count, 0);
}

}  // namespace
}  // namespace connfuzz::inject
