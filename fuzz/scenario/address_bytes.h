// Turns a scenario address into the bytes and length a target passes to connect().
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <cstdint>
#include <memory>

#include "listeners.h"
#include "scenario.h"

namespace connfuzz::fuzz {

struct AddressBytes {
  // Exactly as large as the bytes the scenario holds, or as the claimed length when
  // that is longer (up to sizeof(sockaddr_storage), all the kernel reads), so that a
  // target reading past both is an overflow the sanitizers see.
  std::unique_ptr<std::uint8_t[]> data;
  std::size_t size = 0;
  socklen_t len = 0;  // the claimed length: may lie, may be negative as an int
  const sockaddr* addr() const noexcept { return reinterpret_cast<const sockaddr*>(data.get()); }
};

AddressBytes build_address(const Address& address, int type, const Listeners& peers);

}  // namespace connfuzz::fuzz
