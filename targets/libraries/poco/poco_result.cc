// POCO's exceptions, read as its source (Debian's 1.11.0-3+deb12u1) throws them.
#include "poco_result.h"

#include <Poco/Exception.h>

#include <cerrno>
#include <string>

namespace connfuzz::poco {

// Net/src/SocketImpl.cpp, SocketImpl::error(int code, const std::string&) (lines
// 1220-1305): every errno becomes an exception whose code() is that errno (on Unix,
// POCO_Exxx is Exxx, Net/include/Poco/Net/SocketDefs.h): ConnectionRefusedException for
// ECONNREFUSED, TimeoutException for ETIMEDOUT, IOException ("Interrupted") for EINTR,
// InvalidArgumentException for EINVAL, NetException for the rest of connect()'s, and
// IOException with the number for one it does not know. No errno is reported as
// another, so the table has no row.
const std::vector<connfuzz::Translation>& error_convention() {
  static const std::vector<connfuzz::Translation> rows;
  return rows;
}

// Two exceptions of the connect path carry no code: the deadline of connect(address,
// timeout) (`throw Poco::TimeoutException("connect timed out", ...)`, SocketImpl.cpp:175),
// which is ETIMEDOUT, and POCO's own checks (an assertion, an invalid argument), which are
// no errno and are reported as -1.
connfuzz::Result failure_of(const Poco::Exception& e, const char* step) {
  int code = e.code();
  if (code == 0) code = dynamic_cast<const Poco::TimeoutException*>(&e) != nullptr ? ETIMEDOUT : -1;
  connfuzz::Result result;
  result.error = std::error_code(code, std::system_category());
  result.message = std::string(step) + ": " + e.displayText();
  return result;
}

}  // namespace connfuzz::poco
