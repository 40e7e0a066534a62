// The network filter compiled to nftables: golden text for each preset and
// for rules (VSB_UPDATE_GOLDEN=1 rewrites the files), and, as root with nft
// installed, `nft -c -f -` must accept every ruleset.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "config/option_parsers.h"
#include "unit/network_test_support.h"
#include "policy/network_compile.h"
#include "testing/test_env.h"

namespace vsb::policy {
namespace {

NetworkContext Context() {
  NetworkContext ctx;
  ctx.sandbox_name = "web";
  ctx.hostname = "web";
  ctx.caller_uid = 0;
  return ctx;
}

// The plan for these -N specs, compiled for the container engine as root.
NetworkPlan Plan(const std::vector<std::string>& specs) {
  auto plan = CompileNetwork(testing::ConfigWithNetworks(specs), Context());
  EXPECT_TRUE(plan) << plan.error().message();
  return plan ? *plan : NetworkPlan{};
}

using vsb::testing::Golden;

// The nft program, or empty when there is none.
std::string NftPath() {
  for (const char* p : {"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"}) {
    if (access(p, X_OK) == 0) return p;
  }
  return "";
}

// Empty when `nft -c` can check rulesets here, else why not.
std::string MissingNft() {
  if (geteuid() != 0) return "nft -c needs root (netlink)";
  if (NftPath().empty()) return "nft is not installed (apt-get install nftables)";
  return "";
}

void ExpectNftAccepts(const std::string& ruleset) {
  testing::CliRun run = testing::RunProgram({NftPath(), "-c", "-f", "-"}, ruleset);
  EXPECT_EQ(run.status, 0) << run.err << "\n" << ruleset;
}

struct Case {
  std::string golden;
  std::vector<std::string> specs;
};

const Case kCases[] = {
    {"nft_allow_all.nft", {"user,filter=allow-all"}},
    {"nft_deny_all.nft", {"user,filter=deny-all"}},
    {"nft_allow_dns.nft", {"user,dns=192.0.2.53,dns=2001:db8::53,filter=allow-dns"}},
    {"nft_allow_dns_any.nft", {"user,filter=allow-dns"}},
    {"nft_rules.nft",
     {"user,publish=8080:80,publish=5353:53/udp,filter=deny-all,"
      "filter.allow=out:tcp:192.0.2.1/32:80,filter.allow=out:tcp:[2001:db8::]/32:1000-2000,"
      "filter.deny=out:any:198.51.100.0/24:any,filter.allow=out:any:any:any,"
      "filter.allow=in:icmp:any:any,filter.deny=in:udp:any:53",
      "bridge=br0,dhcp"}},
    {"nft_mixed_defaults.nft",
     {"bridge=br0,dhcp,filter=allow-all,filter.deny=out:tcp:any:25",
      "bridge=br1,address=192.0.2.10/24,filter=deny-all,filter.allow=out:icmp:192.0.2.0/24:any"}},
};

TEST(NetworkFilter, RulesetsMatchGolden) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.golden);
    std::string ruleset = Plan(c.specs).nft_ruleset;
    ASSERT_FALSE(ruleset.empty());
    EXPECT_EQ(ruleset, Golden(c.golden, ruleset));
  }
}

TEST(NetworkFilter, NftAcceptsEveryRuleset) {
  if (std::string why = MissingNft(); !why.empty()) GTEST_SKIP() << why;
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.golden);
    ExpectNftAccepts(Plan(c.specs).nft_ruleset);
  }
}

TEST(NetworkFilter, NoFilterNoRuleset) {
  EXPECT_EQ(Plan({"user", "bridge=br0,dhcp"}).nft_ruleset, "");
}

TEST(NetworkFilter, DenyDefaultDropsUnlistedTrafficAndKeepsTheBasics) {
  std::string r = Plan({"user,filter=deny-all"}).nft_ruleset;
  EXPECT_NE(r.find("type filter hook input priority filter; policy drop;"), std::string::npos);
  EXPECT_NE(r.find("type filter hook output priority filter; policy drop;"), std::string::npos);
  EXPECT_NE(r.find("ct state established,related accept"), std::string::npos);
  EXPECT_NE(r.find("iifname \"lo\" accept"), std::string::npos);
  EXPECT_NE(r.find("oifname \"lo\" accept"), std::string::npos);
  // Idempotent: the table is created, deleted and defined in one batch.
  EXPECT_EQ(r.find("table inet virt_sandbox\ndelete table inet virt_sandbox\n"), r.find("table inet"));
}

TEST(NetworkFilter, UnfilteredInterfaceStaysOpenBesideADenyingOne) {
  std::string r = Plan({"user,filter=deny-all", "bridge=br0"}).nft_ruleset;
  EXPECT_NE(r.find("iifname \"eth1\" accept"), std::string::npos) << r;
  EXPECT_NE(r.find("oifname \"eth1\" accept"), std::string::npos) << r;
  EXPECT_EQ(r.find("\"eth0\" accept\n"), std::string::npos) << r;
}

TEST(NetworkFilter, UserRulesComeBeforeThePresetAllowances) {
  std::string r = Plan({"user,dns=192.0.2.53,filter=allow-dns,filter.deny=out:udp:any:53"}).nft_ruleset;
  size_t deny = r.find("oifname \"eth0\" udp dport 53 drop");
  size_t dns = r.find("oifname \"eth0\" ip daddr 192.0.2.53 meta l4proto { tcp, udp } th dport 53 accept");
  ASSERT_NE(deny, std::string::npos) << r;
  ASSERT_NE(dns, std::string::npos) << r;
  EXPECT_LT(deny, dns);
}

}  // namespace
}  // namespace vsb::policy
