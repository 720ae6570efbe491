// Builds connect()'s address argument from a scenario address (see address_bytes.h).
#include "address_bytes.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace connfuzz::fuzz {

AddressBytes build_address(const Address& address, int type, const Listeners& peers) {
  std::vector<std::uint8_t> content;
  if (address.destination == Destination::bytes) {
    content.resize(sizeof(sa_family_t));
    content.insert(content.end(), address.bytes.begin(), address.bytes.end());
  } else {
    const Peer& peer = address.destination == Destination::listener ? peers.accepting(type, address.family)
                                                                    : peers.refusing(address.family);
    const auto* raw = reinterpret_cast<const std::uint8_t*>(&peer.addr);
    content.assign(raw, raw + peer.len);
  }
  sa_family_t family = static_cast<sa_family_t>(address.family);
  std::memcpy(content.data(), &family, sizeof(family));

  AddressBytes out;
  out.len = address.length.resolve(content.size());
  out.size = std::max<std::size_t>(content.size(), std::min<std::size_t>(out.len, sizeof(sockaddr_storage)));
  out.data = std::make_unique<std::uint8_t[]>(out.size);  // zeroed past the content
  std::copy(content.begin(), content.end(), out.data.get());
  return out;
}

}  // namespace connfuzz::fuzz
