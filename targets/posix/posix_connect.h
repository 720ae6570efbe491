// Plain POSIX callers of connect(), written the way connect-contract.md says a correct caller is.
#pragma once

#include "connect_target.h"

namespace connfuzz::targets {

// After EINPROGRESS or EINTR the attempt goes on: waits (poll, EINTR retried a bounded
// number of times) for writability until the deadline, then returns SO_ERROR's value;
// ETIMEDOUT when the deadline cannot be kept.
int wait_connected(int fd, int timeout_ms);

// A blocking connect; an EINTR is waited out with poll() and SO_ERROR.
ConnectResult posix_blocking_connect(const ConnectRequest& request);

// SO_SNDTIMEO: how long a blocking connect on `fd` may wait. False with errno on failure.
bool set_send_timeout(int fd, int timeout_ms);

// A blocking connect whose deadline is SO_SNDTIMEO: the EINPROGRESS Linux gives when it
// runs out is a timeout (what is left of the deadline is waited, then ETIMEDOUT).
ConnectResult posix_sndtimeo_connect(const ConnectRequest& request);

// A blocking connect on a worker thread of its own, which holds a lock while it
// connects; cleanup handlers release the socket and the lock if the thread is
// cancelled inside connect() (ECANCELED is then the result).
ConnectResult posix_worker_connect(const ConnectRequest& request);

// A non-blocking connect, poll() with a deadline, SO_ERROR, then one byte sent.
ConnectResult posix_nonblocking_connect(const ConnectRequest& request);

// Each endpoint in turn on a new socket, as after getaddrinfo(); the last error is reported.
ConnectResult posix_address_list_connect(const ConnectRequest& request);

// A datagram socket: connect, re-connect, dissolve with AF_UNSPEC, connect again.
ConnectResult posix_datagram_connect(const ConnectRequest& request);

// connect() with the address as given and nothing else; the kernel's answer comes back.
ConnectResult kernel_raw_connect(const ConnectRequest& request);

}  // namespace connfuzz::targets
