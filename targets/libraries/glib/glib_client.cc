// The request as GIO takes it: a GSocketAddress made by GIO itself from the sockaddr
// bytes (a GInetSocketAddress, a GUnixSocketAddress, or a GNativeSocketAddress for a
// family GIO does not know), and a client that connects to that address alone.
#include <sys/socket.h>

#include <cerrno>

#include "glib_connect.h"

namespace connfuzz::libraries::glib {

GSocketAddress* address_of(const connfuzz::Request& request, connfuzz::Result& rejected) {
  const connfuzz::Address& a = request.addresses.front();
  // g_socket_address_new_from_native takes `len` as the size of the memory it may read;
  // connect() reads at most a sockaddr_storage and answers EINVAL past it, so a longer
  // claim is refused as the kernel would refuse it.
  if (a.len > sizeof(sockaddr_storage)) {
    rejected = connfuzz::Result::rejected(EINVAL, "an address longer than sockaddr_storage");
    return nullptr;
  }
  GSocketAddress* address = g_socket_address_new_from_native(const_cast<sockaddr*>(a.addr), a.len);
  if (!address) {
    // GIO's own refusal: AF_UNSPEC, or shorter than its family's structure.
    rejected = connfuzz::Result::rejected(EINVAL, "g_socket_address_new_from_native refused the address");
  }
  return address;
}

GSocketClient* direct_client(const connfuzz::Request& request) {
  GSocketClient* client = g_socket_client_new();
  // Without this GSocketClient asks the default GProxyResolver (a GIO module, the
  // environment's proxy settings) for every address.
  g_socket_client_set_enable_proxy(client, FALSE);
  // GSocketType's values are GIO's own (G_SOCKET_TYPE_SEQPACKET is 3, SOCK_SEQPACKET 5);
  // another type is none GIO can ask for, and the client stays a stream's.
  if (request.type == SOCK_DGRAM) g_socket_client_set_socket_type(client, G_SOCKET_TYPE_DATAGRAM);
  if (request.type == SOCK_SEQPACKET) g_socket_client_set_socket_type(client, G_SOCKET_TYPE_SEQPACKET);
  g_socket_client_set_protocol(client, static_cast<GSocketProtocol>(request.protocol));
  return client;
}

}  // namespace connfuzz::libraries::glib
