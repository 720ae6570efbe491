// GLib/GIO's connect path as connfuzz targets (fuzz/glib_fuzzer.cc registers them).
#pragma once

#include <vector>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::libraries {

// glib_client_sync and glib_client_async, in the order of their modes in fuzz/modes.def.
std::vector<connfuzz::Target> glib_targets();

}  // namespace connfuzz::libraries
