#include "policy/network_filter.h"

#include <string>

namespace vsb::policy {
namespace {

using config::FilterProto;
using config::FilterRule;
using config::FilterSpec;
using config::IpPrefix;

constexpr std::string_view kHeader =
    "# virt-sandbox network filter (generated): apply with `nft -f -` inside the\n"
    "# sandbox's network namespace. Re-applying replaces the table.\n"
    "table inet virt_sandbox\n"
    "delete table inet virt_sandbox\n"
    "table inet virt_sandbox {\n";

std::string Address(const IpPrefix& a) {
  bool host = a.prefix == (a.v6 ? 128 : 32);
  return host ? a.ip : a.ip + "/" + std::to_string(a.prefix);
}

std::string Ports(uint16_t low, uint16_t high) {
  return low == high ? std::to_string(low) : std::to_string(low) + "-" + std::to_string(high);
}

// The match part of one rule, after the interface match.
std::string RuleMatch(const FilterRule& r) {
  std::string m;
  if (r.address) m += std::string(r.address->v6 ? " ip6 " : " ip ") + (r.inbound ? "saddr " : "daddr ") + Address(*r.address);
  switch (r.proto) {
    case FilterProto::kTcp:
    case FilterProto::kUdp: {
      const char* p = r.proto == FilterProto::kTcp ? "tcp" : "udp";
      m += r.port_low ? std::string(" ") + p + " dport " + Ports(r.port_low, r.port_high)
                      : std::string(" meta l4proto ") + p;
      break;
    }
    case FilterProto::kIcmp:
      m += !r.address ? " meta l4proto { icmp, ipv6-icmp }"
                      : r.address->v6 ? " meta l4proto ipv6-icmp" : " meta l4proto icmp";
      break;
    case FilterProto::kAny:
      break;
  }
  return m;
}

class ChainWriter {
 public:
  ChainWriter(bool inbound, bool policy_drop) : inbound_(inbound), policy_drop_(policy_drop) {
    out_ = std::string("\tchain ") + (inbound ? "input" : "output") + " {\n\t\ttype filter hook " +
           (inbound ? "input" : "output") + " priority filter; policy " + (policy_drop ? "drop" : "accept") +
           ";\n\t\tct state established,related accept\n\t\tct state invalid drop\n\t\t" +
           (inbound ? "iifname" : "oifname") + " \"lo\" accept\n";
  }

  void Interface(const InterfaceFilter& f, const std::vector<std::string>& resolvers) {
    if (!f.spec) {
      if (policy_drop_) Line(f.name, "", "accept", "no filter");
      return;
    }
    const FilterSpec& s = *f.spec;
    Comment(f.name + ": filter=" + std::string(config::FilterPresetName(s.preset)) + ", default " +
            (s.default_allow ? "allow" : "deny"));
    if (!s.default_allow) {
      Line(f.name,
           inbound_ ? " icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert, nd-redirect }"
                    : " icmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit }",
           "accept");
      if (f.dhcp) Line(f.name, inbound_ ? " udp sport 67 udp dport 68" : " udp sport 68 udp dport 67", "accept");
    }
    for (const FilterRule& r : s.rules) {
      if (r.inbound == inbound_) Line(f.name, RuleMatch(r), r.allow ? "accept" : "drop");
    }
    if (!s.default_allow && s.preset == config::FilterPreset::kAllowDns && !inbound_) {
      if (resolvers.empty()) {
        Line(f.name, " meta l4proto { tcp, udp } th dport 53", "accept");
      }
      for (const std::string& r : resolvers) {
        bool v6 = r.find(':') != std::string::npos;
        Line(f.name, std::string(v6 ? " ip6" : " ip") + " daddr " + r + " meta l4proto { tcp, udp } th dport 53",
             "accept");
      }
    }
    if (!s.default_allow && inbound_) {
      for (const PlannedPublish& p : f.publish) {
        Line(f.name, std::string(p.udp ? " udp" : " tcp") + " dport " + std::to_string(p.sandbox_port), "accept");
      }
    }
    if (s.default_allow == policy_drop_) Line(f.name, "", s.default_allow ? "accept" : "drop");
  }

  std::string Finish() { return out_ + "\t}\n"; }

 private:
  void Comment(const std::string& text) { out_ += "\t\t# " + text + "\n"; }
  void Line(const std::string& name, const std::string& match, const char* verdict,
            const char* comment = nullptr) {
    if (comment) Comment(name + ": " + comment);
    out_ += std::string("\t\t") + (inbound_ ? "iifname" : "oifname") + " \"" + name + "\"" + match + " " +
            verdict + "\n";
  }

  bool inbound_;
  bool policy_drop_;
  std::string out_;
};

}  // namespace

std::string NftRuleset(const std::vector<InterfaceFilter>& interfaces,
                       const std::vector<std::string>& resolvers) {
  bool any_filter = false, policy_drop = false;
  for (const InterfaceFilter& f : interfaces) {
    any_filter = any_filter || f.spec.has_value();
    policy_drop = policy_drop || (f.spec && !f.spec->default_allow);
  }
  if (!any_filter) return "";
  std::string out(kHeader);
  for (bool inbound : {true, false}) {
    ChainWriter chain(inbound, policy_drop);
    for (const InterfaceFilter& f : interfaces) chain.Interface(f, resolvers);
    out += chain.Finish();
  }
  return out + "}\n";
}

}  // namespace vsb::policy
