#include "network/net_harness_support.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <thread>

#include <gtest/gtest.h>

namespace vsb::testing {
namespace {

// Serves `fd` forever: every client gets `banner`, then EOF.
[[noreturn]] void Serve(int fd, const std::string& banner) {
  for (;;) {
    int c = accept(fd, nullptr, nullptr);
    if (c < 0) continue;
    ssize_t ignored = write(c, banner.data(), banner.size());
    (void)ignored;
    close(c);
  }
}

int Listen(const std::string& ip, int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0 || listen(fd, 16) < 0) return -1;
  return fd;
}

// Inside a sandbox the test binary doubles as a server: with
// VSB_NET_TEST_SERVE=PORT:BANNER it serves on 0.0.0.0:PORT and never runs
// the tests: it answers one client and exits.
struct ServeModeHook {
  ServeModeHook() {
    const char* spec = getenv("VSB_NET_TEST_SERVE");
    if (!spec) return;
    const char* colon = strchr(spec, ':');
    if (!colon) _exit(2);
    int fd = Listen("0.0.0.0", atoi(spec));
    if (fd < 0) _exit(3);
    int c = accept(fd, nullptr, nullptr);  // one client, then the sandbox ends
    std::string banner = std::string(colon + 1) + "\n";
    ssize_t ignored = write(c, banner.data(), banner.size());
    (void)ignored;
    _exit(c < 0 ? 4 : 0);
  }
} serve_mode_hook;

int counter = 0;

}  // namespace

std::string MissingNetTools(const std::vector<std::string>& tools) {
  if (std::string r = MissingRoot(); !r.empty()) return r;
  auto package = [](const std::string& t) -> std::string {
    if (t == "ip") return "iproute2";
    if (t == "pasta" || t == "passt") return "passt";
    if (t == "dnsmasq") return "dnsmasq-base";
    if (t == "nft") return "nftables";
    return t;
  };
  for (const std::string& t : tools) {
    bool found = false;
    for (const char* dir : {"/usr/sbin/", "/usr/bin/", "/sbin/", "/bin/"})
      found |= access((dir + t).c_str(), X_OK) == 0;
    if (!found) return t + " missing (Debian package " + package(t) + ")";
  }
  return "";
}

CliRun Sh(const std::string& command, bool must_succeed) {
  CliRun r = RunProgram({"/bin/sh", "-c", command}, "", 30);
  if (must_succeed && r.status != 0) ADD_FAILURE() << command << " -> " << r.status << ": " << r.err;
  return r;
}

std::string VsbLinks(const std::string& netns) {
  std::string ip = netns.empty() ? "ip" : "ip -n " + netns;
  return Sh(ip + " -o link show 2>/dev/null | awk -F': ' '{print $2}' | grep '^vsb' || true").out;
}

// pasta re-executes itself (comm "passt.avx2"): match the command line
// virt-sandbox gives it.
std::string PastaProcesses() { return Sh("pgrep -f '^pasta -f -q ' || true").out; }

