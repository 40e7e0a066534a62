// -N KEY=VALUE,... -> vsb::Network, and the checks every Network passes.
//
//   -N user,publish=8080:80
//   -N bridge=br0,address=192.0.2.10/24,route=default%192.0.2.1,dns=192.0.2.1
//   -N filter=deny-all,filter.allow=out:tcp:192.0.2.1/32:443
//
// Values are kept as written (config.h); their forms are checked by the
// parsers of config/network_values.h and config/network_filter_rule.h.
#include <set>
#include <string>

#include "config/network_filter_rule.h"
#include "config/network_values.h"
#include "config/option_parsers.h"
#include "config/quote.h"

namespace vsb::config {
namespace {

constexpr std::string_view kKeys =
    "user, dhcp, bridge=, source=, mac=, mtu=, address=, route=, dns=, publish=, filter=, "
    "filter.allow=, filter.deny=, filter.default=";

// Keys that may appear once per interface (the rest are repeatable).
bool Singleton(std::string_view key) {
  return key == "user" || key == "dhcp" || key == "bridge" || key == "mac" || key == "mtu" ||
         key == "filter" || key == "filter.default";
}

Status ApplyItem(std::string_view key, std::string_view value, bool has_value, Network& n) {
  if (!has_value) {
    if (key == "user") {
      n.mode = Network::Mode::kUser;
    } else if (key == "dhcp") {
      n.dhcp = true;
    } else {
      return FailInvalid("unknown item " + Quote(key) + " (known: " + std::string(kKeys) + ")");
    }
    return {};
  }
  if (key == "user" || key == "dhcp") {
    return FailInvalid(std::string(key) + " takes no value (write just " + std::string(key) + ")");
  }
  if (value.empty()) {
    return FailInvalid("empty value for " + std::string(key) + "= (give a value or drop the item)");
  }
  std::string v(value);
  if (key == "bridge") {
    n.mode = Network::Mode::kBridge;
    n.bridge = v;
  } else if (key == "mac") {
    n.mac = v;
  } else if (key == "mtu") {
    VSB_ASSIGN_OR_RETURN(n.mtu, ParseMtu(value));
  } else if (key == "address") {
    n.addresses.push_back(v);
  } else if (key == "route") {
    n.routes.push_back(v);
  } else if (key == "dns") {
    n.dns.push_back(v);
  } else if (key == "publish") {
    n.publish.push_back(v);
  } else if (key == "filter") {
    n.filter = v;
  } else if (key.starts_with("filter.") && key.size() > 7) {
    n.filter_params.emplace_back(std::string(key.substr(7)), v);
  } else {
    return FailInvalid("unknown key " + Quote(key) + " (known: " + std::string(kKeys) + ")");
  }
  return {};
}

}  // namespace

std::string_view NetworkModeName(Network::Mode mode) {
  return mode == Network::Mode::kBridge ? "bridge" : "user";
}

Result<Network> ParseNetwork(std::string_view spec) {
  Network n;
  std::set<std::string, std::less<>> seen;
  size_t start = 0;
  while (true) {
    size_t comma = spec.find(',', start);
    std::string_view item = spec.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (item.empty()) {
      return FailInvalid(spec.empty() ? "empty network spec (use e.g. -N user or -N bridge=br0,dhcp)"
                                      : "empty item (remove the extra ',')");
    }
    size_t eq = item.find('=');
    std::string_view key = item.substr(0, eq);
    if (key == "source") key = "bridge";  // the original libvirt-sandbox spelling
    if (Singleton(key) && !seen.insert(std::string(key)).second) {
      return FailInvalid(Quote(item) + ": " + std::string(key) + " is given twice (give it once)");
    }
    if (seen.contains("user") && seen.contains("bridge")) {
      return FailInvalid("user and bridge= exclude each other (user: user-mode networking; "
                         "bridge=NAME: attach to a host bridge)");
    }
    bool has_value = eq != std::string_view::npos;
    VSB_TRY(ApplyItem(key, has_value ? item.substr(eq + 1) : "", has_value, n));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  VSB_TRY(CheckNetwork(n));
  return n;
}

Status CheckNetwork(const Network& n) {
  if (n.mode == Network::Mode::kBridge) {
    if (n.bridge.empty()) return FailInvalid("bridge mode needs the host bridge's name (bridge=NAME)");
    VSB_TRY(CheckBridgeName(n.bridge));
    if (!n.publish.empty()) {
      return FailInvalid("publish=" + Printable(n.publish.front()) +
                         " works in user mode only: a bridged sandbox is reached at its own "
                         "address (drop publish=, or use user instead of bridge=)");
    }
  } else if (!n.bridge.empty()) {
    return FailInvalid("user mode takes no bridge (drop bridge=" + Printable(n.bridge) +
                       ", or drop user to attach to the bridge)");
  }
  if (n.dhcp && !n.addresses.empty()) {
    return FailInvalid("dhcp and address=" + Printable(n.addresses.front()) +
                       " exclude each other (drop one: dhcp asks a server for the address)");
  }
  if (!n.mac.empty()) VSB_TRY(ParseMac(n.mac));
  if (n.mtu != 0) VSB_TRY(CheckMtu(n.mtu));
  for (const std::string& a : n.addresses) VSB_TRY(ParseNetAddress(a));
  for (const std::string& r : n.routes) VSB_TRY(ParseNetRoute(r));
  for (const std::string& d : n.dns) VSB_TRY(ParseIp(d));
  std::set<std::pair<uint16_t, bool>> host_ports;
  for (const std::string& p : n.publish) {
    VSB_ASSIGN_OR_RETURN(NetPublish pub, ParseNetPublish(p));
    if (!host_ports.insert({pub.host_port, pub.udp}).second) {
      return FailInvalid("publish=" + Printable(p) + ": host port " + std::to_string(pub.host_port) +
                         " is published twice (publish each host port once)");
    }
  }
  VSB_TRY(ParseFilterSpec(n));
  return {};
}

}  // namespace vsb::config
