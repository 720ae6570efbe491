// POCO's SocketAddress(const sockaddr*, length) accepts an AF_UNIX address of any length
// from 1 to sizeof(sockaddr_un), then copies sizeof(sockaddr_un) bytes from it
// (LocalSocketAddressImpl(const sockaddr_un*)): a short address read to its end runs off
// its buffer. Here the buffer ends at a page that cannot be read, so the over-read is a
// SIGSEGV instead of garbage in sun_path. docs/upstream/poco-socketaddress-unix-overread.md.
//
//   g++ -std=c++17 poco-socketaddress-unix-overread.cc -lPocoNet -lPocoFoundation -o poco-socketaddress-unix-overread
#include <Poco/Net/SocketAddress.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstdio>
#include <cstring>

int main() {
  long page = sysconf(_SC_PAGESIZE);
  auto* pages = static_cast<char*>(mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0));
  if (pages == MAP_FAILED || mprotect(pages + page, page, PROT_NONE) != 0) return std::perror("mmap"), 1;
  // "/tmp/s" as getsockname() or accept() would give it: family, path, NUL; 9 bytes.
  const char path[] = "/tmp/s";
  socklen_t length = offsetof(sockaddr_un, sun_path) + sizeof(path);
  char* at = pages + page - length;  // the address's last byte is the page's last byte
  sa_family_t family = AF_UNIX;
  std::memcpy(at, &family, sizeof(family));
  std::memcpy(at + offsetof(sockaddr_un, sun_path), path, sizeof(path));
  std::printf("SocketAddress(sockaddr*, %u) of an AF_UNIX address that ends at an unreadable page...\n", length);
  std::fflush(stdout);
  Poco::Net::SocketAddress address(reinterpret_cast<const sockaddr*>(at), length);
  std::printf("returned: %s (no over-read)\n", address.toString().c_str());
  return 0;
}
