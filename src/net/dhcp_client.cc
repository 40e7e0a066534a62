#include "net/dhcp_client.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include "base/unique_fd.h"

namespace vsb::net {
namespace {

long NowMs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

Result<UniqueFd> OpenSocket(const std::string& ifname) {
  UniqueFd fd(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP));
  if (!fd) return FailErrno(errno, "DHCP on " + ifname + ": open socket");
  int one = 1;
  setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (setsockopt(fd.get(), SOL_SOCKET, SO_BROADCAST, &one, sizeof one) < 0)
    return FailErrno(errno, "DHCP on " + ifname + ": SO_BROADCAST");
  if (setsockopt(fd.get(), SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                 static_cast<socklen_t>(ifname.size())) < 0)
    return FailErrno(errno, "DHCP on " + ifname + ": bind to device");
  sockaddr_in local{};
  local.sin_family = AF_INET;
  local.sin_port = htons(68);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&local), sizeof local) < 0)
    return FailErrno(errno, "DHCP on " + ifname + ": bind port 68");
  return fd;
}

// Some servers (passt, for one) answer to the offered address even when the
// broadcast flag is set; a UDP socket never sees such a reply because the
// interface has no address yet. A packet socket on the interface does: the
// reply's IPv4 and UDP headers are checked here with strict bounds, then the
// payload goes to the same DHCP decoder. Best effort: without CAP_NET_RAW the
// UDP socket alone still serves servers that broadcast.
UniqueFd OpenPacketSocket(const std::string& ifname) {
  unsigned index = if_nametoindex(ifname.c_str());
  UniqueFd fd(socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC, htons(ETH_P_IP)));
  if (!fd || index == 0) return {};
  sockaddr_ll addr{};
  addr.sll_family = AF_PACKET;
  addr.sll_protocol = htons(ETH_P_IP);
  addr.sll_ifindex = static_cast<int>(index);
  if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) < 0) return {};
  return fd;
}

// The UDP payload of an IPv4 packet to port 68, or nullptr.
const uint8_t* UdpToClient(const uint8_t* p, size_t n, size_t* payload) {
  if (n < 20 || (p[0] >> 4) != 4) return nullptr;
  size_t ihl = static_cast<size_t>(p[0] & 0x0f) * 4;
  size_t total = static_cast<size_t>(p[2]) << 8 | p[3];
  if (ihl < 20 || total > n || ihl + 8 > total || p[9] != IPPROTO_UDP) return nullptr;
  if ((p[6] & 0x3f) != 0 || p[7] != 0) return nullptr;  // fragments: not for us
  const uint8_t* udp = p + ihl;
  size_t ulen = static_cast<size_t>(udp[4]) << 8 | udp[5];
  if ((static_cast<unsigned>(udp[2]) << 8 | udp[3]) != 68 || ulen < 8 || ihl + ulen > total) return nullptr;
  *payload = ulen - 8;
  return udp + 8;
}

Status Send(int fd, const std::vector<uint8_t>& packet, const std::string& ifname) {
  sockaddr_in server{};
  server.sin_family = AF_INET;
  server.sin_port = htons(67);
  server.sin_addr.s_addr = htonl(INADDR_BROADCAST);
  if (sendto(fd, packet.data(), packet.size(), 0, reinterpret_cast<sockaddr*>(&server), sizeof server) < 0)
    return FailErrno(errno, "DHCP on " + ifname + ": send");
  return {};
}

// Waits until `deadline` for a valid reply of type `want` (or a NAK) on the
// UDP socket or the packet socket (-1: none). Invalid or foreign packets are
// dropped; an error only on timeout.
Result<DhcpReply> Receive(int fd, int packet_fd, uint32_t xid, const Mac& mac, uint8_t want, long deadline) {
  uint8_t buf[2048];
  for (;;) {
    long left = deadline - NowMs();
    if (left <= 0) return FailErrno(ETIMEDOUT, "no answer");
    pollfd p[2] = {{fd, POLLIN, 0}, {packet_fd, POLLIN, 0}};
    int r = poll(p, packet_fd >= 0 ? 2 : 1, static_cast<int>(left));
    if (r < 0 && errno != EINTR) return FailErrno(errno, "poll");
    if (r <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (!(p[i].revents & POLLIN)) continue;
      ssize_t n = recv(p[i].fd, buf, sizeof buf, 0);
      if (n <= 0) continue;
      const uint8_t* data = buf;
      size_t size = static_cast<size_t>(n);
      if (i == 1 && !(data = UdpToClient(buf, size, &size))) continue;
      auto reply = DecodeDhcpReply(data, size, xid, mac);
      if (reply && (reply->type == want || reply->type == kDhcpNak)) return reply;
    }
  }
}

}  // namespace

Result<DhcpReply> RunDhcp(const std::string& ifname, const Mac& mac, const DhcpOptions& options) {
  VSB_ASSIGN_OR_RETURN(UniqueFd fd, OpenSocket(ifname));
  UniqueFd packet = OpenPacketSocket(ifname);
  uint32_t xid = 0;
  if (getrandom(&xid, sizeof xid, 0) != sizeof xid) xid = static_cast<uint32_t>(NowMs());
  const long end = NowMs() + options.total_timeout_ms;
  while (NowMs() < end) {
    VSB_TRY(Send(fd.get(), EncodeDhcpDiscover(xid, mac), ifname));
    auto offer = Receive(fd.get(), packet.get(), xid, mac, kDhcpOffer, std::min(end, NowMs() + options.retry_ms));
    if (!offer || offer->type != kDhcpOffer) continue;
    for (int attempt = 0; attempt < 3 && NowMs() < end; ++attempt) {
      VSB_TRY(Send(fd.get(), EncodeDhcpRequest(xid, mac, offer->address, offer->server_id), ifname));
      auto ack = Receive(fd.get(), packet.get(), xid, mac, kDhcpAck, std::min(end, NowMs() + options.retry_ms));
      if (!ack) continue;
      if (ack->type == kDhcpNak) break;  // start over with a new DISCOVER
      if (ack->address != offer->address) break;
      return ack;
    }
    ++xid;
  }
  return FailErrno(ETIMEDOUT, "DHCP on " + ifname + ": no lease from any server within " +
                                  std::to_string(options.total_timeout_ms / 1000) + " s");
}

}  // namespace vsb::net
