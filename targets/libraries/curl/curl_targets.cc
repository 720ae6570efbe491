// libcurl's targets and what they promise. Each trait is a claim about curl 7.88.1:
// - deadline: CURLOPT_CONNECTTIMEOUT_MS (curl_easy) or the caller's loop (curl_multi);
// - one address: the URL's numeric host is one address (Curl_ip2addr, lib/hostip.c:727-735);
// - no threads of its own: the threaded resolver starts its thread only for a name to
//   look up (init_resolve_thread, lib/asyn-thread.c:458, reached from Curl_getaddrinfo,
//   which Curl_resolv never calls for a numeric host); curl_multi's wake-up is a
//   socketpair, not a thread;
// - signals: CURLOPT_NOSIGNAL keeps curl's own signal use away, but the program around
//   curl may catch signals, and curl's waits meet EINTR then (Curl_poll, lib/select.c,
//   takes it for "nothing yet"): EINTR stays in the plans.
#include "curl_targets.h"

#include <cstdio>
#include <cstdlib>

#include "curl_connect.h"

namespace connfuzz::libraries {

namespace curl {
connfuzz::Result curl_easy_connect(const connfuzz::Request& request);
connfuzz::Result curl_multi_connect(const connfuzz::Request& request);
}  // namespace curl

std::vector<connfuzz::Target> curl_targets() {
  // Once per process, before any handle (curl_global_init is not thread-safe).
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::fprintf(stderr, "connfuzz: curl fuzzer: curl_global_init failed\n");
    std::exit(2);
  }
  connfuzz::Traits traits{.deadline = true};
  traits.translations = curl::error_convention();
  return {{"curl_easy", curl::curl_easy_connect, traits}, {"curl_multi", curl::curl_multi_connect, traits}};
}

}  // namespace connfuzz::libraries
