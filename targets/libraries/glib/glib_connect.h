// What the GLib targets share: the request's address as a GSocketAddress, a client
// that connects to it alone, and the outcome as a GIO user reads it (a GError).
#pragma once

#include <gio/gio.h>

#include <vector>

#include <connfuzz/connfuzz.hpp>

namespace connfuzz::libraries::glib {

// The request's first address as GIO makes it from a sockaddr
// (g_socket_address_new_from_native), or null with a rejected_input result.
GSocketAddress* address_of(const connfuzz::Request& request, connfuzz::Result& rejected);

// A client without proxies (no GProxyResolver, no environment), of the request's type.
GSocketClient* direct_client(const connfuzz::Request& request);

// The connected socket of `connection`, owned by it (and by `context` when not null).
connfuzz::Result connected(GSocketConnection* connection, GMainContext* context);
// A GError as connfuzz's reported error (glib_outcome.cc: GIO's convention).
connfuzz::Result failure(const GError* error, const char* step);
// A failure the caller decides itself: its deadline passed.
connfuzz::Result deadline_passed(const char* step);

const std::vector<connfuzz::Translation>& error_convention();

}  // namespace connfuzz::libraries::glib
