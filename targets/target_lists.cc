// What each of connfuzz's own targets promises. A promise the target does not keep is
// a finding, so each trait here is a claim about the code in targets/.
#include "target_lists.h"

#include "asio/asio_connect.h"
#include "posix/posix_connect.h"

namespace connfuzz::targets {
namespace {

const connfuzz::Traits kPlain{};
const connfuzz::Traits kDeadline{.deadline = true};
const connfuzz::Traits kEveryAddress{.every_address = true};

connfuzz::Traits asio(connfuzz::Traits traits) {
  traits.translations = kAsioErrorConvention;
  return traits;
}

}  // namespace

std::vector<connfuzz::Target> posix_targets() {
  return {{"posix_blocking", posix_blocking_connect, kPlain},
          {"posix_nonblocking", posix_nonblocking_connect, kDeadline},
          {"posix_address_list", posix_address_list_connect, kEveryAddress},
          {"posix_sndtimeo", posix_sndtimeo_connect, kDeadline},
          {"posix_worker", posix_worker_connect, {.threads = true}}};
}

std::vector<connfuzz::Target> datagram_targets() { return {{"posix_datagram", posix_datagram_connect, kPlain}}; }

std::vector<connfuzz::Target> asio_targets() {
  return {{"asio_connect_ec", asio_connect_ec, asio(kPlain)},
          {"asio_connect_throw", asio_connect_throw, asio(kPlain)},
          {"asio_async_connect", asio_async_connect, asio(kDeadline)},
          {"asio_range_connect", asio_range_connect, asio(kEveryAddress)},
          {"asio_async_range", asio_async_range_connect, asio({.deadline = true, .every_address = true})}};
}

std::vector<connfuzz::Target> endpoint_targets() {
  return {{"endpoint_generic", asio_generic_endpoint_connect, asio(kPlain)},
          {"endpoint_local", asio_local_endpoint_connect, asio(kPlain)},
          {"endpoint_tcp_resize", asio_tcp_resize_connect, asio(kPlain)}};
}

std::vector<connfuzz::Target> kernel_targets() { return {{"kernel_raw", kernel_raw_connect, kPlain}}; }

}  // namespace connfuzz::targets
