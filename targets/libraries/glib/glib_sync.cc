// Mode glib_client_sync: g_socket_client_connect, GIO's blocking connect (a GSocket is
// non-blocking underneath: connect, then g_socket_condition_timed_wait and SO_ERROR),
// with the client's timeout (whole seconds: the request's deadline rounded up).
#include "glib_connect.h"

namespace connfuzz::libraries::glib {

connfuzz::Result glib_client_sync_connect(const connfuzz::Request& request) {
  connfuzz::Result rejected;
  GSocketAddress* address = address_of(request, rejected);
  if (!address) return rejected;
  GSocketClient* client = direct_client(request);
  g_socket_client_set_timeout(client, static_cast<guint>((request.timeout_ms + 999) / 1000));
  GError* error = nullptr;
  GSocketConnection* connection = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(address), nullptr, &error);
  g_object_unref(client);
  g_object_unref(address);
  if (!connection) {
    connfuzz::Result r = failure(error, "g_socket_client_connect");
    g_clear_error(&error);
    return r;
  }
  return connected(connection, nullptr);
}

}  // namespace connfuzz::libraries::glib
