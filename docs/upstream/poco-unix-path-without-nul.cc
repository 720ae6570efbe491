// POCO's LocalSocketAddressImpl::toString() runs strlen over sun_path, which a valid
// AF_UNIX address fills with 108 bytes and no NUL (unix(7)): it reads past POCO's own copy
// of the address. SocketImpl::connect and connectNB call it to word any failed connect.
// docs/upstream/poco-unix-path-without-nul.md has the output.
//
//   g++ -std=c++17 -fsanitize=address -g poco-unix-path-without-nul.cc -lPocoNet -lPocoFoundation -o poco-unix-path-without-nul
#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdio>
#include <cstring>

int main() {
  sockaddr_un sa{};
  sa.sun_family = AF_UNIX;
  std::memset(sa.sun_path, 'p', sizeof(sa.sun_path));  // a 108-byte path, no NUL: nothing listens there
  std::memcpy(sa.sun_path, "/tmp/", 5);
  Poco::Net::SocketAddress address(reinterpret_cast<const sockaddr*>(&sa), sizeof(sa));
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::UNIX_LOCAL);
  try {
    socket.connect(address, Poco::Timespan(1, 0));  // fails (ENOENT), and words the error with toString()
    std::printf("connected?\n");
  } catch (const Poco::Exception& e) {
    std::printf("connect threw: %zu bytes of text for a 108-byte path\n", e.displayText().size());
  }
  return 0;
}
