// Mode curl_multi: the multi interface with CURLOPT_CONNECT_ONLY, driven as an event loop
// drives it: curl_multi_perform, then curl_multi_poll until the caller's own deadline
// (curl is given no connect timeout: the deadline is the loop's). The connected socket
// stays the easy handle's inside the multi handle: both are the result's owner, and
// curl_multi_remove_handle closes it (it closes a CONNECT_ONLY connection at once,
// lib/multi.c:860-875).
#include <time.h>

#include "curl_connect.h"

namespace connfuzz::libraries::curl {
namespace {

struct Transfer {
  CURLM* multi = nullptr;
  CURL* easy = nullptr;
  bool added = false;
  ~Transfer() {
    if (added) curl_multi_remove_handle(multi, easy);
    if (easy) curl_easy_cleanup(easy);
    if (multi) curl_multi_cleanup(multi);
  }
};

long long now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

// The transfer's result once curl says it is done; false while it goes on.
bool finished(CURLM* multi, CURLcode& code) {
  int queued = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &queued))
    if (msg->msg == CURLMSG_DONE) return code = msg->data.result, true;
  return false;
}

connfuzz::Result connected(std::shared_ptr<Transfer> t) {
  curl_socket_t fd = CURL_SOCKET_BAD;
  CURLcode code = curl_easy_getinfo(t->easy, CURLINFO_ACTIVESOCKET, &fd);
  if (code != CURLE_OK || fd == CURL_SOCKET_BAD) return failure(t->easy, code, "CURLINFO_ACTIVESOCKET");
  connfuzz::Result r;
  r.fd = fd;
  r.owner = std::move(t);
  return r;
}

connfuzz::Result timed_out() {
  connfuzz::Result r;
  r.error = std::error_code(ETIMEDOUT, std::system_category());
  r.message = "curl_multi_poll: the caller's deadline passed";
  return r;
}

// Perform, then poll for at most what is left of the deadline, until curl says done.
connfuzz::Result drive(std::shared_ptr<Transfer> t, int timeout_ms) {
  const long long deadline = now_ms() + timeout_ms;
  for (;;) {
    int running = 0;
    if (CURLMcode m = curl_multi_perform(t->multi, &running); m != CURLM_OK) return multi_failure(m, "curl_multi_perform");
    CURLcode code = CURLE_OK;
    if (finished(t->multi, code))
      return code == CURLE_OK ? connected(std::move(t)) : failure(t->easy, code, "curl_multi_info_read");
    long long left = deadline - now_ms();
    if (left <= 0) return timed_out();
    if (CURLMcode m = curl_multi_poll(t->multi, nullptr, 0, static_cast<int>(left), nullptr); m != CURLM_OK)
      return multi_failure(m, "curl_multi_poll");
  }
}

}  // namespace

connfuzz::Result curl_multi_connect(const connfuzz::Request& request) {
  Destination to;
  connfuzz::Result rejected;
  if (!destination_of(request, to, rejected)) return rejected;
  auto t = std::make_shared<Transfer>();
  t->multi = curl_multi_init();
  if (!t->multi) return setup_failure("curl_multi_init");
  Easy easy = connect_only_handle(to, 0);
  if (!easy) return setup_failure("curl_easy_init/setopt");
  t->easy = easy.release();
  if (CURLMcode m = curl_multi_add_handle(t->multi, t->easy); m != CURLM_OK) return multi_failure(m, "curl_multi_add_handle");
  t->added = true;
  return drive(std::move(t), request.timeout_ms);
}

}  // namespace connfuzz::libraries::curl
