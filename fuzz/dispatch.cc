// The one switch from modes.def to targets/.
#include "dispatch.h"

#include "asio/asio_connect.h"
#include "examples/buggy_connect.h"
#include "posix/posix_connect.h"

namespace connfuzz::fuzz {

targets::ConnectTarget target_for(Mode mode) noexcept {
  namespace t = targets;
  namespace ex = targets::examples;
  switch (mode) {
    case Mode::posix_blocking: return t::posix_blocking_connect;
    case Mode::posix_nonblocking: return t::posix_nonblocking_connect;
    case Mode::posix_sndtimeo: return t::posix_sndtimeo_connect;
    case Mode::posix_worker: return t::posix_worker_connect;
    case Mode::posix_address_list: return t::posix_address_list_connect;
    case Mode::posix_datagram: return t::posix_datagram_connect;
    case Mode::asio_connect_ec: return t::asio_connect_ec;
    case Mode::asio_connect_throw: return t::asio_connect_throw;
    case Mode::asio_async_connect: return t::asio_async_connect;
    case Mode::asio_range_connect: return t::asio_range_connect;
    case Mode::asio_async_range: return t::asio_async_range_connect;
    case Mode::endpoint_generic: return t::asio_generic_endpoint_connect;
    case Mode::endpoint_local: return t::asio_local_endpoint_connect;
    case Mode::endpoint_tcp_resize: return t::asio_tcp_resize_connect;
    case Mode::kernel_raw: return t::kernel_raw_connect;
    case Mode::example_eintr_reconnect: return ex::eintr_reconnect;
    case Mode::example_inprogress_success: return ex::inprogress_success;
    case Mode::example_no_so_error: return ex::no_so_error;
    case Mode::example_eagain_spin: return ex::eagain_spin;
    case Mode::example_leak_on_refused: return ex::leak_on_refused;
    case Mode::example_unknown_errno: return ex::unknown_errno;
    case Mode::example_unbounded_path: return ex::unbounded_path;
    case Mode::example_cancel_no_cleanup: return ex::cancel_no_cleanup;
    case Mode::example_cancel_keeps_lock: return ex::cancel_keeps_lock;
    case Mode::example_timeout_not_reduced: return ex::timeout_not_reduced;
    case Mode::example_timeout_on_eintr: return ex::timeout_on_eintr;
    case Mode::example_sndtimeo_as_success: return ex::sndtimeo_as_success;
    case Mode::example_sndtimeo_as_failure: return ex::sndtimeo_as_failure;
    case Mode::example_epoll_error_ignored: return ex::epoll_error_ignored;
    case Mode::example_ealready_as_failure: return ex::ealready_as_failure;
  }
  return t::kernel_raw_connect;
}


}  // namespace connfuzz::fuzz
