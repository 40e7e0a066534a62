// Container sandbox networking (-N), end to end on a private test network.
// Each test builds its own namespaces (TestNetwork), runs virt-sandbox inside
// one of them and checks what the command sees, then that nothing of the
// sandbox's network is left: no vsb* link, no pasta process.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "network/net_harness_support.h"

namespace vsb::testing {
namespace {

std::string TestBinary() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, static_cast<size_t>(n)) : "";
}

std::string NoPasta(const std::string&) { return PastaProcesses(); }

void ExpectNoLeftovers(const std::string& ns) {
  EXPECT_EQ(WaitUntilEmpty(VsbLinks, ns), "") << "veth host ends left in " << ns;
  EXPECT_EQ(VsbLinks(""), "") << "vsb links on the host";
  EXPECT_EQ(WaitUntilEmpty(NoPasta, ""), "") << "pasta still running";
}

// A namespace with bridge br0 (10.78.0.1/24), where bridged sandboxes plug in.
struct BridgedHost {
  std::string ns, bridge;
  BridgedHost(std::string n, std::string b) : ns(std::move(n)), bridge(std::move(b)) {}
  explicit BridgedHost(TestNetwork& net) {
    ns = net.AddNetns("b");
    bridge = net.AddBridge(ns, "10.78.0.1/24");
  }
};

