#include "net/netlink.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cstring>

#include "net/netlink_message.h"

namespace vsb::net {
namespace {

// Parses an IPv4 or IPv6 address; returns its family or 0.
int ParseIp(const std::string& text, unsigned char out[16]) {
  if (inet_pton(AF_INET, text.c_str(), out) == 1) return AF_INET;
  if (inet_pton(AF_INET6, text.c_str(), out) == 1) return AF_INET6;
  return 0;
}

size_t AddrLen(int family) { return family == AF_INET ? 4 : 16; }

}  // namespace

bool ParseMac(const std::string& text, uint8_t out[6]) {
  if (text.size() != 17) return false;
  for (int i = 0; i < 6; ++i) {
    unsigned v = 0;
    for (int j = 0; j < 2; ++j) {
      char c = text[i * 3 + j];
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else return false;
    }
    if (i < 5 && text[i * 3 + 2] != ':') return false;
    out[i] = static_cast<uint8_t>(v);
  }
  return true;
}

Result<Netlink> Netlink::Open() {
  UniqueFd fd(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd) return FailErrno(errno, "open rtnetlink socket");
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) < 0)
    return FailErrno(errno, "bind rtnetlink socket");
  timeval tv{5, 0};  // the kernel answers at once; never hang on a lost reply
  setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  return Netlink(std::move(fd));
}

Result<int> Netlink::IfIndex(const std::string& ifname) const {
  if (ifname.empty() || ifname.size() >= IFNAMSIZ) return FailInvalid("bad interface name '" + ifname + "'");
  unsigned index = if_nametoindex(ifname.c_str());
  if (index == 0) return FailErrno(errno, "find interface " + ifname);
  return static_cast<int>(index);
}

Status Netlink::Transact(void* msg, size_t len, const std::string& what) {
  auto* hdr = static_cast<nlmsghdr*>(msg);
  hdr->nlmsg_seq = ++seq_;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd_.get(), msg, len, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    return FailErrno(errno, what);
  alignas(nlmsghdr) char buf[8192];
  for (;;) {
    ssize_t n = recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno(errno, what + " (netlink reply)");
    }
    int left = static_cast<int>(n);
    for (auto* r = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(r, left); r = NLMSG_NEXT(r, left)) {
      if (r->nlmsg_seq != hdr->nlmsg_seq || r->nlmsg_type != NLMSG_ERROR) continue;
      if (r->nlmsg_len < NLMSG_LENGTH(sizeof(nlmsgerr))) return FailErrno(EPROTO, what);
      auto* err = static_cast<nlmsgerr*>(NLMSG_DATA(r));
      if (err->error == 0) return {};
      return FailErrno(-err->error, what);
    }
  }
}

Status Netlink::SetUp(const std::string& ifname) {
  VSB_ASSIGN_OR_RETURN(int index, IfIndex(ifname));
  LinkMessage m(RTM_NEWLINK, 0, index);
  m.ifi()->ifi_flags = IFF_UP;
  m.ifi()->ifi_change = IFF_UP;
  return Transact(m.data(), m.size(), "bring up " + ifname);
}

Status Netlink::SetMtu(const std::string& ifname, uint32_t mtu) {
  VSB_ASSIGN_OR_RETURN(int index, IfIndex(ifname));
  LinkMessage m(RTM_NEWLINK, 0, index);
  m.Attr(IFLA_MTU, &mtu, sizeof mtu);
  std::string what = "set mtu " + std::to_string(mtu) + " on " + ifname;
  if (!m.ok()) return FailInvalid(what + ": netlink message too long");
  return Transact(m.data(), m.size(), what);
}

Status Netlink::SetMac(const std::string& ifname, const std::string& mac) {
  uint8_t bytes[6];
  if (!ParseMac(mac, bytes)) return FailInvalid("set mac on " + ifname + ": bad MAC '" + mac + "'");
  VSB_ASSIGN_OR_RETURN(int index, IfIndex(ifname));
  LinkMessage m(RTM_NEWLINK, 0, index);
  m.Attr(IFLA_ADDRESS, bytes, sizeof bytes);
  return Transact(m.data(), m.size(), "set mac " + mac + " on " + ifname);
}

Status Netlink::SetMaster(const std::string& ifname, const std::string& bridge) {
  VSB_ASSIGN_OR_RETURN(int index, IfIndex(ifname));
  auto master = IfIndex(bridge);
  if (!master) return FailInvalid("attach " + ifname + " to bridge " + bridge + ": no such bridge");
  LinkMessage m(RTM_NEWLINK, 0, index);
  uint32_t master_index = static_cast<uint32_t>(*master);
  m.Attr(IFLA_MASTER, &master_index, sizeof master_index);
  return Transact(m.data(), m.size(), "attach " + ifname + " to bridge " + bridge);
}

