// curl's error convention: what a curl user is told (a CURLcode, and CURLINFO_OS_ERRNO
// for the errno behind it), read as connfuzz's reported error. Each part is a claim
// about curl 7.88.1 (Debian's 7.88.1-10+deb12u15), with the place it comes from.
#include <cerrno>
#include <cstdio>

#include "curl_connect.h"

namespace connfuzz::libraries::curl {
namespace {

// curl's own codes are not errnos: reported negative, so that none is read as one. A
// CURLMcode (the multi interface's own failures) is kept apart from the CURLcodes.
constexpr int kMultiCodeBase = 100;
int own_code(CURLcode code) { return -static_cast<int>(code); }
int own_multi_code(CURLMcode code) { return -(kMultiCodeBase + static_cast<int>(code)); }

}  // namespace

int reported_error(CURLcode code, long os_errno) {
  // CURLE_OPERATION_TIMEDOUT is curl's timeout: its own deadline passed (is_connected,
  // lib/connect.c:642) or the kernel's ETIMEDOUT came back (lib/connect.c:720).
  if (code == CURLE_OPERATION_TIMEDOUT) return ETIMEDOUT;
  // A failed connect() or SO_ERROR is CURLE_COULDNT_CONNECT with the errno in
  // CURLINFO_OS_ERRNO (Curl_socket_connect_result, lib/cf-socket.c:753; cf_tcp_connect,
  // lib/cf-socket.c:1128; is_connected, lib/connect.c:620).
  if (os_errno != 0) return static_cast<int>(os_errno);
  return own_code(code);
}

bool refuses_input(CURLcode code) {
  // The URL is built by the target from a numeric address, so only a value curl will not
  // take is malformed; a host is never looked up, so "could not resolve" is curl
  // refusing an AF_UNIX path too long for sun_path (resolve_unix, lib/url.c:3196).
  return code == CURLE_URL_MALFORMAT || code == CURLE_COULDNT_RESOLVE_HOST;
}

connfuzz::Result failure(CURL* easy, CURLcode code, const char* step) {
  long os_errno = 0;
  curl_easy_getinfo(easy, CURLINFO_OS_ERRNO, &os_errno);
  connfuzz::Result r;
  r.error = std::error_code(reported_error(code, os_errno), std::system_category());
  r.rejected_input = refuses_input(code);
  char text[160];
  std::snprintf(text, sizeof(text), "%s: CURLcode %d (%s), CURLINFO_OS_ERRNO %ld", step, static_cast<int>(code),
                curl_easy_strerror(code), os_errno);
  r.message = text;
  return r;
}

connfuzz::Result setup_failure(const char* step) {
  connfuzz::Result r;
  r.error = std::error_code(own_code(CURLE_FAILED_INIT), std::system_category());
  r.message = std::string(step) + ": curl refused the handle's set-up";
  return r;
}

connfuzz::Result multi_failure(CURLMcode code, const char* step) {
  connfuzz::Result r;
  r.error = std::error_code(own_multi_code(code), std::system_category());
  r.message = std::string(step) + ": CURLMcode " + std::to_string(static_cast<int>(code)) + " (" +
              curl_multi_strerror(code) + ")";
  return r;
}

// The errnos curl reports as one of its own codes, losing the errno.
const std::vector<connfuzz::Translation>& error_convention() {
  static const std::vector<connfuzz::Translation> rows = [] {
    std::vector<connfuzz::Translation> t;
    // socket() failing is CURLE_COULDNT_CONNECT and CURLINFO_OS_ERRNO stays 0:
    // socket_open, lib/cf-socket.c:271-273, sets no os_errno.
    for (int e : {EACCES, EAFNOSUPPORT, EINVAL, EMFILE, ENFILE, ENOBUFS, ENOMEM, EPROTONOSUPPORT})
      t.push_back({e, own_code(CURLE_COULDNT_CONNECT)});
    // poll() failing (not EINTR, which Curl_poll takes for "nothing yet", lib/select.c)
    // ends curl_multi_poll with CURLM_UNRECOVERABLE_POLL (multi_wait, lib/multi.c:1328),
    // which curl_easy_perform reports as CURLE_BAD_FUNCTION_ARGUMENT (easy_transfer,
    // lib/easy.c:683-686), and a multi user as the CURLMcode itself.
    for (int e : {EAGAIN, EINVAL, ENOMEM, EFAULT}) {
      t.push_back({e, own_code(CURLE_BAD_FUNCTION_ARGUMENT)});
      t.push_back({e, own_multi_code(CURLM_UNRECOVERABLE_POLL)});
    }
    return t;
  }();
  return rows;
}

}  // namespace connfuzz::libraries::curl
