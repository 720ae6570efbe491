// What the curl targets share: the destination as curl takes it, a configured easy
// handle, and the outcome as a curl user reads it.
#pragma once

#include <curl/curl.h>

#include <memory>
#include <string>
#include <vector>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::libraries::curl {

// A destination in the only forms curl takes: a URL with a numeric host and port, and
// for AF_UNIX a path (or an abstract name) beside it.
struct Destination {
  std::string url;
  std::string unix_path;
  bool abstract = false;  // unix_path is an abstract name (CURLOPT_ABSTRACT_UNIX_SOCKET)
  bool is_unix = false;
  long scope_id = 0;      // an IPv6 link-local scope (CURLOPT_ADDRESS_SCOPE)
};

// The request's first address as curl takes it, or a rejected_input Result when curl
// cannot be asked for it (the reason is in the result's message).
bool destination_of(const connfuzz::Request& request, Destination& out, connfuzz::Result& rejected);

struct EasyDeleter {
  void operator()(CURL* easy) const noexcept { curl_easy_cleanup(easy); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

// An easy handle that connects to `to` and nothing else: CONNECT_ONLY, no proxy (not
// even one named in the environment), no signals. timeout_ms > 0 sets
// CURLOPT_CONNECTTIMEOUT_MS. Null when curl refused an option.
Easy connect_only_handle(const Destination& to, long timeout_ms);

// curl's convention, in one place: what a curl user sees (the CURLcode and
// CURLINFO_OS_ERRNO) as connfuzz's reported error. curl_outcome.cc says where each
// part comes from in curl 7.88.1.
int reported_error(CURLcode code, long os_errno);
// A failed transfer as a Result; the handle is read for its OS errno.
connfuzz::Result failure(CURL* easy, CURLcode code, const char* step);
// A failure of the multi interface itself (no CURLcode: a CURLMcode).
connfuzz::Result multi_failure(CURLMcode code, const char* step);
// curl refused the handle's set-up (an option, memory): CURLE_FAILED_INIT.
connfuzz::Result setup_failure(const char* step);
// The CURLcodes with which curl refuses the destination before any connect.
bool refuses_input(CURLcode code);

// curl's error convention as a translation table (curl_outcome.cc).
const std::vector<connfuzz::Translation>& error_convention();

}  // namespace connfuzz::libraries::curl
