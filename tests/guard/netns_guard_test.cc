// The guard on the wire: in a network namespace of the test's own, with a route
// off loopback, a packet capture shows that no guarded connect sends a frame,
// while the same connect made by a raw syscall does (so the capture can fail).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <initializer_list>
#include <vector>

#include "plan.h"
#include "runtime.h"

namespace {

constexpr const char* kFarV4 = "192.0.2.1";
constexpr const char* kFarV6 = "2001:db8::1";

class WireTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (unshare(CLONE_NEWNET) != 0) {
      skip_reason_ = std::string("cannot create a network namespace: ") + std::strerror(errno);
      return;
    }
    const char* setup =
        "ip link set lo up && ip link add v0 type veth peer name v1 && ip link set v1 address 02:00:00:00:00:01 && "
        "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0 && "
        "ip link set v0 up && ip link set v1 up && ip addr add 192.0.2.100/24 dev v0 && "
        "ip -6 addr add 2001:db8::100/64 dev v0 nodad && "
        "ip neigh add 192.0.2.1 lladdr 02:00:00:00:00:01 dev v0 nud permanent && "
        "ip -6 neigh add 2001:db8::1 lladdr 02:00:00:00:00:01 dev v0 nud permanent";
    if (std::system(setup) != 0) skip_reason_ = "cannot set up a veth pair (is iproute2 installed?)";
  }

  void SetUp() override {
    if (!skip_reason_.empty()) GTEST_SKIP() << skip_reason_;
    connfuzz::inject::runtime().clear_plan();
    capture_ = static_cast<int>(syscall(SYS_socket, AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL)));
    ASSERT_GE(capture_, 0);
    sockaddr_ll where{};
    where.sll_family = AF_PACKET;
    where.sll_protocol = htons(ETH_P_ALL);
    where.sll_ifindex = static_cast<int>(if_nametoindex("v1"));
    ASSERT_EQ(syscall(SYS_bind, capture_, &where, sizeof(where)), 0);
    frames_to_far_hosts();  // forget what came before
  }
  void TearDown() override {
    if (capture_ >= 0) syscall(SYS_close, capture_);
  }

  // Frames that arrived on v1 addressed to the far IPv4 or IPv6 host (bounded drain).
  int frames_to_far_hosts() {
    usleep(20000);
    in_addr v4{};
    in6_addr v6{};
    inet_pton(AF_INET, kFarV4, &v4);
    inet_pton(AF_INET6, kFarV6, &v6);
    int count = 0;
    unsigned char frame[2048];
    for (int i = 0; i < 1000; ++i) {
      long n = syscall(SYS_recvfrom, capture_, frame, sizeof(frame), 0, nullptr, nullptr);
      if (n < 0) break;
      unsigned type = (frame[12] << 8) | frame[13];
      if (type == ETH_P_IP && n >= 34 && std::memcmp(frame + 30, &v4, 4) == 0) ++count;
      if (type == ETH_P_IPV6 && n >= 54 && std::memcmp(frame + 38, &v6, 16) == 0) ++count;
    }
    return count;
  }

  static std::string skip_reason_;
  int capture_ = -1;
};
std::string WireTest::skip_reason_;

sockaddr_in far_v4() {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(80);
  inet_pton(AF_INET, kFarV4, &a.sin_addr);
  return a;
}

sockaddr_in6 far_v6(const char* ip) {
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(80);
  inet_pton(AF_INET6, ip, &a.sin6_addr);
  return a;
}

TEST_F(WireTest, ARawConnectReachesTheWireSoTheCaptureWorks) {
  int fd = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  sockaddr_in a = far_v4();
  syscall(SYS_connect, fd, &a, sizeof(a));
  EXPECT_GE(frames_to_far_hosts(), 1);
  syscall(SYS_close, fd);
}

TEST_F(WireTest, AGuardedIpv4ConnectSendsNothing) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in a = far_v4();
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), -1);
  EXPECT_EQ(errno, ENETUNREACH);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  close(fd);
}

TEST_F(WireTest, AGuardedIpv6ConnectSendsNothing) {
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in6 a = far_v6(kFarV6);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), -1);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  close(fd);
}

TEST_F(WireTest, AGuardedIpv4MappedConnectSendsNothing) {
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in6 a = far_v6("::ffff:192.0.2.1");
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), -1);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  close(fd);
}

TEST_F(WireTest, AnInjectedEintrTowardsAFarHostSendsNothing) {
  connfuzz::inject::runtime().install(connfuzz::inject::parse_plan("connect@*=EINTR"));
  // As in a program that catches signals, so the EINTR fires and starts a real attempt.
  connfuzz::inject::runtime().set_signal_handlers(connfuzz::inject::SignalHandlers::caught);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a = far_v4();
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), -1);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  close(fd);
}

extern "C" int __connect(int, const sockaddr*, socklen_t);  // glibc's public alias of connect

TEST_F(WireTest, AGuardedConnectByGlibcsOtherNameSendsNothing) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in a = far_v4();
  EXPECT_EQ(__connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), -1);
  EXPECT_EQ(errno, ENETUNREACH);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  close(fd);
}

