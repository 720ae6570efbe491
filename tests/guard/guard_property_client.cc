// Hands every destination of random_destinations(SEED, COUNT, DIR) to one libc entry
// that can carry a destination (connect, sendto, sendmsg, sendmmsg or a TCP Fast Open
// sendto), one non-blocking socket each, and prints nothing: the event log is the
// record. With sendmmsg-prefix, one sendmmsg whose second message goes far instead. Only for the guard property test, under `connfuzz run`. It refuses to run
// anywhere a packet could leave: in a network namespace with any interface but lo.
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

#include "random_destinations.h"

namespace {

bool only_loopback() {
  struct if_nameindex* names = if_nameindex();
  if (names == nullptr) return false;
  bool only_lo = true;
  for (struct if_nameindex* n = names; n->if_index != 0; ++n) only_lo &= std::string(n->if_name) == "lo";
  if_freenameindex(names);
  return only_lo;
}

// One call of `entry` towards `to`. sendmmsg's destination is its second message, after
// one that names none, so that a guard that judged only the first would be seen.
void reach(const std::string& entry, int fd, const sockaddr* to, socklen_t len) {
  char byte = 'x';
  iovec iov{&byte, 1};
  msghdr msg{};
  msg.msg_name = const_cast<sockaddr*>(to);
  msg.msg_namelen = len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (entry == "connect") {
    (void)connect(fd, to, len);
  } else if (entry == "sendto") {
    (void)sendto(fd, &byte, 1, 0, to, len);
  } else if (entry == "sendmsg") {
    (void)sendmsg(fd, &msg, 0);
  } else if (entry == "sendmmsg") {
    mmsghdr msgs[2]{};
    msgs[0].msg_hdr = msg;
    msgs[0].msg_hdr.msg_name = nullptr;
    msgs[0].msg_hdr.msg_namelen = 0;
    msgs[1].msg_hdr = msg;
    (void)sendmmsg(fd, msgs, 2, 0);
  } else if (entry == "fastopen") {
    (void)sendto(fd, &byte, 1, MSG_FASTOPEN, to, len);
  }
}

// sendmmsg of three datagrams to a loopback receiver, the second to a far host: prints
// what sendmmsg returned and how many reached the receiver.
int sendmmsg_prefix() {
  int receiver = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  sockaddr_in near{}, far{};
  near.sin_family = far.sin_family = AF_INET;
  near.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(near);
  if (bind(receiver, reinterpret_cast<sockaddr*>(&near), len) != 0 ||
      getsockname(receiver, reinterpret_cast<sockaddr*>(&near), &len) != 0)
    return 1;
  far.sin_port = near.sin_port;
  inet_pton(AF_INET, "192.0.2.1", &far.sin_addr);
  char bytes[3] = {'a', 'b', 'c'};
  iovec iov[3];
  mmsghdr msgs[3]{};
  sockaddr_in* to[3] = {&near, &far, &near};
  for (int i = 0; i < 3; ++i) {
    iov[i] = {&bytes[i], 1};
    msgs[i].msg_hdr.msg_name = to[i];
    msgs[i].msg_hdr.msg_namelen = sizeof(sockaddr_in);
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int sent = sendmmsg(fd, msgs, 3, 0);
  int err = errno;
  std::string received;
  char byte;
  for (int i = 0; i < 10 && recv(receiver, &byte, 1, 0) == 1; ++i) received += byte;
  std::printf("sendmmsg = %d%s%s, received \"%s\"\n", sent, sent < 0 ? " " : "", sent < 0 ? strerrorname_np(err) : "",
              received.c_str());
  close(fd);
  close(receiver);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string entry = argc == 5 ? argv[4] : "connect";
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: guard_property_client SEED COUNT DIR [connect|sendto|sendmsg|sendmmsg|fastopen|sendmmsg-prefix]\n");
    return 2;
  }
  if (entry == "sendmmsg-prefix") return only_loopback() ? sendmmsg_prefix() : 3;
  if (entry != "connect" && entry != "sendto" && entry != "sendmsg" && entry != "sendmmsg" && entry != "fastopen") {
    std::fprintf(stderr, "guard_property_client: unknown entry point %s\n", entry.c_str());
    return 2;
  }
  if (!only_loopback()) {
    std::fprintf(stderr, "guard_property_client: this network namespace has interfaces besides lo; refusing to run\n");
    return 3;
  }
  signal(SIGPIPE, SIG_IGN);  // a send on an unconnected stream socket raises it
  auto destinations = connfuzz::testing::random_destinations(std::strtoull(argv[1], nullptr, 10), std::atoi(argv[2]), argv[3]);
  for (const auto& d : destinations) {
    int fd = socket(d.domain, d.type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    reach(entry, fd, reinterpret_cast<const sockaddr*>(&d.addr), d.len);
    close(fd);
  }
  return 0;
}
