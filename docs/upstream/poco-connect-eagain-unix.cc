// POCO's StreamSocket::connect(address, timeout) reports success for an AF_UNIX connect
// that the kernel refused with EAGAIN (the listener's backlog is full): no injection, only
// POCO and the kernel. docs/upstream/poco-connect-eagain-as-progress.md has the output.
//
//   g++ -std=c++17 poco-connect-eagain-unix.cc -lPocoNet -lPocoFoundation -o poco-connect-eagain-unix
#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/SocketImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

int main() {
  char dir[] = "/tmp/poco-eagain-XXXXXX";
  if (!mkdtemp(dir)) return perror("mkdtemp"), 1;
  std::string path = std::string(dir) + "/listener";
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::strncpy(sa.sun_path, path.c_str(), sizeof(sa.sun_path) - 1);

  // A listener that never accepts, with a backlog of 0: one pending client fills it.
  int listener = socket(AF_UNIX, SOCK_STREAM, 0);
  if (bind(listener, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(listener, 0) != 0)
    return perror("listener"), 1;
  for (int i = 0; i < 8; ++i) {
    int filler = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (connect(filler, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
      std::printf("plain connect() #%d on a non-blocking socket: %s (the backlog is full)\n", i + 1, std::strerror(errno));
      close(filler);
      break;
    }
    std::printf("plain connect() #%d: 0 (queued)\n", i + 1);
  }

  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::UNIX_LOCAL);
  try {
    socket.connect(Poco::Net::SocketAddress(Poco::Net::SocketAddress::UNIX_LOCAL, path), Poco::Timespan(2, 0));
    std::printf("StreamSocket::connect(address, 2 s): returned normally (connected, POCO says)\n");
  } catch (const Poco::Exception& e) {
    std::printf("StreamSocket::connect(address, 2 s) threw %s\n", e.displayText().c_str());
    return 0;
  }
  sockaddr_un peer{};
  socklen_t len = sizeof(peer);
  if (getpeername(socket.impl()->sockfd(), reinterpret_cast<sockaddr*>(&peer), &len) != 0)
    std::printf("getpeername: %s\n", std::strerror(errno));
  try {
    socket.sendBytes("x", 1);
    std::printf("sendBytes: sent\n");
  } catch (const Poco::Exception& e) {
    std::printf("sendBytes threw %s\n", e.displayText().c_str());
  }
  unlink(path.c_str());
  rmdir(dir);
  return 0;
}
