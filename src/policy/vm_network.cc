#include "policy/vm_network.h"

namespace vsb::policy {

std::vector<std::string> GuestNetworkModules(const NetworkPlan& network) {
  if (!network.enabled()) return {};
  std::vector<std::string> m = {"virtio_net"};  // modules.dep brings net_failover and failover
  // filter=: the ruleset's table (inet family, in nf_tables) and its
  // `ct state` matches (nft_ct, which brings nf_conntrack and defrag).
  // libcrc32c (a dependency of both) needs a crc32c implementation loaded
  // first: a softdep modules.dep does not list, and no request_module here.
  if (!network.nft_ruleset.empty()) m.insert(m.end(), {"crc32c_generic", "nf_tables", "nft_ct"});
  return m;
}

void AddGuestNetwork(const NetworkPlan& network, proto::GuestSetup* setup) {
  if (!network.enabled()) return;
  for (const PlannedInterface& i : network.interfaces) {
    proto::GuestInterface g;
    g.name = i.name;
    g.mac = i.mac;
    g.mtu = i.mtu;
    // User mode: passt answers DHCP with the host's address and routes, as
    // pasta's --config-net copies them for a container.
    g.dhcp = i.dhcp || (i.mode == PlannedInterface::Mode::kUser && i.addresses.empty());
    for (const PlannedAddress& a : i.addresses) g.addresses.push_back({a.ip, a.prefix, a.broadcast});
    for (const PlannedRoute& r : i.routes) g.routes.push_back({r.destination, r.prefix, r.gateway, r.v6});
    setup->interfaces.push_back(std::move(g));
  }
  setup->dns = network.dns;
  setup->nft_ruleset = network.nft_ruleset;
  setup->hosts_file = HostsText(network.hostname);
}

}  // namespace vsb::policy
