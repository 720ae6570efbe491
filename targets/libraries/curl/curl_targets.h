// libcurl's connect path as connfuzz targets (fuzz/curl_fuzzer.cc registers them).
#pragma once

#include <vector>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::libraries {

// curl_easy and curl_multi, in the order of their modes in fuzz/modes.def.
std::vector<connfuzz::Target> curl_targets();

}  // namespace connfuzz::libraries
