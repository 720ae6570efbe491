// Mode curl_easy: curl_easy_perform with CURLOPT_CONNECT_ONLY, as a program that wants a
// connected socket from curl does. The connected socket is CURLINFO_ACTIVESOCKET and
// stays the easy handle's: the handle is the result's owner, and curl_easy_cleanup
// closes the socket once connfuzz has checked it.
#include "curl_connect.h"

namespace connfuzz::libraries::curl {

Easy connect_only_handle(const Destination& to, long timeout_ms) {
  Easy easy(curl_easy_init());
  if (!easy) return easy;
  CURL* h = easy.get();
  bool ok = curl_easy_setopt(h, CURLOPT_URL, to.url.c_str()) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_CONNECT_ONLY, 1L) == CURLE_OK &&
            // No proxy, whatever the environment says (http_proxy, all_proxy...).
            curl_easy_setopt(h, CURLOPT_PROXY, "") == CURLE_OK && curl_easy_setopt(h, CURLOPT_NOPROXY, "*") == CURLE_OK &&
            // curl installs no signal handling of its own (SIGPIPE, the alarm of the
            // synchronous resolver); the program's own handlers are another matter.
            curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK &&
            curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http") == CURLE_OK;
  if (ok && timeout_ms > 0) ok = curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms) == CURLE_OK;
  if (ok && to.scope_id != 0) ok = curl_easy_setopt(h, CURLOPT_ADDRESS_SCOPE, to.scope_id) == CURLE_OK;
  if (ok && to.is_unix)
    ok = curl_easy_setopt(h, to.abstract ? CURLOPT_ABSTRACT_UNIX_SOCKET : CURLOPT_UNIX_SOCKET_PATH,
                          to.unix_path.c_str()) == CURLE_OK;
  if (!ok) easy.reset();
  return easy;
}

namespace {

connfuzz::Result connected(Easy easy) {
  curl_socket_t fd = CURL_SOCKET_BAD;
  CURLcode code = curl_easy_getinfo(easy.get(), CURLINFO_ACTIVESOCKET, &fd);
  if (code != CURLE_OK || fd == CURL_SOCKET_BAD) return failure(easy.get(), code, "CURLINFO_ACTIVESOCKET");
  connfuzz::Result r;
  r.fd = fd;
  r.owner = std::shared_ptr<CURL>(easy.release(), EasyDeleter{});
  return r;
}

}  // namespace

connfuzz::Result curl_easy_connect(const connfuzz::Request& request) {
  Destination to;
  connfuzz::Result rejected;
  if (!destination_of(request, to, rejected)) return rejected;
  Easy easy = connect_only_handle(to, request.timeout_ms);
  if (!easy) return setup_failure("curl_easy_init/setopt");
  CURLcode code = curl_easy_perform(easy.get());
  if (code != CURLE_OK) return failure(easy.get(), code, "curl_easy_perform");
  return connected(std::move(easy));
}

}  // namespace connfuzz::libraries::curl
