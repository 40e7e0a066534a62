// Network test harness: a small private network built from network
// namespaces, a bridge and veth pairs (iproute2), with servers only inside
// those namespaces. Nothing touches the host's own network: virt-sandbox runs
// inside a test namespace (`ip netns exec`), so the bridge, veth host ends and
// pasta's sockets all live there.
//
// Every name carries a per-process prefix; the destructor kills the servers
// and deletes the namespaces (which deletes their links).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "testing/test_env.h"

namespace vsb::testing {

// Non-empty reason when root or one of the tools is missing.
std::string MissingNetTools(const std::vector<std::string>& tools);

// /bin/sh -c `command`; fails the test (ADD_FAILURE) when it exits non-zero.
CliRun Sh(const std::string& command, bool must_succeed = true);

// Links whose name starts with "vsb" in the namespace `netns` ("" = host).
std::string VsbLinks(const std::string& netns);
// pids of running pasta processes, one per line.
std::string PastaProcesses();

class TestNetwork {
 public:
  TestNetwork();
  ~TestNetwork();
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  // A namespace named prefix+suffix with lo up; returns its name.
  std::string AddNetns(const std::string& suffix);
  // A veth pair between two namespaces with addresses (CIDR) on each end.
  void Link(const std::string& ns_a, const std::string& addr_a, const std::string& ns_b,
            const std::string& addr_b);
  // A bridge in `ns` with address `cidr`; returns its name.
  std::string AddBridge(const std::string& ns, const std::string& cidr);
  // dnsmasq serving DHCP on `bridge` in `ns` (range like "10.78.0.50,10.78.0.60").
  void StartDhcp(const std::string& ns, const std::string& bridge, const std::string& range,
                 const std::string& dns_option);
  // A TCP server in `ns` (empty: the caller's) on ip:port that writes
  // `banner` to every client and closes. Returns once it listens.
  void StartTcpServer(const std::string& ns, const std::string& ip, int port, const std::string& banner);

  // argv prefix running a command inside `ns`.
  std::vector<std::string> In(const std::string& ns) const { return {"ip", "netns", "exec", ns}; }
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
  std::vector<std::string> netns_;
  std::vector<pid_t> servers_;
  int links_ = 0;
};

// Runs virt-sandbox (CliCommand() + args) inside `ns`.
CliRun RunCliIn(const std::string& ns, const std::vector<std::string>& args, int timeout_s = 60);
// Starts it in the background instead (output discarded); returns its pid,
// which is the launcher's (ip netns exec execs it).
pid_t SpawnCliIn(const std::string& ns, const std::vector<std::string>& args);

// A client namespace with a default route, over a veth pair, to a server
// namespace (user mode needs a routable interface).
struct RoutedPair {
  std::string client, server;
  RoutedPair(TestNetwork& net, const std::string& subnet);  // subnet "10.77.0": .2 client, .1 server
};

// Polls (bounded, ~10 s) until `probe()` returns "", as the kernel deletes a
// dead namespace's veth pairs asynchronously; returns the last value.
std::string WaitUntilEmpty(std::string (*probe)(const std::string&), const std::string& arg);

}  // namespace vsb::testing
