#include "config/network_filter_rule.h"

#include "config/quote.h"

namespace vsb::config {
namespace {

constexpr std::string_view kRuleForm =
    "use DIR:PROTO:ADDR:PORT, e.g. out:tcp:192.0.2.1/32:80 or in:udp:any:53";

struct PresetName {
  FilterPreset preset;
  std::string_view name;
};
constexpr PresetName kPresets[] = {
    {FilterPreset::kAllowAll, "allow-all"},
    {FilterPreset::kDenyAll, "deny-all"},
    {FilterPreset::kAllowDns, "allow-dns"},
};

// ADDR: any, IPv4[/P], [IPv6][/P]. A bare address means one host (/32, /128).
Result<std::optional<IpPrefix>> ParseRuleAddress(std::string_view text) {
  if (text == "any") return std::optional<IpPrefix>();
  std::string_view ip = text, prefix;
  if (text.starts_with('[')) {
    size_t close = text.find(']');
    if (close == std::string_view::npos) {
      return FailInvalid("missing ']' in address " + Quote(text) + " (write IPv6 as [2001:db8::1]/128)");
    }
    ip = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty() && !rest.starts_with('/')) {
      return FailInvalid("unexpected " + Quote(rest) + " after " + Quote(text.substr(0, close + 1)));
    }
    prefix = rest;
  } else {
    size_t slash = text.find('/');
    ip = text.substr(0, slash);
    if (slash != std::string_view::npos) prefix = text.substr(slash);
  }
  VSB_ASSIGN_OR_RETURN(IpPrefix bare, ParseIp(ip));
  if (bare.v6 && !text.starts_with('[')) {
    return FailInvalid("IPv6 address " + Quote(ip) + " must be in brackets (e.g. [2001:db8::1]/128)");
  }
  if (!bare.v6 && text.starts_with('[')) {
    return FailInvalid("only IPv6 addresses go in brackets (write " + Printable(ip) + ")");
  }
  if (prefix.empty()) return std::optional<IpPrefix>(bare);
  VSB_ASSIGN_OR_RETURN(IpPrefix net, ParseIpPrefix(std::string(ip) + std::string(prefix), true));
  return std::optional<IpPrefix>(net);
}

}  // namespace

Result<FilterPreset> ParseFilterPreset(std::string_view name) {
  for (const PresetName& p : kPresets) {
    if (p.name == name) return p.preset;
  }
  return FailInvalid("unknown filter " + Quote(name) + " (use allow-all, deny-all or allow-dns)");
}

std::string_view FilterPresetName(FilterPreset preset) {
  for (const PresetName& p : kPresets) {
    if (p.preset == preset) return p.name;
  }
  return "unknown";
}

Result<FilterRule> ParseFilterRule(bool allow, std::string_view text) {
  auto fail = [&](const std::string& what) {
    return FailInvalid("filter." + std::string(allow ? "allow" : "deny") + "=" + Printable(text) +
                       ": " + what);
  };
  // DIR:PROTO:ADDR:PORT; ADDR may hold ':' inside brackets, so split the
  // first two fields from the left and PORT from the right.
  size_t c1 = text.find(':');
  size_t c2 = c1 == std::string_view::npos ? c1 : text.find(':', c1 + 1);
  size_t c3 = text.rfind(':');
  if (c2 == std::string_view::npos || c3 <= c2) return fail("expected 4 fields (" + std::string(kRuleForm) + ")");
  std::string_view dir = text.substr(0, c1), proto = text.substr(c1 + 1, c2 - c1 - 1);
  std::string_view addr = text.substr(c2 + 1, c3 - c2 - 1), port = text.substr(c3 + 1);
  FilterRule rule;
  rule.allow = allow;
  if (dir != "in" && dir != "out") return fail("unknown direction " + Quote(dir) + " (use in or out)");
  rule.inbound = dir == "in";
  if (proto == "tcp") {
    rule.proto = FilterProto::kTcp;
  } else if (proto == "udp") {
    rule.proto = FilterProto::kUdp;
  } else if (proto == "icmp") {
    rule.proto = FilterProto::kIcmp;
  } else if (proto == "any") {
    rule.proto = FilterProto::kAny;
  } else {
    return fail("unknown protocol " + Quote(proto) + " (use tcp, udp, icmp or any)");
  }
  auto address = ParseRuleAddress(addr);
  if (!address) return fail(address.error().message());
  rule.address = *address;
  if (port != "any") {
    if (rule.proto != FilterProto::kTcp && rule.proto != FilterProto::kUdp) {
      return fail("a port needs protocol tcp or udp (use PORT any with " + std::string(proto) + ")");
    }
    auto range = ParsePortRange(port);
    if (!range) return fail(range.error().message());
    rule.port_low = range->first;
    rule.port_high = range->second;
  }
  return rule;
}

Result<std::optional<FilterSpec>> ParseFilterSpec(const Network& network) {
  if (network.filter.empty()) {
    if (!network.filter_params.empty()) {
      return FailInvalid("filter." + Printable(network.filter_params.front().first) +
                         " needs a preset (add filter=deny-all, allow-dns or allow-all)");
    }
    return std::optional<FilterSpec>();
  }
  FilterSpec spec;
  VSB_ASSIGN_OR_RETURN(spec.preset, ParseFilterPreset(network.filter));
  spec.default_allow = spec.preset == FilterPreset::kAllowAll;
  bool default_seen = false;
  for (const auto& [key, value] : network.filter_params) {
    if (key == "allow" || key == "deny") {
      VSB_ASSIGN_OR_RETURN(FilterRule rule, ParseFilterRule(key == "allow", value));
      spec.rules.push_back(std::move(rule));
    } else if (key == "default") {
      if (default_seen) return FailInvalid("filter.default is given twice (give it once)");
      default_seen = true;
      if (value != "allow" && value != "deny") {
        return FailInvalid("filter.default=" + Printable(value) + ": use allow or deny");
      }
      spec.default_allow = value == "allow";
    } else {
      return FailInvalid("unknown filter parameter " + Quote("filter." + key) +
                         " (use filter.allow, filter.deny or filter.default)");
    }
  }
  return std::optional<FilterSpec>(std::move(spec));
}

}  // namespace vsb::config
