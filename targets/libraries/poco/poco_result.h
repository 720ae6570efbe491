// POCO 1.11's error convention (exceptions carrying the errno), as a connfuzz Result.
#pragma once

#include <vector>

#include <connfuzz/connfuzz.hpp>

namespace Poco {
class Exception;
}

namespace connfuzz::poco {

// What POCO reports for each errno: the errno itself, whatever the exception's class.
const std::vector<connfuzz::Translation>& error_convention();

// A caught exception as a Result: its code(), or what its class says when the code is 0.
connfuzz::Result failure_of(const Poco::Exception& e, const char* step);

}  // namespace connfuzz::poco
