// policy::CompileNetwork: names, MACs, resolved values, host identity and
// engine checks; the network in both engines' plans; resolv.conf and hosts.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "config/option_parsers.h"
#include "unit/network_test_support.h"
#include "policy/container_compile.h"
#include "policy/network_compile.h"

namespace vsb::policy {
namespace {


NetworkContext Ctx(uint32_t uid, EngineKind engine = EngineKind::kContainer) {
  NetworkContext ctx;
  ctx.engine = engine;
  ctx.sandbox_name = "web";
  ctx.hostname = "web.example";
  ctx.caller_uid = uid;
  return ctx;
}

TEST(NetworkCompile, ResolvesEveryValue) {
  auto plan = CompileNetwork(
      testing::ConfigWithNetworks({"bridge=br0,mac=02:AA:BB:CC:DD:EE,mtu=1400,address=192.0.2.10/24%192.0.2.255,"
                    "address=2001:DB8::10/64,route=default%192.0.2.1,route=2001:db8:1::/48%2001:db8::1,"
                    "dns=192.0.2.1",
                    "user,publish=8080:80,publish=5353:53/udp,dns=192.0.2.1,dns=2001:db8::53"}),
      Ctx(0));
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->interfaces.size(), 2u);
  const PlannedInterface& e0 = plan->interfaces[0];
  EXPECT_EQ(e0.name, "eth0");
  EXPECT_EQ(e0.mode, PlannedInterface::Mode::kBridge);
  EXPECT_EQ(e0.bridge, "br0");
  EXPECT_EQ(e0.mac, "02:aa:bb:cc:dd:ee");
  EXPECT_EQ(e0.mtu, 1400u);
  EXPECT_EQ(e0.addresses, (std::vector<PlannedAddress>{{"192.0.2.10", 24, "192.0.2.255", false},
                                                      {"2001:db8::10", 64, "", true}}));
  EXPECT_EQ(e0.routes, (std::vector<PlannedRoute>{{"0.0.0.0", 0, "192.0.2.1", false},
                                                 {"2001:db8:1::", 48, "2001:db8::1", true}}));
  const PlannedInterface& e1 = plan->interfaces[1];
  EXPECT_EQ(e1.name, "eth1");
  EXPECT_EQ(e1.mode, PlannedInterface::Mode::kUser);
  EXPECT_EQ(e1.publish, (std::vector<PlannedPublish>{{8080, 80, false}, {5353, 53, true}}));
  EXPECT_EQ(plan->dns, (std::vector<std::string>{"192.0.2.1", "2001:db8::53"})) << "in order, once each";
  EXPECT_EQ(plan->hostname, "web.example");
  EXPECT_EQ(plan->nft_ruleset, "");
}

TEST(NetworkCompile, HostNamesAndMacsAreShortUniqueAndLocal) {
  auto a = CompileNetwork(testing::ConfigWithNetworks({"user", "user"}), Ctx(0));
  NetworkContext other = Ctx(0);
  other.sandbox_name = "web2";
  auto b = CompileNetwork(testing::ConfigWithNetworks({"user"}), other);
  ASSERT_TRUE(a && b);
  const auto& i0 = a->interfaces[0];
  const auto& i1 = a->interfaces[1];
  for (const PlannedInterface* i : {&i0, &i1, static_cast<const PlannedInterface*>(&b->interfaces[0])}) {
    EXPECT_LE(i->host_name.size(), 15u) << i->host_name;
    EXPECT_EQ(i->host_name.rfind("vsb", 0), 0u) << i->host_name;
    ASSERT_EQ(i->mac.size(), 17u);
    EXPECT_EQ(i->mac.substr(0, 3), "02:") << "locally administered unicast";
  }
  EXPECT_NE(i0.host_name, i1.host_name);
  EXPECT_NE(i0.host_name, b->interfaces[0].host_name);
  EXPECT_NE(i0.mac, i1.mac);
  EXPECT_NE(i0.mac, b->interfaces[0].mac);
  // Stable: the same sandbox name gives the same names (golden plans).
  EXPECT_EQ(HostInterfaceName("web", 0), i0.host_name);
  EXPECT_EQ(GeneratedMac("web", 1), i1.mac);
}

TEST(NetworkCompile, BridgeNeedsRoot) {
  auto plan = CompileNetwork(testing::ConfigWithNetworks({"user", "bridge=br0"}), Ctx(1000));
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message().rfind("-N eth1: bridge=br0 needs root", 0), 0u) << plan.error().message();
  EXPECT_TRUE(CompileNetwork(testing::ConfigWithNetworks({"user,publish=8080:80"}), Ctx(1000)));
}

