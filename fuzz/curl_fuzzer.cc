// The curl fuzzer: libcurl's connect path (CURLOPT_CONNECT_ONLY, easy and multi).
// Built on the public API alone, as a user's fuzzer is.
#include <connfuzz/connfuzz.hpp>

#include "curl_targets.h"

CONNFUZZ_FUZZER("curl", connfuzz::libraries::curl_targets)
