// DHCPv4 packet codec (RFC 2131/2132), pure: no I/O.
//
// Replies come from the network and are untrusted; for a root caller the
// decoder runs in a process that is root on the host. DecodeDhcpReply
// therefore reads only inside the given buffer, rejects anything that is not
// a BOOTREPLY for our transaction and hardware address, refuses malformed
// options (wrong length, running past the end, no end marker) instead of
// guessing, and keeps at most kMaxDns resolvers.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.h"

namespace vsb::net {

using Mac = std::array<uint8_t, 6>;
using Ipv4 = std::array<uint8_t, 4>;

inline constexpr uint8_t kDhcpDiscover = 1, kDhcpOffer = 2, kDhcpRequest = 3, kDhcpDecline = 4,
                         kDhcpAck = 5, kDhcpNak = 6;
inline constexpr size_t kMaxDns = 3;
inline constexpr size_t kDhcpMinReply = 240;  // fixed header + magic cookie

struct DhcpReply {
  uint8_t type = 0;          // kDhcpOffer, kDhcpAck or kDhcpNak
  Ipv4 address{};            // yiaddr
  uint8_t prefix = 0;        // from option 1 (contiguous mask only)
  Ipv4 server_id{};          // option 54
  Ipv4 router{};             // first of option 3; zero = none
  bool has_router = false;
  std::vector<Ipv4> dns;     // option 6, at most kMaxDns
  uint16_t mtu = 0;          // option 26; 0 = none
  uint32_t lease_seconds = 0;  // option 51
};

// DISCOVER (requested = 0) or REQUEST for `requested` from `server_id`.
// The broadcast flag is set: we have no address to receive a unicast on.
std::vector<uint8_t> EncodeDhcpDiscover(uint32_t xid, const Mac& mac);
std::vector<uint8_t> EncodeDhcpRequest(uint32_t xid, const Mac& mac, const Ipv4& requested,
                                       const Ipv4& server_id);

// Decodes a server reply to transaction `xid` from `mac`.
Result<DhcpReply> DecodeDhcpReply(const uint8_t* data, size_t size, uint32_t xid, const Mac& mac);

std::string Ipv4Text(const Ipv4& ip);

}  // namespace vsb::net
