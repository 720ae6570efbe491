// libevent's connects, as a program on libevent makes them: a bufferevent's connect by
// address and by numeric host name, and the internal connect beneath both, each on an
// event base of its own with a deadline.
#pragma once

#include <connfuzz/connfuzz.hpp>
#include <vector>

namespace connfuzz::libraries::libevent {

connfuzz::Result libevent_bufferevent(const connfuzz::Request& request);
connfuzz::Result libevent_bufferevent_hostname(const connfuzz::Request& request);
connfuzz::Result libevent_socket_connect(const connfuzz::Request& request);

// The list the libevent fuzzer registers, in modes.def's order (codes 32 to 34).
std::vector<connfuzz::Target> libevent_targets();

}  // namespace connfuzz::libraries::libevent
