// hiredis's connect paths as connfuzz targets (fuzz/hiredis_fuzzer.cc registers them).
#pragma once

#include <vector>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::hiredis {

connfuzz::Result connect_tcp(const connfuzz::Request& request);       // redisConnectWithTimeout
connfuzz::Result connect_unix(const connfuzz::Request& request);      // redisConnectUnixWithTimeout
connfuzz::Result connect_nonblock(const connfuzz::Request& request);  // redisAsyncConnect + a caller's wait

// The targets in modes.def's order (hiredis_connect, hiredis_connect_unix, hiredis_connect_nonblock).
std::vector<connfuzz::Target> hiredis_targets();

}  // namespace connfuzz::hiredis
