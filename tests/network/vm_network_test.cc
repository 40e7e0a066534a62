// VM sandbox networking (-c qemu:///session -N user): the guest's virtio-net
// NIC reaches a test server through passt, on the same private test network
// the container tests use. One boot under TCG (seconds): it checks the whole
// path (passt, QEMU's stream netdev, virtio_net in the initrd, the guest's
// DHCP and its private resolv.conf) and that passt is gone afterwards.
#include <gtest/gtest.h>
#include <chrono>
#include <thread>
#include <sys/wait.h>
#include <signal.h>
#include <unistd.h>

#include "network/net_harness_support.h"

namespace vsb::testing {
namespace {

std::string PasstProcesses(const std::string&) {
  return Sh("pgrep -x passt || true", false).out + Sh("pgrep -x passt.avx2 || true", false).out;
}

TEST(VmNetwork, UserModeReachesServerThroughPasst) {
  VSB_REQUIRE(MissingVm());
  VSB_REQUIRE(MissingNetTools({"ip", "passt"}));
  TestNetwork net;
  RoutedPair pair(net, "10.79.0");
  net.StartTcpServer(pair.server, "10.79.0.1", 8080, "hello-vm");
  CliRun r = RunCliIn(pair.client, {"-c", "qemu:///session", "-N", "user", "--", "/bin/bash", "-c",
                               "/usr/sbin/ip -o -4 addr show eth0 | grep -q 10.79.0.2 && echo addressed; "
                               "timeout 20 cat </dev/tcp/10.79.0.1/8080"},
                      180);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("addressed"), std::string::npos) << "passt's DHCP gives the guest the host's address\n"
                                                       << r.out;
  EXPECT_NE(r.out.find("hello-vm"), std::string::npos) << r.out;
  EXPECT_EQ(WaitUntilEmpty(PasstProcesses, ""), "") << "passt still running";
}

// filter= in a VM: the guest init applies the same nftables ruleset a
// container gets; one port is let through, another is blocked.
TEST(VmNetwork, FilterAllowsOnePortAndBlocksAnother) {
  VSB_REQUIRE(MissingVm());
  VSB_REQUIRE(MissingNetTools({"ip", "passt"}));
  TestNetwork net;
  RoutedPair pair(net, "10.80.0");
  net.StartTcpServer(pair.server, "10.80.0.1", 8080, "allowed-port");
  net.StartTcpServer(pair.server, "10.80.0.1", 8081, "blocked-port");
  CliRun r = RunCliIn(pair.client, {"-c", "qemu:///session", "-N",
                               "user,filter=deny-all,filter.allow=out:tcp:10.80.0.1/32:8080", "--",
                               "/bin/bash", "-c",
                               // timeout around the whole connect: bash opens /dev/tcp
                               // before it runs the command the redirection is for.
                               "timeout 10 bash -c 'cat </dev/tcp/10.80.0.1/8080'; "
                               "timeout 5 bash -c 'cat </dev/tcp/10.80.0.1/8081'; echo done"},
                      180);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("allowed-port"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(r.out.find("blocked-port"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out;
  EXPECT_EQ(WaitUntilEmpty(PasstProcesses, ""), "") << "passt still running";
}

// bridge= in a VM: a tap on the test bridge, a static address in the guest;
// the tap is gone afterwards.
TEST(VmNetwork, BridgeWithStaticAddressReachesTheBridge) {
  VSB_REQUIRE(MissingVm());
  VSB_REQUIRE(MissingNetTools({"ip"}));
  TestNetwork net;
  std::string ns = net.AddNetns("b");
  std::string bridge = net.AddBridge(ns, "10.81.0.1/24");
  net.StartTcpServer(ns, "10.81.0.1", 8080, "hello-bridge");
  CliRun r = RunCliIn(ns, {"-c", "qemu:///session", "-n", "vmbr" + std::to_string(getpid()), "-N",
                           "bridge=" + bridge + ",address=10.81.0.5/24", "--", "/bin/bash", "-c",
                           "/usr/sbin/ip -o -4 addr show eth0; timeout 20 bash -c 'cat </dev/tcp/10.81.0.1/8080'"},
                      180);
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("10.81.0.5/24"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hello-bridge"), std::string::npos) << r.out;
  EXPECT_EQ(WaitUntilEmpty(VsbLinks, ns), "") << "tap left on the bridge's host";
}

// SIGKILL of the launcher of a networked VM: QEMU and passt die with it
// (PDEATHSIG), and the tap goes with QEMU's last fd.
TEST(VmNetwork, NothingLeftAfterLauncherSigkill) {
  VSB_REQUIRE(MissingVm());
  VSB_REQUIRE(MissingNetTools({"ip", "passt"}));
  TestNetwork net;
  RoutedPair pair(net, "10.82.0");  // passt needs a routable interface
  const std::string& ns = pair.client;
  std::string bridge = net.AddBridge(ns, "10.83.0.1/24");
  const std::string qemu_before = Sh("pgrep -x qemu-system-x86 | sort || true", false).out;
  pid_t pid = SpawnCliIn(ns, {"-c", "qemu:///session", "-n", "vmkill" + std::to_string(getpid()), "-N", "user",
                              "-N", "bridge=" + bridge + ",address=10.83.0.9/24", "--", "sleep", "60"});
  ASSERT_GT(pid, 0);
  bool up = false;
  for (int i = 0; i < 300 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    up = !VsbLinks(ns).empty() && !PasstProcesses("").empty();
  }
  EXPECT_TRUE(up) << "the VM's network never came up";
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_EQ(WaitUntilEmpty(PasstProcesses, ""), "") << "passt still running";
  EXPECT_EQ(WaitUntilEmpty(VsbLinks, ns), "") << "tap left behind";
  EXPECT_EQ(WaitUntilEmpty([](const std::string&) { return Sh("pgrep -f 'vmkill[0-9]' || true", false).out; }, ""), "")
      << "the launcher still running";
  EXPECT_EQ(WaitUntilEmpty([](const std::string& before) {
              std::string now = Sh("pgrep -x qemu-system-x86 | sort || true", false).out;
              return now == before ? std::string() : now;
            }, qemu_before),
            "")
      << "QEMU still running";
}

}  // namespace
}  // namespace vsb::testing
