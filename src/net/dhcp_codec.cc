#include "net/dhcp_codec.h"

#include <cstring>

namespace vsb::net {
namespace {

constexpr uint8_t kCookie[4] = {99, 130, 83, 99};
constexpr size_t kChaddr = 28, kYiaddr = 16, kOptions = 240;
constexpr uint8_t kOptPad = 0, kOptEnd = 255, kOptMask = 1, kOptRouter = 3, kOptDns = 6,
                  kOptMtu = 26, kOptRequested = 50, kOptLease = 51, kOptType = 53,
                  kOptServer = 54, kOptParams = 55, kOptMaxSize = 57;

std::vector<uint8_t> Header(uint32_t xid, const Mac& mac) {
  std::vector<uint8_t> p(kOptions, 0);
  p[0] = 1;  // BOOTREQUEST
  p[1] = 1;  // ethernet
  p[2] = 6;
  p[4] = static_cast<uint8_t>(xid >> 24);
  p[5] = static_cast<uint8_t>(xid >> 16);
  p[6] = static_cast<uint8_t>(xid >> 8);
  p[7] = static_cast<uint8_t>(xid);
  p[10] = 0x80;  // broadcast flag
  memcpy(&p[kChaddr], mac.data(), mac.size());
  memcpy(&p[236], kCookie, 4);
  return p;
}

void Option(std::vector<uint8_t>& p, uint8_t code, std::initializer_list<uint8_t> value) {
  p.push_back(code);
  p.push_back(static_cast<uint8_t>(value.size()));
  p.insert(p.end(), value.begin(), value.end());
}

void Finish(std::vector<uint8_t>& p) {
  Option(p, kOptParams, {kOptMask, kOptRouter, kOptDns, kOptMtu, kOptLease});
  Option(p, kOptMaxSize, {0x05, 0xdc});  // 1500
  p.push_back(kOptEnd);
  while (p.size() < 300) p.push_back(kOptPad);  // BOOTP minimum, some servers insist
}

uint32_t Be32(const uint8_t* b) {
  return static_cast<uint32_t>(b[0]) << 24 | static_cast<uint32_t>(b[1]) << 16 |
         static_cast<uint32_t>(b[2]) << 8 | b[3];
}

// Prefix length of a contiguous netmask; -1 when the mask has holes.
int MaskPrefix(uint32_t mask) {
  int prefix = 0;
  while (prefix < 32 && (mask & (0x80000000u >> prefix))) ++prefix;
  uint32_t expect = prefix == 0 ? 0 : ~0u << (32 - prefix);
  return mask == expect ? prefix : -1;
}

}  // namespace

std::string Ipv4Text(const Ipv4& ip) {
  return std::to_string(ip[0]) + "." + std::to_string(ip[1]) + "." + std::to_string(ip[2]) + "." +
         std::to_string(ip[3]);
}

std::vector<uint8_t> EncodeDhcpDiscover(uint32_t xid, const Mac& mac) {
  std::vector<uint8_t> p = Header(xid, mac);
  Option(p, kOptType, {kDhcpDiscover});
  Finish(p);
  return p;
}

std::vector<uint8_t> EncodeDhcpRequest(uint32_t xid, const Mac& mac, const Ipv4& requested,
                                       const Ipv4& server_id) {
  std::vector<uint8_t> p = Header(xid, mac);
  Option(p, kOptType, {kDhcpRequest});
  Option(p, kOptRequested, {requested[0], requested[1], requested[2], requested[3]});
  Option(p, kOptServer, {server_id[0], server_id[1], server_id[2], server_id[3]});
  Finish(p);
  return p;
}

Result<DhcpReply> DecodeDhcpReply(const uint8_t* data, size_t size, uint32_t xid, const Mac& mac) {
  auto bad = [](const std::string& why) { return FailInvalid("DHCP reply: " + why); };
  if (size < kDhcpMinReply) return bad("too short");
  if (data[0] != 2 || data[1] != 1 || data[2] != 6) return bad("not an ethernet BOOTREPLY");
  if (Be32(data + 4) != xid) return bad("other transaction");
  if (memcmp(data + kChaddr, mac.data(), mac.size()) != 0) return bad("other hardware address");
  if (memcmp(data + 236, kCookie, 4) != 0) return bad("no DHCP magic cookie");
  DhcpReply r;
  memcpy(r.address.data(), data + kYiaddr, 4);
  bool has_mask = false, ended = false;
  size_t i = kOptions;
  while (i < size && !ended) {
    uint8_t code = data[i++];
    if (code == kOptPad) continue;
    if (code == kOptEnd) {
      ended = true;
      break;
    }
    if (i >= size) return bad("option length past the end");
    size_t len = data[i++];
    if (len > size - i) return bad("option value past the end");
    const uint8_t* v = data + i;
    i += len;
    switch (code) {
      case kOptType:
        if (len != 1) return bad("message type length");
        r.type = v[0];
        break;
      case kOptMask: {
        if (len != 4) return bad("subnet mask length");
        int prefix = MaskPrefix(Be32(v));
        if (prefix < 1 || prefix > 32) return bad("subnet mask not contiguous");
        r.prefix = static_cast<uint8_t>(prefix);
        has_mask = true;
        break;
      }
      case kOptRouter:
        if (len < 4 || len % 4) return bad("router length");
        memcpy(r.router.data(), v, 4);
        r.has_router = true;
        break;
      case kOptDns:
        if (len < 4 || len % 4) return bad("DNS server length");
        for (size_t k = 0; k + 4 <= len && r.dns.size() < kMaxDns; k += 4) {
          Ipv4 ip;
          memcpy(ip.data(), v + k, 4);
          r.dns.push_back(ip);
        }
        break;
      case kOptMtu:
        if (len != 2) return bad("MTU length");
        r.mtu = static_cast<uint16_t>(v[0] << 8 | v[1]);
        if (r.mtu < 576) return bad("MTU below 576");
        break;
      case kOptLease:
        if (len != 4) return bad("lease time length");
        r.lease_seconds = Be32(v);
        break;
      case kOptServer:
        if (len != 4) return bad("server identifier length");
        memcpy(r.server_id.data(), v, 4);
        break;
      default:
        break;  // options we did not ask for are skipped
    }
  }
  if (!ended) return bad("no end option");
  if (r.type != kDhcpOffer && r.type != kDhcpAck && r.type != kDhcpNak) return bad("not OFFER, ACK or NAK");
  if (r.type == kDhcpNak) return r;
  if (r.server_id == Ipv4{}) return bad("no server identifier");
  if (!has_mask) return bad("no subnet mask");
  uint32_t yi = Be32(r.address.data());
  if (yi == 0 || yi == 0xffffffffu || (yi >> 24) == 127 || (yi >> 28) >= 14)
    return bad("unusable address " + Ipv4Text(r.address));
  return r;
}

}  // namespace vsb::net
