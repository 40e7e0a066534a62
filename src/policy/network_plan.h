// NetworkPlan: the sandbox's network, fully resolved by policy::CompileNetwork.
//
// Plain data shared by both engines. The engine (or the guest init) performs
// it and decides nothing: interface names, MACs, addresses, routes, the
// resolver list and the complete nftables ruleset are all fixed here, so the
// plan is printable (--dump-plan) and golden-testable.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vsb::policy {

struct PlannedAddress {
  std::string ip;         // canonical text form (inet_ntop)
  uint8_t prefix = 0;     // 0..32 (IPv4) or 0..128 (IPv6)
  std::string broadcast;  // IPv4 only; empty = derived from prefix
  bool v6 = false;
  bool operator==(const PlannedAddress&) const = default;
};

struct PlannedRoute {
  std::string destination;  // network address; "0.0.0.0"/"::" with prefix 0 = default route
  uint8_t prefix = 0;
  std::string gateway;      // empty = on-link
  bool v6 = false;
  bool operator==(const PlannedRoute&) const = default;
};

struct PlannedPublish {
  uint16_t host_port = 0;     // bound on the host (user mode only)
  uint16_t sandbox_port = 0;  // where the sandboxed server listens
  bool udp = false;
  bool operator==(const PlannedPublish&) const = default;
};

struct PlannedInterface {
  enum class Mode { kUser, kBridge };
  Mode mode = Mode::kUser;
  std::string name;       // inside the sandbox: eth0, eth1, ...
  std::string host_name;  // host end (veth peer or tap), <= 15 chars, unique per sandbox
  std::string bridge;     // kBridge: host bridge to attach host_name to
  std::string mac;        // always set: given, or generated locally administered
  uint32_t mtu = 0;       // 0 = leave the default
  bool dhcp = false;
  std::vector<PlannedAddress> addresses;
  std::vector<PlannedRoute> routes;
  std::vector<PlannedPublish> publish;
  bool operator==(const PlannedInterface&) const = default;
};

struct NetworkPlan {
  std::vector<PlannedInterface> interfaces;  // empty: loopback only
  std::vector<std::string> dns;              // static resolvers; DHCP may add more at run time
  std::string hostname;                      // for /etc/hosts
  // Complete `nft -f -` input, applied inside the sandbox's network namespace
  // before the command starts (empty: no filter). The command holds no
  // CAP_NET_ADMIN there, so it cannot change the rules.
  std::string nft_ruleset;
  bool enabled() const { return !interfaces.empty(); }
  bool operator==(const NetworkPlan&) const = default;
};

// Text of the sandbox's private /etc/resolv.conf and /etc/hosts (pure).
std::string ResolvConfText(const std::vector<std::string>& dns);
std::string HostsText(const std::string& hostname);

}  // namespace vsb::policy
