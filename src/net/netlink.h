// Netlink: a small rtnetlink client for the few requests a sandbox needs.
//
// libc only (the static init links it too, and Debian ships no static
// libmnl). Every request is built in a fixed-size buffer (an attribute that
// does not fit is an error, never an overflow), asks for an ACK, and the
// answer is matched by sequence number; a failure names the interface and the
// operation ("set mtu 1400 on eth0: Invalid argument").
//
// A Netlink object acts in the network namespace its socket was opened in:
// open it after setns() to act inside a sandbox.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vsb::net {

struct IpAddress {
  std::string ip;         // text form, IPv4 or IPv6
  uint8_t prefix = 0;
  std::string broadcast;  // IPv4 only; empty = derived from prefix
};

struct IpRoute {
  std::string destination;  // network address; empty, "0.0.0.0" or "::" with prefix 0 = default
  uint8_t prefix = 0;
  std::string gateway;      // empty = on-link
  bool v6 = false;          // only used when destination and gateway are empty
};

class Netlink {
 public:
  static Result<Netlink> Open();

  Result<int> IfIndex(const std::string& ifname) const;
  Status SetUp(const std::string& ifname);
  Status SetMtu(const std::string& ifname, uint32_t mtu);
  Status SetMac(const std::string& ifname, const std::string& mac);
  // Makes `ifname` a port of the bridge `bridge` (IFLA_MASTER).
  Status SetMaster(const std::string& ifname, const std::string& bridge);
  Status AddAddress(const std::string& ifname, const IpAddress& address);
  Status AddRoute(const std::string& ifname, const IpRoute& route);
  // Creates a veth pair: `host_name` here, its peer `peer_name` directly in
  // the network namespace `peer_netns_fd` (never visible in this one).
  Status CreateVethPair(const std::string& host_name, const std::string& peer_name,
                        int peer_netns_fd);
  // Whether `ifname` exists and carries an IPv4 address (pasta readiness).
  Result<bool> HasIpv4Address(const std::string& ifname);

 private:
  explicit Netlink(UniqueFd fd) : fd_(std::move(fd)) {}
  Status Transact(void* msg, size_t len, const std::string& what);
  UniqueFd fd_;
  uint32_t seq_ = 1;
};

// Parses "aa:bb:cc:dd:ee:ff" into 6 bytes.
bool ParseMac(const std::string& text, uint8_t out[6]);

}  // namespace vsb::net
