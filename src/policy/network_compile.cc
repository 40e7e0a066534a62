#include "policy/network_compile.h"

#include <algorithm>
#include <cstdio>

#include "config/network_filter_rule.h"
#include "config/network_values.h"
#include "config/option_parsers.h"
#include "config/quote.h"
#include "policy/network_filter.h"

namespace vsb::policy {
namespace {

uint64_t Fnv1a64(std::string_view s) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::unexpected<Error> At(size_t index, const Error& e) {
  return Fail(e.WithContext("-N eth" + std::to_string(index)));
}

Result<PlannedInterface> CompileInterface(const Network& n, size_t index, const NetworkContext& ctx,
                                          InterfaceFilter& filter) {
  VSB_TRY(config::CheckNetwork(n));
  PlannedInterface p;
  p.name = "eth" + std::to_string(index);
  p.host_name = HostInterfaceName(ctx.sandbox_name, index);
  p.mode = n.mode == Network::Mode::kBridge ? PlannedInterface::Mode::kBridge : PlannedInterface::Mode::kUser;
  if (p.mode == PlannedInterface::Mode::kBridge) {
    // Plugging into a host bridge puts the sandbox on the host's LAN as a
    // peer; only root may decide that (and only root can create the veth).
    if (ctx.caller_uid != 0) {
      return FailInvalid("bridge=" + config::Printable(n.bridge) +
                         " needs root: attaching to a host bridge is for root callers "
                         "(run as root, or use -N user for user-mode networking)");
    }
    p.bridge = n.bridge;
  }
  if (n.mac.empty()) {
    p.mac = GeneratedMac(ctx.sandbox_name, index);
  } else {
    VSB_ASSIGN_OR_RETURN(p.mac, config::ParseMac(n.mac));
  }
  p.mtu = n.mtu;
  p.dhcp = n.dhcp;
  for (const std::string& text : n.addresses) {
    VSB_ASSIGN_OR_RETURN(config::NetAddress a, config::ParseNetAddress(text));
    p.addresses.push_back({a.address.ip, a.address.prefix, a.broadcast, a.address.v6});
  }
  for (const std::string& text : n.routes) {
    VSB_ASSIGN_OR_RETURN(config::NetRoute r, config::ParseNetRoute(text));
    p.routes.push_back({r.destination.ip, r.destination.prefix, r.gateway, r.destination.v6});
  }
  for (const std::string& text : n.publish) {
    VSB_ASSIGN_OR_RETURN(config::NetPublish pub, config::ParseNetPublish(text));
    p.publish.push_back({pub.host_port, pub.sandbox_port, pub.udp});
  }
  VSB_ASSIGN_OR_RETURN(filter.spec, config::ParseFilterSpec(n));
  filter.name = p.name;
  filter.dhcp = p.dhcp;
  filter.publish = p.publish;
  return p;
}

}  // namespace

std::string HostInterfaceName(const std::string& sandbox_name, size_t index) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "vsb%08x-%zu",
                static_cast<unsigned>(Fnv1a64(sandbox_name) & 0xffffffffu), index);
  return buf;
}

std::string GeneratedMac(const std::string& sandbox_name, size_t index) {
  uint64_t h = Fnv1a64(sandbox_name + '\0' + "mac" + std::to_string(index));
  char buf[24];
  std::snprintf(buf, sizeof buf, "02:%02x:%02x:%02x:%02x:%02x", static_cast<unsigned>((h >> 32) & 0xff),
                static_cast<unsigned>((h >> 24) & 0xff), static_cast<unsigned>((h >> 16) & 0xff),
                static_cast<unsigned>((h >> 8) & 0xff), static_cast<unsigned>(h & 0xff));
  return buf;
}

Result<NetworkPlan> CompileNetwork(const SandboxConfig& config, const NetworkContext& ctx) {
  NetworkPlan plan;
  if (config.networks.empty()) return plan;
  if (config.networks.size() > config::kMaxNetworks) {
    return FailInvalid("-N: at most " + std::to_string(config::kMaxNetworks) +
                       " network interfaces (eth0..eth7) are supported");
  }
  plan.hostname = ctx.hostname;
  std::vector<InterfaceFilter> filters;
  for (size_t i = 0; i < config.networks.size(); ++i) {
    const Network& n = config.networks[i];
    InterfaceFilter filter;
    auto planned = CompileInterface(n, i, ctx, filter);
    if (!planned) return At(i, planned.error());
    plan.interfaces.push_back(std::move(*planned));
    filters.push_back(std::move(filter));
    for (const std::string& text : n.dns) {
      auto ip = config::ParseIp(text);
      if (!ip) return At(i, ip.error());
      if (std::find(plan.dns.begin(), plan.dns.end(), ip->ip) == plan.dns.end()) plan.dns.push_back(ip->ip);
    }
  }
  plan.nft_ruleset = NftRuleset(filters, plan.dns);
  return plan;
}

}  // namespace vsb::policy
