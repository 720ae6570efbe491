// Deliberately buggy connect callers, one bug each: the targets that prove each
// oracle finds what it looks for. Never in the default fuzz set.
#pragma once

#include "connect_target.h"

namespace connfuzz::targets::examples {

// Calls connect() again after EINTR and takes the EALREADY or EISCONN it gets as a failure.
ConnectResult eintr_reconnect(const ConnectRequest& request);
// Returns a non-blocking socket as connected as soon as connect() says EINPROGRESS.
ConnectResult inprogress_success(const ConnectRequest& request);
// Waits for writability, then writes without reading SO_ERROR.
ConnectResult no_so_error(const ConnectRequest& request);
// Retries connect() for as long as it says EAGAIN.
ConnectResult eagain_spin(const ConnectRequest& request);
// Returns ECONNREFUSED without closing the socket.
ConnectResult leak_on_refused(const ConnectRequest& request);
// Looks the errno up in a table of the errors it expects, with .at(): an unknown one throws.
ConnectResult unknown_errno(const ConnectRequest& request);
// Copies an AF_UNIX address's path with strcpy into its own sockaddr_un.
ConnectResult unbounded_path(const ConnectRequest& request);
// Connects on a worker thread with no cleanup handler: a cancellation leaks the socket.
ConnectResult cancel_no_cleanup(const ConnectRequest& request);
// Its cleanup handler closes a cancelled worker's socket but never unlocks its lock.
ConnectResult cancel_keeps_lock(const ConnectRequest& request);
// Waits its whole timeout again after every EINTR: interrupted often enough, for ever.
ConnectResult timeout_not_reduced(const ConnectRequest& request);
// Reports a timeout as soon as its wait is interrupted.
ConnectResult timeout_on_eintr(const ConnectRequest& request);
// Takes the EINPROGRESS of a blocking connect whose SO_SNDTIMEO ran out for a connection.
ConnectResult sndtimeo_as_success(const ConnectRequest& request);
// Gives up with the EINPROGRESS of a blocking connect whose SO_SNDTIMEO ran out.
ConnectResult sndtimeo_as_failure(const ConnectRequest& request);
// Ignores a failed epoll_ctl for its socket and waits on epoll for its deadline alone.
ConnectResult epoll_error_ignored(const ConnectRequest& request);
// Re-connects after EINTR and takes EISCONN as connected, but EALREADY as a failure.
ConnectResult ealready_as_failure(const ConnectRequest& request);

// For the matrix's verdicts, as whole programs (example_client); no fuzzer of their own.
// Closes the socket on failure, then again in its cleanup.
ConnectResult double_close(const ConnectRequest& request);
// Retries a refused connect on the same socket.
ConnectResult reuse_after_refused(const ConnectRequest& request);
// Reuses the address length for getsockopt's option length; the retry passes 4.
ConnectResult shared_length(const ConnectRequest& request);
// After EINTR, waits for POLLIN (not POLLOUT) with no deadline.
ConnectResult eintr_wait_readable(const ConnectRequest& request);

}  // namespace connfuzz::targets::examples
