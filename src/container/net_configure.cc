// The network helper: a fork of the launcher that enters the sandbox's user
// and network namespaces and configures them. For a root caller it runs the
// DHCP client; entering the sandbox's user namespace first leaves it no
// capability over the host while it parses untrusted replies.
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "container/net_setup.h"
#include "net/dhcp_client.h"
#include "net/netlink.h"
#include "net/nft.h"

namespace vsb::container {
namespace {

using policy::PlannedInterface;

constexpr int kPastaWaitMs = 5000;
constexpr int kHelperTimeoutMs = 30000;

net::IpAddress ToNet(const policy::PlannedAddress& a) { return {a.ip, a.prefix, a.broadcast}; }

net::IpRoute ToNet(const policy::PlannedRoute& r) {
  bool is_default = r.prefix == 0 && (r.destination.empty() || r.destination == "0.0.0.0" || r.destination == "::");
  return {is_default ? "" : r.destination, r.prefix, r.gateway, r.v6};
}

Result<net::Mac> InterfaceMac(const std::string& ifname) {
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  ifreq req{};
  strncpy(req.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
  if (!fd || ioctl(fd.get(), SIOCGIFHWADDR, &req) < 0) return FailErrno(errno, "read MAC of " + ifname);
  net::Mac mac;
  memcpy(mac.data(), req.ifr_hwaddr.sa_data, mac.size());
  return mac;
}

// pasta configures its interface asynchronously: wait until it has an IPv4
// address so the command never races it.
Status WaitForPasta(net::Netlink& nl, const std::string& ifname, const std::vector<int>& pasta_pidfds) {
  std::vector<pollfd> exited;
  for (int fd : pasta_pidfds) exited.push_back({fd, POLLIN, 0});
  for (int waited = 0; waited < kPastaWaitMs; waited += 10) {
    VSB_ASSIGN_OR_RETURN(bool ready, nl.HasIpv4Address(ifname));
    if (ready) return {};
    if (poll(exited.data(), exited.size(), 10) > 0)
      return FailInvalid("user networking: pasta exited before configuring " + ifname);
  }
  return FailErrno(ETIMEDOUT, "user networking: pasta did not configure " + ifname + " within 5 s");
}

Status ConfigureBridged(net::Netlink& nl, const PlannedInterface& iface, std::vector<std::string>& dns) {
  if (!iface.mac.empty()) VSB_TRY(nl.SetMac(iface.name, iface.mac));
  if (iface.mtu) VSB_TRY(nl.SetMtu(iface.name, iface.mtu));
  VSB_TRY(nl.SetUp(iface.name));
  for (const auto& a : iface.addresses) VSB_TRY(nl.AddAddress(iface.name, ToNet(a)));
  if (iface.dhcp) {
    VSB_ASSIGN_OR_RETURN(net::Mac mac, InterfaceMac(iface.name));
    VSB_ASSIGN_OR_RETURN(net::DhcpReply lease, net::RunDhcp(iface.name, mac));
    if (lease.mtu && !iface.mtu) VSB_TRY(nl.SetMtu(iface.name, lease.mtu));
    VSB_TRY(nl.AddAddress(iface.name, {net::Ipv4Text(lease.address), lease.prefix, ""}));
    if (lease.has_router) VSB_TRY(nl.AddRoute(iface.name, {"", 0, net::Ipv4Text(lease.router), false}));
    for (const net::Ipv4& ip : lease.dns) dns.push_back(net::Ipv4Text(ip));
  }
  for (const auto& r : iface.routes) VSB_TRY(nl.AddRoute(iface.name, ToNet(r)));
  return {};
}

}  // namespace

Result<std::vector<std::string>> ConfigureNetworkInside(const policy::NetworkPlan& net,
                                                        const std::vector<int>& pasta_pidfds) {
  VSB_ASSIGN_OR_RETURN(net::Netlink nl, net::Netlink::Open());
  VSB_TRY(nl.SetUp("lo"));
  std::vector<std::string> dns;
  for (const PlannedInterface& iface : net.interfaces) {
    if (iface.mode == PlannedInterface::Mode::kUser) {
      VSB_TRY(WaitForPasta(nl, iface.name, pasta_pidfds));
      for (const auto& r : iface.routes)  // pasta sets the default route itself
        if (r.prefix != 0) VSB_TRY(nl.AddRoute(iface.name, ToNet(r)));
    } else {
      VSB_TRY(ConfigureBridged(nl, iface, dns));
    }
  }
  if (!net.nft_ruleset.empty()) VSB_TRY(net::ApplyNftRuleset(net.nft_ruleset));
  return dns;
}

Result<std::vector<std::string>> RunNetworkHelper(const policy::NetworkPlan& net, int pidfd,
                                                  const std::vector<int>& pasta_pidfds) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return FailErrno(errno, "network helper: pipe");
  UniqueFd rd(fds[0]), wr(fds[1]);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return FailErrno(errno, "fork network helper");
  if (pid == 0) {
    // Never returns into the launcher's stack (its destructors would kill the sandbox).
    std::string out;
    try {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(1);
      rd.reset();
      if (setns(pidfd, CLONE_NEWUSER | CLONE_NEWNET) < 0) {
        out = "E" + Error::FromErrno(errno, "network helper: enter the sandbox's namespaces").message();
      } else if (auto dns = ConfigureNetworkInside(net, pasta_pidfds); !dns) {
        out = "E" + dns.error().message();
      } else {
        out = "O";
        for (const std::string& d : *dns) out += d + "\n";
      }
    } catch (...) {
      out = "Enetwork helper: out of memory";
    }
    ssize_t ignored = write(wr.get(), out.data(), out.size());
    (void)ignored;
    _exit(out[0] == 'O' ? 0 : 1);
  }
  wr.reset();
  std::string text;
  char buf[1024];
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  bool timed_out = false;
  for (;;) {
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long left = kHelperTimeoutMs - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{rd.get(), POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) continue;
    ssize_t n = read(rd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (text.size() < 65536) text.append(buf, static_cast<size_t>(n));
  }
  if (timed_out) kill(pid, SIGKILL);
  while (waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  if (timed_out) return FailErrno(ETIMEDOUT, "configure the sandbox's network");
  if (text.empty()) return FailInvalid("configure the sandbox's network: the helper died");
  if (text[0] != 'O') return FailInvalid(text.substr(1));
  std::vector<std::string> dns;
  size_t pos = 1;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) break;
    dns.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return dns;
}

}  // namespace vsb::container
