#include "policy/vm_network.h"

namespace vsb::policy {

std::vector<std::string> GuestNetworkModules(const NetworkPlan& network) {
  if (!network.enabled()) return {};
  return {"virtio_net"};  // modules.dep brings net_failover and failover
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
  setup->hosts_file = HostsText(network.hostname);
}

}  // namespace vsb::policy
