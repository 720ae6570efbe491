// GLib/GIO's targets and what they promise. Each trait is a claim about GLib 2.74.6:
// - deadline: the client's timeout (sync; g_socket_set_timeout, whole seconds rounded up)
//   or the caller's timeout source (async);
// - one address: a GSocketAddress enumerates itself only (gsocketaddress.c);
// - no threads of its own: with the proxy off and a GSocketAddress, no GResolver runs;
//   the sync path waits with poll (g_socket_condition_timed_wait), the async one on the
//   GMainContext we iterate, and the address enumerator's next_async is synchronous
//   (gsocketaddressenumerator.c): no GTask runs in a thread. GLib does start one thread,
//   once per process, when the first GTask is made (g_task_class_init makes GTask's
//   thread pool, whose spawner thread waits for work): seen with strace and gdb, it
//   never calls connect, so no CANCEL is aimed at it;
// - signals: GSocket retries connect and poll on EINTR (gsocket.c); the program around it
//   may catch signals, so EINTR stays in the plans.
#include "glib_targets.h"

#include "glib_connect.h"

namespace connfuzz::libraries {

namespace glib {
connfuzz::Result glib_client_sync_connect(const connfuzz::Request& request);
connfuzz::Result glib_client_async_connect(const connfuzz::Request& request);
}  // namespace glib

std::vector<connfuzz::Target> glib_targets() {
  connfuzz::Traits traits{.deadline = true};
  traits.translations = glib::error_convention();
  return {{"glib_client_sync", glib::glib_client_sync_connect, traits},
          {"glib_client_async", glib::glib_client_async_connect, traits}};
}

}  // namespace connfuzz::libraries
