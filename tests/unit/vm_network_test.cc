// The VM side of -N, pure: what the guest is told (SETUP), the NIC QEMU gets,
// passt's command line, and what the VM engine refuses.
#include <gtest/gtest.h>

#include <algorithm>

#include "policy/vm_compile.h"
#include "policy/vm_network.h"
#include "proto/channel.h"
#include "vm/passt.h"
#include "vm/qemu_argv.h"

namespace vsb {
namespace {

host::KernelFacts Facts() {
  host::KernelFacts f;
  f.version = "6.1.0-test";
  f.kernel = {"/boot/vmlinuz-6.1.0-test", 8247232, 1764170000000000000};
  f.modules_dir = "/lib/modules/6.1.0-test";
  f.modules_dep =
      "kernel/net/netfilter/nf_tables.ko: kernel/net/netfilter/nfnetlink.ko\n"
      "kernel/net/netfilter/nfnetlink.ko:\n"
      "kernel/net/netfilter/nft_ct.ko: kernel/net/netfilter/nf_tables.ko kernel/net/netfilter/nf_conntrack.ko\n"
      "kernel/net/netfilter/nf_conntrack.ko:\n"
      "kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko\n"
      "kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko\n"
      "kernel/net/core/failover.ko:\n";
  f.kernel_config = "CONFIG_PVH=y\n";
  f.qemu = "/usr/bin/qemu-system-x86_64";
  f.init_binary = "/usr/libexec/virt-sandbox/virt-sandbox-init";
  f.cache_dir = "/var/cache/virt-sandbox";
  f.uid = 1000;
  f.gid = 1000;
  return f;
}

SandboxConfig WithNetwork(std::string spec_filter = "") {
  SandboxConfig c;
  c.uri = "qemu:///session";
  c.name = "vmnet";
  c.command = {"/bin/true"};
  Network n;
  n.mode = Network::Mode::kUser;
  n.publish = {"8080:80"};
  n.dns = {"192.0.2.53"};
  if (!spec_filter.empty()) n.filter = spec_filter;
  c.networks.push_back(n);
  return c;
}

TEST(VmNetwork, GuestIsToldItsNicAndLoadsVirtioNet) {
  auto plan = policy::CompileVm(WithNetwork(), Facts());
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_EQ(plan->setup.interfaces.size(), 1u);
  const proto::GuestInterface& g = plan->setup.interfaces[0];
  EXPECT_EQ(g.name, "eth0");
  EXPECT_EQ(g.mac, plan->network.interfaces[0].mac);
  EXPECT_TRUE(g.dhcp) << "user mode without address= asks passt's DHCP";
  EXPECT_EQ(plan->setup.dns, std::vector<std::string>{"192.0.2.53"});
  EXPECT_NE(plan->setup.hosts_file.find("localhost"), std::string::npos);
  auto has = [&](const std::string& m) {
    return std::any_of(plan->modules.begin(), plan->modules.end(),
                       [&](const std::string& x) { return x.find(m) != std::string::npos; });
  };
  EXPECT_TRUE(has("virtio_net.ko"));
  EXPECT_TRUE(has("failover.ko")) << "dependencies come from modules.dep";
  // Round trip through the channel, as the guest decodes it.
  auto decoded = proto::GuestSetup::Decode(plan->setup.Encode());
  ASSERT_TRUE(decoded);
  EXPECT_EQ(*decoded, plan->setup);
}

TEST(VmNetwork, NoNetworkMeansNoNicAndNoModule) {
  SandboxConfig c = WithNetwork();
  c.networks.clear();
  auto plan = policy::CompileVm(c, Facts());
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_TRUE(plan->setup.interfaces.empty());
  vm::QemuPaths paths;
  std::string all;
  for (const auto& a : vm::QemuArgv(*plan, paths)) all += a + "\n";
  EXPECT_EQ(all.find("-netdev"), std::string::npos) << "no -N, no NIC at all";
}

TEST(VmNetwork, QemuGetsAVirtioNicOnThePasstSocket) {
  auto plan = policy::CompileVm(WithNetwork(), Facts());
  ASSERT_TRUE(plan) << plan.error().message();
  vm::QemuPaths paths;
  paths.net_fds = {4};
  auto argv = vm::QemuArgv(*plan, paths);
  auto has = [&](const std::string& s) { return std::find(argv.begin(), argv.end(), s) != argv.end(); };
  EXPECT_TRUE(has("stream,id=net0,server=off,addr.type=fd,addr.str=4"));
  EXPECT_TRUE(has("virtio-net-device,netdev=net0,mac=" + plan->network.interfaces[0].mac));
}

TEST(VmNetwork, PasstNeverForwardsToHostLoopbackAndPublishesOnlyWhatIsAsked) {
  auto plan = policy::CompileVm(WithNetwork(), Facts());
  ASSERT_TRUE(plan) << plan.error().message();
  auto argv = vm::PasstArgv(plan->network.interfaces[0], 3);
  std::string all;
  for (const auto& a : argv) all += a + " ";
  EXPECT_NE(all.find("--no-map-gw"), std::string::npos) << all;
  EXPECT_NE(all.find("--tcp-ports 8080:80 "), std::string::npos) << all;
  EXPECT_NE(all.find("--udp-ports none "), std::string::npos) << all;
  EXPECT_NE(all.find("--fd 3 "), std::string::npos) << "no socket path another user could reach";
}

TEST(VmNetwork, BridgeGetsATapAndFiltersGoToTheGuest) {
  SandboxConfig bridged = WithNetwork();
  bridged.networks[0].mode = Network::Mode::kBridge;
  bridged.networks[0].bridge = "br0";
  bridged.networks[0].publish.clear();
  bridged.networks[0].addresses = {"192.0.2.10/24"};
  host::KernelFacts root = Facts();
  root.uid = root.gid = 0;
  auto b = policy::CompileVm(bridged, root);
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_FALSE(b->setup.interfaces[0].dhcp) << "a static address, no DHCP";
  vm::QemuPaths paths;
  paths.net_fds = {4};
  auto argv = vm::QemuArgv(*b, paths);
  EXPECT_NE(std::find(argv.begin(), argv.end(), "tap,id=net0,fd=4"), argv.end());
  EXPECT_FALSE(policy::CompileVm(bridged, Facts())) << "bridge= needs root";
  auto f = policy::CompileVm(WithNetwork("deny-all"), Facts());
  ASSERT_TRUE(f) << f.error().message();
  EXPECT_EQ(f->setup.nft_ruleset, f->network.nft_ruleset);
  EXPECT_NE(f->setup.nft_ruleset.find("table inet virt_sandbox"), std::string::npos);
  auto has = [&](const std::string& m) {
    return std::any_of(f->modules.begin(), f->modules.end(),
                       [&](const std::string& x) { return x.find(m) != std::string::npos; });
  };
  EXPECT_TRUE(has("nf_tables.ko") && has("nft_ct.ko") && has("nf_conntrack.ko")) << "the guest needs nf_tables";
}

TEST(VmNetwork, SetupDecoderBoundsInterfaces) {
  proto::GuestSetup s;
  for (int i = 0; i < 9; ++i) s.interfaces.push_back({"eth" + std::to_string(i), "02:00:00:00:00:0" + std::to_string(i)});
  EXPECT_FALSE(proto::GuestSetup::Decode(s.Encode())) << "more than 8 NICs";
  s.interfaces.resize(1);
  s.interfaces[0].mac = "bad";
  EXPECT_FALSE(proto::GuestSetup::Decode(s.Encode())) << "a MAC must be aa:bb:cc:dd:ee:ff";
}

}  // namespace
}  // namespace vsb