TEST(NetworkCompile, VmTakesFiltersUserAndBridge) {
  // The guest init applies the same ruleset inside the guest (VM plans).
  auto plan = CompileNetwork(testing::ConfigWithNetworks({"user,filter=deny-all"}), Ctx(0, EngineKind::kVm));
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_FALSE(plan->nft_ruleset.empty());
  EXPECT_TRUE(CompileNetwork(testing::ConfigWithNetworks({"user", "bridge=br0,dhcp"}), Ctx(0, EngineKind::kVm)));
}

TEST(NetworkCompile, LibraryCallersCannotSkipChecks) {
  SandboxConfig c;
  c.command = {"true"};
  Network n;
  n.dhcp = true;
  n.addresses = {"192.0.2.1/24"};
  c.networks = {n};
  auto plan = CompileNetwork(c, Ctx(0));
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message().find("dhcp and address="), std::string::npos);
  c.networks.assign(9, Network{});
  EXPECT_FALSE(CompileNetwork(c, Ctx(0)));
}

TEST(NetworkCompile, NoNetworksMeansLoopbackOnly) {
  auto plan = CompileNetwork(testing::ConfigWithNetworks({}), Ctx(0));
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->enabled());
}

TEST(NetworkCompile, ContainerPlanJsonShowsTheNetworkOnlyWhenThere) {
  host::HostFacts f;
  f.caller = {0, 0, {}, "root", "/root"};
  f.cwd = "/";
  SandboxConfig c = testing::ConfigWithNetworks({"user,publish=8080:80,filter=deny-all"});
  c.name = "web";
  auto plan = CompileContainer(c, f);
  ASSERT_TRUE(plan) << plan.error().message();
  auto j = nlohmann::json::parse(ContainerPlanToJson(*plan));
  ASSERT_TRUE(j.contains("network"));
  EXPECT_EQ(j["network"]["interfaces"][0]["name"], "eth0");
  EXPECT_EQ(j["network"]["interfaces"][0]["publish"][0]["host_port"], 8080);
  EXPECT_NE(j["network"]["nft_ruleset"].get<std::string>().find("policy drop"), std::string::npos);
  c.networks.clear();
  plan = CompileContainer(c, f);
  ASSERT_TRUE(plan);
  EXPECT_FALSE(nlohmann::json::parse(ContainerPlanToJson(*plan)).contains("network"));
}

TEST(NetworkText, ResolvConfListsTheResolvers) {
  EXPECT_EQ(ResolvConfText({"192.0.2.1", "2001:db8::53"}),
            "# generated by virt-sandbox\nnameserver 192.0.2.1\nnameserver 2001:db8::53\n");
  EXPECT_EQ(ResolvConfText({}), "# generated by virt-sandbox\n# no resolvers configured (-N ...,dns=IP)\n");
}

TEST(NetworkText, HostsMapsLocalhostAndTheHostname) {
  EXPECT_EQ(HostsText("box"),
            "# generated by virt-sandbox\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
            "127.0.1.1\tbox\n");
  EXPECT_NE(HostsText("web.example").find("127.0.1.1\tweb.example web\n"), std::string::npos);
  EXPECT_EQ(HostsText("localhost").find("127.0.1.1"), std::string::npos);
}

}  // namespace
}  // namespace vsb::policy