Status Netlink::AddAddress(const std::string& ifname, const IpAddress& address) {
  std::string what = "add address " + address.ip + "/" + std::to_string(address.prefix) + " to " + ifname;
  unsigned char ip[16];
  int family = ParseIp(address.ip, ip);
  if (!family || address.prefix > (family == AF_INET ? 32 : 128)) return FailInvalid(what + ": bad address");
  VSB_ASSIGN_OR_RETURN(int index, IfIndex(ifname));
  AddrMessage m(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL);
  m.ifa()->ifa_family = static_cast<uint8_t>(family);
  m.ifa()->ifa_prefixlen = address.prefix;
  m.ifa()->ifa_index = static_cast<uint32_t>(index);
  m.Attr(IFA_LOCAL, ip, AddrLen(family));
  m.Attr(IFA_ADDRESS, ip, AddrLen(family));
  if (family == AF_INET) {
    uint32_t bcast;
    if (!address.broadcast.empty()) {
      if (inet_pton(AF_INET, address.broadcast.c_str(), &bcast) != 1)
        return FailInvalid(what + ": bad broadcast " + address.broadcast);
    } else {
      uint32_t host_mask = address.prefix == 0 ? ~0u : (address.prefix == 32 ? 0 : ~0u >> address.prefix);
      uint32_t v;
      memcpy(&v, ip, 4);
      bcast = v | htonl(host_mask);
    }
    m.Attr(IFA_BROADCAST, &bcast, 4);
  } else {
    // Usable at once: duplicate address detection would delay the command.
    uint32_t flags = IFA_F_NODAD;
    m.Attr(IFA_FLAGS, &flags, sizeof flags);
  }
  if (!m.ok()) return FailInvalid(what + ": netlink message too long");
  return Transact(m.data(), m.size(), what);
}

Status Netlink::AddRoute(const std::string& ifname, const IpRoute& route) {
  std::string dest = route.destination.empty() ? "default" : route.destination + "/" + std::to_string(route.prefix);
  std::string what = "add route " + dest + (route.gateway.empty() ? "" : " via " + route.gateway) + " on " + ifname;
  unsigned char dst[16] = {}, gw[16] = {};
  int family = route.v6 ? AF_INET6 : AF_INET;
  if (!route.destination.empty()) {
    family = ParseIp(route.destination, dst);
    if (!family) return FailInvalid(what + ": bad destination");
  }
  if (!route.gateway.empty()) {
    int gw_family = ParseIp(route.gateway, gw);
    if (!gw_family || (!route.destination.empty() && gw_family != family))
      return FailInvalid(what + ": bad gateway");
    family = gw_family;
  }
  if (route.prefix > (family == AF_INET ? 32 : 128)) return FailInvalid(what + ": bad prefix");
  VSB_ASSIGN_OR_RETURN(int index, IfIndex(ifname));
  RouteMessage m(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL);
  rtmsg* rt = m.rtm();
  rt->rtm_family = static_cast<uint8_t>(family);
  rt->rtm_dst_len = route.prefix;
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_STATIC;
  rt->rtm_scope = route.gateway.empty() ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  rt->rtm_type = RTN_UNICAST;
  if (route.prefix > 0) m.Attr(RTA_DST, dst, AddrLen(family));
  if (!route.gateway.empty()) m.Attr(RTA_GATEWAY, gw, AddrLen(family));
  uint32_t oif = static_cast<uint32_t>(index);
  m.Attr(RTA_OIF, &oif, sizeof oif);
  if (!m.ok()) return FailInvalid(what + ": netlink message too long");
  return Transact(m.data(), m.size(), what);
}

Status Netlink::CreateVethPair(const std::string& host_name, const std::string& peer_name,
                               int peer_netns_fd) {
  std::string what = "create veth pair " + host_name + " / " + peer_name + " (in the sandbox)";
  if (host_name.empty() || host_name.size() >= IFNAMSIZ || peer_name.empty() || peer_name.size() >= IFNAMSIZ)
    return FailInvalid(what + ": interface names must have 1 to 15 characters");
  LinkMessage m(RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
  m.Attr(IFLA_IFNAME, host_name.c_str(), host_name.size() + 1);
  size_t linkinfo = m.Begin(IFLA_LINKINFO);
  m.Attr(IFLA_INFO_KIND, "veth", 5);
  size_t data = m.Begin(IFLA_INFO_DATA);
  size_t peer = m.Begin(VETH_INFO_PEER);
  ifinfomsg peer_info{};
  peer_info.ifi_family = AF_UNSPEC;
  m.Raw(&peer_info, sizeof peer_info);
  m.Attr(IFLA_IFNAME, peer_name.c_str(), peer_name.size() + 1);
  uint32_t ns = static_cast<uint32_t>(peer_netns_fd);
  m.Attr(IFLA_NET_NS_FD, &ns, sizeof ns);
  m.End(peer);
  m.End(data);
  m.End(linkinfo);
  if (!m.ok()) return FailInvalid(what + ": netlink message too long");
  return Transact(m.data(), m.size(), what);
}

Result<bool> Netlink::HasIpv4Address(const std::string& ifname) {
  unsigned index = if_nametoindex(ifname.c_str());
  if (index == 0) return false;
  AddrMessage m(RTM_GETADDR, NLM_F_DUMP);
  m.ifa()->ifa_family = AF_INET;
  auto* hdr = reinterpret_cast<nlmsghdr*>(m.data());
  hdr->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  hdr->nlmsg_seq = ++seq_;
  std::string what = "list addresses of " + ifname;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd_.get(), m.data(), m.size(), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) < 0)
    return FailErrno(errno, what);
  bool found = false;
  alignas(nlmsghdr) char buf[16384];
  for (;;) {
    ssize_t n = recv(fd_.get(), buf, sizeof buf, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailErrno(errno, what);
    }
    int left = static_cast<int>(n);
    for (auto* r = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(r, left); r = NLMSG_NEXT(r, left)) {
      if (r->nlmsg_seq != hdr->nlmsg_seq) continue;
      if (r->nlmsg_type == NLMSG_DONE) return found;
      if (r->nlmsg_type == NLMSG_ERROR) return FailErrno(EPROTO, what);
      if (r->nlmsg_type != RTM_NEWADDR || r->nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg))) continue;
      auto* ifa = static_cast<ifaddrmsg*>(NLMSG_DATA(r));
      if (ifa->ifa_family == AF_INET && ifa->ifa_index == index) found = true;
    }
  }
}

}  // namespace vsb::net