std::string WaitUntilEmpty(std::string (*probe)(const std::string&), const std::string& arg) {
  std::string last;
  for (int i = 0; i < 100; ++i) {
    last = probe(arg);
    if (last.empty()) return last;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

TestNetwork::TestNetwork() : prefix_("vt" + std::to_string(getpid() % 100000) + "x" + std::to_string(counter++)) {}

TestNetwork::~TestNetwork() {
  for (pid_t pid : servers_) {
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
  }
  for (const std::string& ns : netns_) Sh("ip netns del " + ns, false);
}

std::string TestNetwork::AddNetns(const std::string& suffix) {
  std::string ns = prefix_ + suffix;
  Sh("ip netns add " + ns + " && ip -n " + ns + " link set lo up");
  netns_.push_back(ns);
  return ns;
}

void TestNetwork::Link(const std::string& ns_a, const std::string& addr_a, const std::string& ns_b,
                       const std::string& addr_b) {
  std::string a = "ve" + std::to_string(links_) + "a", b = "ve" + std::to_string(links_) + "b";
  ++links_;
  Sh("ip link add " + a + "-" + prefix_ + " netns " + ns_a + " type veth peer " + b + "-" + prefix_ +
     " netns " + ns_b);
  Sh("ip -n " + ns_a + " link set " + a + "-" + prefix_ + " name " + a + " up && ip -n " + ns_a +
     " addr add " + addr_a + " dev " + a);
  Sh("ip -n " + ns_b + " link set " + b + "-" + prefix_ + " name " + b + " up && ip -n " + ns_b +
     " addr add " + addr_b + " dev " + b);
}

std::string TestNetwork::AddBridge(const std::string& ns, const std::string& cidr) {
  Sh("ip -n " + ns + " link add br0 type bridge && ip -n " + ns + " addr add " + cidr +
     " dev br0 && ip -n " + ns + " link set br0 up");
  return "br0";
}

void TestNetwork::StartDhcp(const std::string& ns, const std::string& bridge, const std::string& range,
                            const std::string& dns_option) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int devnull = open("/dev/null", O_RDWR);
    dup2(devnull, 0);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::string leases = "/tmp/" + prefix_ + ".leases";
    execl("/usr/sbin/ip", "ip", "netns", "exec", ns.c_str(), "/usr/sbin/dnsmasq", "--no-daemon",
          "--conf-file=/dev/null", ("--interface=" + bridge).c_str(), "--bind-interfaces",
          "--except-interface=lo", "--port=0", "--no-ping", ("--dhcp-range=" + range + ",1h").c_str(),
          ("--dhcp-option=option:dns-server," + dns_option).c_str(), ("--dhcp-leasefile=" + leases).c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  servers_.push_back(pid);
  // dnsmasq binds at once; wait until its socket is on port 67.
  for (int i = 0; i < 50; ++i) {
    if (!Sh("ip netns exec " + ns + " ss -uln 'sport = :67' | grep -q 67", false).status) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ADD_FAILURE() << "dnsmasq did not start in " << ns;
}

void TestNetwork::StartTcpServer(const std::string& ns, const std::string& ip, int port,
                                 const std::string& banner) {
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    close(ready[0]);
    if (!ns.empty()) {
      int fd = open(("/run/netns/" + ns).c_str(), O_RDONLY);
      if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) _exit(1);
    }
    int fd = Listen(ip, port);
    if (fd < 0) _exit(1);
    char one = 1;
    ssize_t ignored = write(ready[1], &one, 1);
    (void)ignored;
    close(ready[1]);
    Serve(fd, banner + "\n");
  }
  servers_.push_back(pid);
  close(ready[1]);
  char byte = 0;
  ssize_t n = read(ready[0], &byte, 1);
  close(ready[0]);
  ASSERT_EQ(n, 1) << "TCP server on " << ip << ":" << port << " in " << ns << " did not start";
}

CliRun RunCliIn(const std::string& ns, const std::vector<std::string>& args, int timeout_s) {
  std::vector<std::string> argv = {"/usr/sbin/ip", "netns", "exec", ns};
  for (const std::string& a : CliCommand()) argv.push_back(a);
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, "", timeout_s);
}

pid_t SpawnCliIn(const std::string& ns, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/sbin/ip", "netns", "exec", ns};
  for (const std::string& a : CliCommand()) argv.push_back(a);
  argv.insert(argv.end(), args.begin(), args.end());
  pid_t pid = fork();
  if (pid == 0) {
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    std::vector<char*> cargv;
    for (std::string& a : argv) cargv.push_back(a.data());
    cargv.push_back(nullptr);
    execv(cargv[0], cargv.data());
    _exit(127);
  }
  return pid;
}

RoutedPair::RoutedPair(TestNetwork& net, const std::string& subnet) {
  client = net.AddNetns("c");
  server = net.AddNetns("s");
  net.Link(client, subnet + ".2/24", server, subnet + ".1/24");
  Sh("ip -n " + client + " route add default via " + subnet + ".1");
}

}  // namespace vsb::testing
