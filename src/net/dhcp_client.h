// A minimal DHCPv4 client: DISCOVER, OFFER, REQUEST, ACK on one interface.
//
// UDP socket bound to port 68 on the interface (SO_BINDTODEVICE), broadcasts
// to 255.255.255.255:67 with the broadcast flag set, so no address is needed
// beforehand. Bounded: a few retransmissions and a total deadline; the caller
// configures the result (this module only talks DHCP).
#pragma once

#include <string>

#include "base/result.h"
#include "net/dhcp_codec.h"

namespace vsb::net {

struct DhcpOptions {
  int total_timeout_ms = 6000;
  int retry_ms = 1000;  // wait for an answer before retransmitting
};

// Runs the exchange on `ifname` (already up, with MAC `mac`). Needs
// CAP_NET_RAW/CAP_NET_BIND_SERVICE in the interface's network namespace.
Result<DhcpReply> RunDhcp(const std::string& ifname, const Mac& mac, const DhcpOptions& options = {});

}  // namespace vsb::net