TEST(ContainerNetwork, DefaultHasOnlyLoopback) {
  VSB_REQUIRE(MissingNetTools({"ip"}));
  CliRun r = RunCli({"--", "/usr/sbin/ip", "-o", "link", "show"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find(": lo:"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("eth0"), std::string::npos) << r.out;
  int lines = 0;
  for (char c : r.out) lines += c == '\n';
  EXPECT_EQ(lines, 1) << r.out;
}

TEST(ContainerNetwork, UserModeReachesServerThroughPasta) {
  VSB_REQUIRE(MissingNetTools({"ip", "pasta"}));
  TestNetwork net;
  RoutedPair pair(net, "10.77.0");
  net.StartTcpServer(pair.server, "10.77.0.1", 8080, "hello-user");
  CliRun r = RunCliIn(pair.client, {"-N", "user", "--", "/bin/bash", "-c",
                                    "/usr/sbin/ip -o -4 addr show eth0; timeout 10 cat </dev/tcp/10.77.0.1/8080"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("eth0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hello-user"), std::string::npos) << r.out;
  ExpectNoLeftovers(pair.client);
}

TEST(ContainerNetwork, UserModeDoesNotReachLauncherLoopback) {
  VSB_REQUIRE(MissingNetTools({"ip", "pasta"}));
  TestNetwork net;
  RoutedPair pair(net, "10.77.0");
  // A service bound to the launcher namespace's loopback only: pasta's
  // defaults (-T auto, gateway mapping) would forward the sandbox to it.
  net.StartTcpServer(pair.client, "127.0.0.1", 8090, "host-loopback");
  CliRun r = RunCliIn(pair.client, {"-N", "user", "--", "/bin/bash", "-c",
                                    "timeout 3 cat </dev/tcp/127.0.0.1/8090; "
                                    "timeout 3 cat </dev/tcp/10.77.0.2/8090; echo done"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find("host-loopback"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("done"), std::string::npos) << r.out;
  ExpectNoLeftovers(pair.client);
}

TEST(ContainerNetwork, BridgeWithDhcpConfiguresAddressAndResolver) {
  VSB_REQUIRE(MissingNetTools({"ip", "dnsmasq"}));
  TestNetwork net;
  BridgedHost host(net);
  net.StartDhcp(host.ns, host.bridge, "10.78.0.50,10.78.0.60", "10.78.0.53");
  net.StartTcpServer(host.ns, "10.78.0.1", 8081, "hello-bridge");
  std::string resolv_before = ReadText("/etc/resolv.conf");
  CliRun r = RunCliIn(host.ns, {"-N", "bridge=" + host.bridge + ",dhcp", "--", "/bin/bash", "-c",
                                "/usr/sbin/ip -o -4 addr show eth0; /usr/sbin/ip route; cat /etc/resolv.conf; "
                                "timeout 10 cat </dev/tcp/10.78.0.1/8081"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("inet 10.78.0.5"), std::string::npos) << r.out;  // .50 - .59
  EXPECT_NE(r.out.find("default via 10.78.0.1 dev eth0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nameserver 10.78.0.53"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hello-bridge"), std::string::npos) << r.out;
  EXPECT_EQ(ReadText("/etc/resolv.conf"), resolv_before);
  ExpectNoLeftovers(host.ns);
}

TEST(ContainerNetwork, BridgeWithStaticAddressRouteAndDns) {
  VSB_REQUIRE(MissingNetTools({"ip"}));
  TestNetwork net;
  BridgedHost host(net);
  std::string far = net.AddNetns("f");
  net.Link(host.ns, "10.79.0.1/24", far, "10.79.0.2/24");
  Sh("ip -n " + far + " route add 10.78.0.0/24 via 10.79.0.1");
  Sh("ip netns exec " + host.ns + " sysctl -qw net.ipv4.ip_forward=1");
  net.StartTcpServer(far, "10.79.0.2", 8083, "hello-routed");
  CliRun r = RunCliIn(host.ns, {"-N", "bridge=" + host.bridge +
                                          ",address=10.78.0.9/24,route=10.79.0.0/24%10.78.0.1,dns=10.78.0.53,"
                                          "mtu=1400,mac=02:00:00:00:00:09",
                                "--", "/bin/bash", "-c",
                                "/usr/sbin/ip -o link show eth0; /usr/sbin/ip -o -4 addr show eth0; /usr/sbin/ip route; "
                                "cat /etc/resolv.conf /etc/hosts; timeout 10 cat </dev/tcp/10.79.0.2/8083"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("inet 10.78.0.9/24"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("mtu 1400"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("02:00:00:00:00:09"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("10.79.0.0/24 via 10.78.0.1 dev eth0"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("nameserver 10.78.0.53"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("localhost"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("hello-routed"), std::string::npos) << r.out;
  ExpectNoLeftovers(host.ns);
}

TEST(ContainerNetwork, FilterAllowsOnePortAndBlocksAnother) {
  VSB_REQUIRE(MissingNetTools({"ip", "nft"}));
  TestNetwork net;
  BridgedHost host(net);
  net.StartTcpServer(host.ns, "10.78.0.1", 8081, "allowed");
  net.StartTcpServer(host.ns, "10.78.0.1", 8082, "blocked");
  CliRun r = RunCliIn(host.ns, {"-N", "bridge=" + host.bridge +
                                          ",address=10.78.0.9/24,filter=deny-all,filter.allow=out:tcp:10.78.0.1:8081",
                                "--", "/bin/bash", "-c",
                                "timeout 10 cat </dev/tcp/10.78.0.1/8081; echo rc1=$?; "
                                "timeout 3 bash -c 'cat </dev/tcp/10.78.0.1/8082'; echo rc2=$?"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("allowed\nrc1=0"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("blocked"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("rc2=0"), std::string::npos) << r.out;
  ExpectNoLeftovers(host.ns);
}

TEST(ContainerNetwork, PublishReachesServerInsideSandbox) {
  VSB_REQUIRE(MissingNetTools({"ip", "pasta"}));
  TestNetwork net;
  RoutedPair pair(net, "10.77.0");
  std::string binary = TestBinary();
  ASSERT_FALSE(binary.empty());
  CliRun sandbox;
  // The test binary serves one client on 8080 inside the sandbox, then exits.
  std::thread launcher([&] {
    sandbox = RunCliIn(pair.client, {"-N", "user,publish=18080:8080", "-e", "VSB_NET_TEST_SERVE=8080:hello-published",
                                     "--timeout", "30", "--", binary});
  });
  std::string got;
  for (int i = 0; i < 100 && got.find("hello-published") == std::string::npos; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    got = Sh("ip netns exec " + pair.client + " timeout 2 bash -c 'cat </dev/tcp/127.0.0.1/18080' 2>/dev/null || true")
              .out;
  }
  launcher.join();
  EXPECT_NE(got.find("hello-published"), std::string::npos);
  EXPECT_EQ(sandbox.status, 0) << sandbox.err;
  ExpectNoLeftovers(pair.client);
}

// SIGKILL of the launcher: pasta (PDEATHSIG), the veth pair (dies with the
// sandbox's netns) and the run directory (janitor) all go.
TEST(ContainerNetwork, NothingLeftAfterLauncherSigkill) {
  VSB_REQUIRE(MissingNetTools({"ip", "pasta"}));
  TestNetwork net;
  RoutedPair pair(net, "10.77.0");  // pasta needs a routable interface
  BridgedHost host{pair.client, net.AddBridge(pair.client, "10.78.0.1/24")};
  std::string run_dirs_before = Sh("ls /tmp | grep -- '-net-' || true").out;
  pid_t pid = SpawnCliIn(host.ns, {"-N", "user", "-N", "bridge=br0,address=10.78.0.9/24", "--", "sleep", "60"});
  ASSERT_GT(pid, 0);
  bool up = false;
  for (int i = 0; i < 100 && !up; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    up = !VsbLinks(host.ns).empty() && !PastaProcesses().empty();
  }
  EXPECT_TRUE(up) << "the sandbox's network never came up";
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  ExpectNoLeftovers(host.ns);
  std::string run_dirs;
  for (int i = 0; i < 100; ++i) {
    run_dirs = Sh("ls /tmp | grep -- '-net-' || true").out;
    if (run_dirs == run_dirs_before) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(run_dirs, run_dirs_before);
}

TEST(ContainerNetwork, MissingBridgeIsAClearSetupError) {
  VSB_REQUIRE(MissingNetTools({"ip"}));
  TestNetwork net;
  std::string ns = net.AddNetns("n");
  CliRun r = RunCliIn(ns, {"-N", "bridge=nosuchbr0", "--", "true"});
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("nosuchbr0"), std::string::npos) << r.err;
  ExpectNoLeftovers(ns);
}

// The private resolv.conf is bound over the root's file; a symlink there
// would redirect the bind, so the run is refused before anything starts.
TEST(ContainerNetwork, SymlinkedResolvConfIsRefused) {
  VSB_REQUIRE(MissingNetTools({"ip"}));
  char dir[] = "/tmp/vsb-net-root-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string root = dir;
  Sh("mkdir " + root + "/etc && ln -s /run/systemd/resolve/stub-resolv.conf " + root + "/etc/resolv.conf");
  CliRun r = RunCli({"-r", root, "-N", "user", "--", "/bin/true"});
  Sh("rm -rf " + root);
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("/etc/resolv.conf"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("symlink"), std::string::npos) << r.err;
  EXPECT_EQ(PastaProcesses(), "");
}

}  // namespace
}  // namespace vsb::testing