TEST_F(WireTest, AGuardedDatagramSendsNothing) {
  int fd = socket(AF_INET6, SOCK_DGRAM, 0);
  sockaddr_in a = far_v4();  // an AF_INET6 datagram socket accepts AF_INET destinations
  EXPECT_LT(sendto(fd, "x", 1, 0, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  EXPECT_LT(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  close(fd);
}

// A UDP socket bound to loopback that counts the datagrams it got (bounded drain).
struct LoopbackReceiver {
  int fd = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0));
  sockaddr_in addr{};
  LoopbackReceiver() {
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    syscall(SYS_bind, fd, &addr, sizeof(addr));
    socklen_t len = sizeof(addr);
    syscall(SYS_getsockname, fd, &addr, &len);
  }
  ~LoopbackReceiver() { syscall(SYS_close, fd); }
  int received() const {
    char byte;
    int count = 0;
    for (int i = 0; i < 100 && syscall(SYS_recvfrom, fd, &byte, 1, 0, nullptr, nullptr) >= 0; ++i) ++count;
    return count;
  }
};

// Guard events on send() that the in-process log holds.
int guarded_sends() {
  auto& log = connfuzz::inject::runtime().log();
  int count = 0;
  for (std::uint32_t i = 0; i < log.size(); ++i)
    count += log.at(i).call == connfuzz::inject::Call::send && log.at(i).mark == connfuzz::inject::Mark::Guard;
  return count;
}

// One datagram per destination, each message naming its own.
struct Messages {
  char byte = 'x';
  iovec iov{&byte, 1};
  std::vector<mmsghdr> msgs;
  explicit Messages(std::initializer_list<const sockaddr_in*> to) {
    for (const sockaddr_in* a : to) {
      mmsghdr m{};
      m.msg_hdr.msg_name = const_cast<sockaddr_in*>(a);
      m.msg_hdr.msg_namelen = sizeof(*a);
      m.msg_hdr.msg_iov = &iov;
      m.msg_hdr.msg_iovlen = 1;
      msgs.push_back(m);
    }
  }
};

TEST_F(WireTest, ARawSendmmsgReachesTheWireSoTheCaptureWorks) {
  int fd = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0));
  sockaddr_in far = far_v4();
  Messages m({&far});
  EXPECT_EQ(syscall(SYS_sendmmsg, fd, m.msgs.data(), 1, 0), 1);
  EXPECT_GE(frames_to_far_hosts(), 1);
  syscall(SYS_close, fd);
}

TEST_F(WireTest, SendmmsgSendsTheMessagesBeforeARefusedDestinationAndNoneAfter) {
  LoopbackReceiver receiver;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in far = far_v4();
  Messages m({&receiver.addr, &far, &receiver.addr});
  EXPECT_EQ(sendmmsg(fd, m.msgs.data(), 3, 0), 1);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  EXPECT_EQ(receiver.received(), 1);
  EXPECT_EQ(guarded_sends(), 1);
  close(fd);
}

TEST_F(WireTest, SendmmsgWhoseFirstDestinationIsRefusedFailsWithTheGuardsErrno) {
  LoopbackReceiver receiver;
  int fd = socket(AF_INET6, SOCK_DGRAM, 0);
  sockaddr_in far = far_v4();  // an AF_INET6 datagram socket accepts AF_INET destinations
  Messages m({&far, &receiver.addr});
  EXPECT_EQ(sendmmsg(fd, m.msgs.data(), 2, 0), -1);
  EXPECT_EQ(errno, ENETUNREACH);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  EXPECT_EQ(receiver.received(), 0);
  close(fd);
}

TEST_F(WireTest, ARawFastOpenSendtoReachesTheWireSoTheCaptureWorks) {
  int fd = static_cast<int>(syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  sockaddr_in a = far_v4();
  syscall(SYS_sendto, fd, "x", 1, MSG_FASTOPEN, &a, sizeof(a));
  EXPECT_GE(frames_to_far_hosts(), 1);
  syscall(SYS_close, fd);
}

TEST_F(WireTest, AGuardedFastOpenSendtoOrSendmsgSendsNothing) {
  sockaddr_in a = far_v4();
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  EXPECT_EQ(sendto(fd, "x", 1, MSG_FASTOPEN, reinterpret_cast<sockaddr*>(&a), sizeof(a)), -1);
  EXPECT_EQ(errno, ENETUNREACH);
  close(fd);
  fd = socket(AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, 0);
  sockaddr_in6 mapped = far_v6("::ffff:192.0.2.1");
  char byte = 'x';
  iovec iov{&byte, 1};
  msghdr msg{};
  msg.msg_name = &mapped;
  msg.msg_namelen = sizeof(mapped);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  EXPECT_EQ(sendmsg(fd, &msg, MSG_FASTOPEN), -1);
  EXPECT_EQ(errno, ENETUNREACH);
  close(fd);
  EXPECT_EQ(frames_to_far_hosts(), 0);
  EXPECT_EQ(guarded_sends(), 2);
}

TEST_F(WireTest, AConnectAfterTcpFastOpenConnectIsGuardedAndItsWriteSendsNothing) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int on = 1;
  ASSERT_EQ(setsockopt(fd, IPPROTO_TCP, TCP_FASTOPEN_CONNECT, &on, sizeof(on)), 0);
  sockaddr_in a = far_v4();
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)), -1);
  EXPECT_EQ(errno, ENETUNREACH);
  EXPECT_LT(send(fd, "x", 1, MSG_NOSIGNAL), 0);  // never connected: nothing to send the byte with
  EXPECT_EQ(frames_to_far_hosts(), 0);
  close(fd);
}

}  // namespace
