// The network filter language of -N filter=PRESET,filter.KEY=VALUE,...
//
//   filter=allow-all | deny-all | allow-dns        the preset (required for filter.*)
//   filter.default=allow | deny                    chain policy (preset's by default)
//   filter.allow=RULE  filter.deny=RULE            repeatable, first match wins
//   RULE = DIR:PROTO:ADDR:PORT
//     DIR   in | out              (in: ADDR is the peer sending to the sandbox)
//     PROTO tcp | udp | icmp | any
//     ADDR  any | IPv4[/P] | [IPv6][/P]   (IPv6 in brackets; no host bits past P)
//     PORT  any | N | N-M         (the sandbox's port for in, the peer's for out;
//                                  tcp and udp only)
//
// Presets: allow-all (default allow), deny-all (default deny), allow-dns
// (default deny + DNS, tcp and udp port 53, to the dns= resolvers, or to any
// address when none is given). Parsing is here so Validate rejects a bad rule
// before anything starts; policy/network_filter renders the nftables text.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "config/network_values.h"
#include "virt-sandbox/config.h"

namespace vsb::config {

enum class FilterPreset { kAllowAll, kDenyAll, kAllowDns };
enum class FilterProto { kTcp, kUdp, kIcmp, kAny };

struct FilterRule {
  bool allow = false;
  bool inbound = false;
  FilterProto proto = FilterProto::kAny;
  std::optional<IpPrefix> address;  // nullopt = any
  uint16_t port_low = 0;            // 0 = any port
  uint16_t port_high = 0;
  bool operator==(const FilterRule&) const = default;
};

struct FilterSpec {
  FilterPreset preset = FilterPreset::kAllowAll;
  bool default_allow = true;
  std::vector<FilterRule> rules;  // in the order given
};

// "out:tcp:192.0.2.1/32:80" (the VALUE of filter.allow / filter.deny).
Result<FilterRule> ParseFilterRule(bool allow, std::string_view text);
Result<FilterPreset> ParseFilterPreset(std::string_view name);
std::string_view FilterPresetName(FilterPreset preset);
// The filter of one interface; nullopt when it has none (no filter=).
Result<std::optional<FilterSpec>> ParseFilterSpec(const Network& network);

}  // namespace vsb::config
