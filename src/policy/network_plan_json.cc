#include "policy/network_plan_json.h"

namespace vsb::policy {

nlohmann::json NetworkPlanJson(const NetworkPlan& plan) {
  using nlohmann::json;
  json interfaces = json::array();
  for (const PlannedInterface& i : plan.interfaces) {
    json addresses = json::array(), routes = json::array(), publish = json::array();
    for (const PlannedAddress& a : i.addresses) {
      json j = {{"ip", a.ip}, {"prefix", a.prefix}, {"v6", a.v6}};
      if (!a.broadcast.empty()) j["broadcast"] = a.broadcast;
      addresses.push_back(j);
    }
    for (const PlannedRoute& r : i.routes) {
      routes.push_back({{"destination", r.destination}, {"prefix", r.prefix}, {"gateway", r.gateway}, {"v6", r.v6}});
    }
    for (const PlannedPublish& p : i.publish) {
      publish.push_back({{"host_port", p.host_port}, {"sandbox_port", p.sandbox_port},
                         {"protocol", p.udp ? "udp" : "tcp"}});
    }
    json j = {{"name", i.name},
              {"mode", i.mode == PlannedInterface::Mode::kBridge ? "bridge" : "user"},
              {"host_name", i.host_name},
              {"mac", i.mac},
              {"mtu", i.mtu},
              {"dhcp", i.dhcp},
              {"addresses", addresses},
              {"routes", routes},
              {"publish", publish}};
    if (!i.bridge.empty()) j["bridge"] = i.bridge;
    interfaces.push_back(j);
  }
  return {{"interfaces", interfaces},
          {"dns", plan.dns},
          {"hostname", plan.hostname},
          {"nft_ruleset", plan.nft_ruleset}};
}

}  // namespace vsb::policy
