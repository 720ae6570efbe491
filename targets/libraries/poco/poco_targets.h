// POCO's connect paths as connfuzz targets (fuzz/poco_fuzzer.cc registers them).
#pragma once

#include <vector>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::poco {

connfuzz::Result connect_timeout(const connfuzz::Request& request);  // StreamSocket::connect(address, timeout)
connfuzz::Result connect_nb(const connfuzz::Request& request);       // StreamSocket::connectNB, poll, SO_ERROR

// The targets in modes.def's order (poco_connect, poco_connect_nb).
std::vector<connfuzz::Target> poco_targets();

}  // namespace connfuzz::poco
