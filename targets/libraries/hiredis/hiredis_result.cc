// hiredis's errors, mapped as its documentation and its source (Debian's 0.14.1) say.
#include "hiredis_result.h"

#include <hiredis.h>

#include <cerrno>

namespace connfuzz::hiredis {

int own_code(int redis_err) { return -redis_err; }

// Each row is read off net.c of hiredis 0.14.1 (Debian 0.14.1-3):
// - _redisContextConnectTcp's loop `continue`s past an address whose socket() fails
//   (net.c:337-338) and past a connect() that fails with EHOSTUNREACH (net.c:377-379,
//   after closing the socket); once no address is left it reports REDIS_ERR_OTHER,
//   "Can't create socket: <strerror(errno)>" (net.c:403-407). Those errnos reach the
//   caller as REDIS_ERR_OTHER, which the README documents with no errno to read.
// - Every other failure of the connect path (fcntl, connect, poll, SO_ERROR, a poll that
//   runs out: errno = ETIMEDOUT, net.c:217-218) is REDIS_ERR_IO with the errno itself
//   (__redisSetErrorFromErrno), so it needs no row.
// - 0.14.1 has no REDIS_ERR_TIMEOUT (1.0.0 added it): a deadline is REDIS_ERR_IO + ETIMEDOUT.
// The AF_UNIX connect (redisContextConnectUnix) reports socket() as REDIS_ERR_IO
// (redisCreateSocket, net.c:90-92): its convention is errno throughout, no rows.
const std::vector<connfuzz::Translation>& tcp_convention() {
  static const std::vector<connfuzz::Translation> rows = {
      {EACCES, -REDIS_ERR_OTHER}, {EAFNOSUPPORT, -REDIS_ERR_OTHER},    {EINVAL, -REDIS_ERR_OTHER},
      {EMFILE, -REDIS_ERR_OTHER}, {ENFILE, -REDIS_ERR_OTHER},          {ENOBUFS, -REDIS_ERR_OTHER},
      {ENOMEM, -REDIS_ERR_OTHER}, {EPROTONOSUPPORT, -REDIS_ERR_OTHER}, {EHOSTUNREACH, -REDIS_ERR_OTHER}};
  return rows;
}

connfuzz::Result failure_of(int redis_err, const char* errstr, int errno_on_return, const char* call) {
  connfuzz::Result result;
  int code = redis_err == REDIS_ERR_IO ? errno_on_return : own_code(redis_err);
  result.error = std::error_code(code, std::system_category());
  result.message = std::string(call) + ": " + errstr + (redis_err == REDIS_ERR_IO ? " [REDIS_ERR_IO]" : " [hiredis]");
  return result;
}

}  // namespace connfuzz::hiredis
