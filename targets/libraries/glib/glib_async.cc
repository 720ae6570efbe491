// Mode glib_client_async: g_socket_client_connect_async on a GMainContext of its own,
// iterated until the connect's callback or a timeout source, the caller's deadline, which
// cancels the connect (the callback then ends it with G_IO_ERROR_CANCELLED).
#include "glib_connect.h"

namespace connfuzz::libraries::glib {
namespace {

struct Attempt {
  GSocketConnection* connection = nullptr;
  GError* error = nullptr;
  bool done = false;
  bool expired = false;
  GCancellable* cancellable = nullptr;
};

void on_connected(GObject* client, GAsyncResult* result, gpointer data) {
  auto* a = static_cast<Attempt*>(data);
  a->connection = g_socket_client_connect_finish(G_SOCKET_CLIENT(client), result, &a->error);
  a->done = true;
}

gboolean on_deadline(gpointer data) {
  auto* a = static_cast<Attempt*>(data);
  a->expired = true;
  g_cancellable_cancel(a->cancellable);
  return G_SOURCE_REMOVE;
}

// Runs `context` until the callback came; the deadline's cancellation makes it come.
void run(GMainContext* context, Attempt& a, int timeout_ms) {
  GSource* deadline = g_timeout_source_new(static_cast<guint>(timeout_ms));
  g_source_set_callback(deadline, on_deadline, &a, nullptr);
  g_source_attach(deadline, context);
  while (!a.done) g_main_context_iteration(context, TRUE);
  g_source_destroy(deadline);
  g_source_unref(deadline);
}

}  // namespace

connfuzz::Result glib_client_async_connect(const connfuzz::Request& request) {
  connfuzz::Result rejected;
  GSocketAddress* address = address_of(request, rejected);
  if (!address) return rejected;
  GMainContext* context = g_main_context_new();
  g_main_context_push_thread_default(context);
  GSocketClient* client = direct_client(request);
  Attempt a;
  a.cancellable = g_cancellable_new();
  g_socket_client_connect_async(client, G_SOCKET_CONNECTABLE(address), a.cancellable, on_connected, &a);
  run(context, a, request.timeout_ms);
  g_main_context_pop_thread_default(context);
  g_object_unref(client);
  g_object_unref(address);
  g_object_unref(a.cancellable);
  if (a.connection && a.expired) {
    // Connected as the deadline passed: the caller's deadline decides, as it would.
    g_object_unref(a.connection);
    a.connection = nullptr;
  }
  connfuzz::Result r;
  if (a.connection) return connected(a.connection, context);
  r = a.expired ? deadline_passed("g_socket_client_connect_async") : failure(a.error, "g_socket_client_connect_async");
  g_clear_error(&a.error);
  g_main_context_unref(context);
  return r;
}

}  // namespace connfuzz::libraries::glib
