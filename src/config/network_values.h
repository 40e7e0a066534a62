// Typed values of the -N/--network keys (and the [[network]] table).
//
// vsb::Network keeps every value as the user wrote it; these parsers turn one
// value into its checked, canonical form, or an Error naming the bad part and
// the fix. config::CheckNetwork runs them all (so Validate rejects a bad value
// before anything starts) and policy::CompileNetwork runs them again to build
// the plan. Pure: inet_pton/inet_ntop are the only library calls.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "virt-sandbox/config.h"

namespace vsb::config {

// At most this many interfaces (eth0..eth7) per sandbox.
inline constexpr size_t kMaxNetworks = 8;
inline constexpr uint32_t kMinMtu = 68;     // IPv4 minimum (RFC 791)
inline constexpr uint32_t kMaxMtu = 65535;

// An IP address with a prefix length; ip is canonical (inet_ntop).
struct IpPrefix {
  std::string ip;
  uint8_t prefix = 0;
  bool v6 = false;
  bool operator==(const IpPrefix&) const = default;
};

// "192.0.2.1" or "2001:db8::1" (no brackets) -> canonical text, v6 flag.
Result<IpPrefix> ParseIp(std::string_view text);
// "IP/PREFIX" where PREFIX is 0..32 (IPv4) or 0..128 (IPv6). Host bits may
// be set (an interface address) unless network_only (a route or filter net).
Result<IpPrefix> ParseIpPrefix(std::string_view text, bool network_only);

// address=IP/PREFIX[%BROADCAST]; the broadcast is IPv4 only.
struct NetAddress {
  IpPrefix address;
  std::string broadcast;  // canonical, empty = derived
};
Result<NetAddress> ParseNetAddress(std::string_view text);

// route=NET/PREFIX%GATEWAY or default%GATEWAY (0.0.0.0/0 or ::/0 by the
// gateway's family).
struct NetRoute {
  IpPrefix destination;
  std::string gateway;  // canonical, same family as destination
};
Result<NetRoute> ParseNetRoute(std::string_view text);

// publish=HOSTPORT:SANDBOXPORT[/tcp|/udp], ports 1..65535, default tcp.
struct NetPublish {
  uint16_t host_port = 0;
  uint16_t sandbox_port = 0;
  bool udp = false;
};
Result<NetPublish> ParseNetPublish(std::string_view text);

// mac=aa:bb:cc:dd:ee:ff, unicast, not all zero -> lower-case canonical.
Result<std::string> ParseMac(std::string_view text);
// mtu=N, kMinMtu..kMaxMtu.
Result<uint32_t> ParseMtu(std::string_view text);
Status CheckMtu(uint32_t mtu);
// bridge=NAME: a Linux interface name (1-15 bytes; no '/', ':', blanks).
Status CheckBridgeName(std::string_view name);

// A port number or range "N" / "N-M" with 1 <= N <= M <= 65535.
Result<std::pair<uint16_t, uint16_t>> ParsePortRange(std::string_view text);

}  // namespace vsb::config
