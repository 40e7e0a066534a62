// Network filters (-N filter=...) compiled into one nftables ruleset.
//
// The ruleset is the complete input of `nft -f -`, run inside the sandbox's
// network namespace: it (re)creates the table `inet virt_sandbox` with an
// input and an output chain, so applying it twice gives the same state.
//
// Order inside each chain, first match wins:
//   1. ct state established,related accept; ct state invalid drop;
//      loopback accept                                  (always)
//   2. per filtered interface, matched by iifname/oifname:
//      a. IPv6 neighbour discovery, and DHCP when the interface uses dhcp
//         (the interface cannot work without them)
//      b. the user's filter.allow / filter.deny rules, in order
//      c. the preset's allowances: allow-dns (tcp/udp 53 to the resolvers,
//         or to any address when none is configured) and, inbound, the
//         published ports of a user-mode interface
//      d. the interface's default verdict (filter.default)
//   3. interfaces without a filter: accept
//   chain policy: drop when any interface defaults to deny, else accept.
//
// Only parsed values reach the text (canonical IPs, numbers, fixed words,
// interface names we chose): user text can never inject nft commands.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/network_filter_rule.h"
#include "policy/network_plan.h"

namespace vsb::policy {

struct InterfaceFilter {
  std::string name;                        // eth0, ...
  std::optional<config::FilterSpec> spec;  // nullopt: no filter on this interface
  bool dhcp = false;
  std::vector<PlannedPublish> publish;     // inbound ports to keep open
};

// The ruleset text; empty when no interface has a filter.
std::string NftRuleset(const std::vector<InterfaceFilter>& interfaces,
                       const std::vector<std::string>& resolvers);

}  // namespace vsb::policy
