#include "config/network_values.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "config/quote.h"

namespace vsb::config {
namespace {

// A decimal integer in [lo, hi] with nothing around it ("+1", " 1", "1x" fail).
std::optional<uint32_t> Decimal(std::string_view text, uint32_t lo, uint32_t hi) {
  if (text.empty() || text.size() > 10) return std::nullopt;
  uint32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return std::nullopt;
  return v;
}

// True when the address bits past prefix are all zero.
bool NetworkOnly(const unsigned char* bytes, size_t len, unsigned prefix) {
  for (size_t i = 0; i < len; ++i) {
    unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix <= i * 8 ? 0 : prefix - i * 8;
    unsigned char host_mask = static_cast<unsigned char>(0xffu >> keep);
    if (keep == 8) host_mask = 0;
    if (bytes[i] & host_mask) return false;
  }
  return true;
}

std::string Masked(const unsigned char* bytes, size_t len, unsigned prefix, bool v6) {
  unsigned char copy[16];
  std::memcpy(copy, bytes, len);
  for (size_t i = 0; i < len; ++i) {
    unsigned keep = prefix >= (i + 1) * 8 ? 8 : prefix <= i * 8 ? 0 : prefix - i * 8;
    copy[i] &= static_cast<unsigned char>(keep == 8 ? 0xff : ~(0xffu >> keep));
  }
  char buf[INET6_ADDRSTRLEN];
  inet_ntop(v6 ? AF_INET6 : AF_INET, copy, buf, sizeof buf);
  return buf;
}

}  // namespace

Result<IpPrefix> ParseIp(std::string_view text) {
  // inet_pton needs a NUL-terminated string; a NUL inside must not cut it.
  if (text.empty()) return FailInvalid("empty IP address (e.g. 192.0.2.1 or 2001:db8::1)");
  if (text.size() < INET6_ADDRSTRLEN && text.find('\0') == std::string_view::npos) {
    std::string s(text);
    unsigned char bytes[16];
    char buf[INET6_ADDRSTRLEN];
    for (int family : {AF_INET, AF_INET6}) {
      if (inet_pton(family, s.c_str(), bytes) == 1) {
        inet_ntop(family, bytes, buf, sizeof buf);
        return IpPrefix{buf, static_cast<uint8_t>(family == AF_INET ? 32 : 128), family == AF_INET6};
      }
    }
  }
  return FailInvalid("invalid IP address " + Quote(text) + " (use e.g. 192.0.2.1 or 2001:db8::1)");
}

Result<IpPrefix> ParseIpPrefix(std::string_view text, bool network_only) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return FailInvalid("missing prefix length in " + Quote(text) + " (use IP/PREFIX, e.g. 192.0.2.0/24)");
  }
  VSB_ASSIGN_OR_RETURN(IpPrefix ip, ParseIp(text.substr(0, slash)));
  std::string_view len = text.substr(slash + 1);
  auto prefix = Decimal(len, 0, ip.v6 ? 128 : 32);
  if (!prefix) {
    return FailInvalid("invalid prefix length " + Quote(len) + " in " + Quote(text) + " (use 0.." +
                       (ip.v6 ? "128" : "32") + ")");
  }
  ip.prefix = static_cast<uint8_t>(*prefix);
  if (network_only) {
    unsigned char bytes[16];
    inet_pton(ip.v6 ? AF_INET6 : AF_INET, ip.ip.c_str(), bytes);
    if (!NetworkOnly(bytes, ip.v6 ? 16 : 4, ip.prefix)) {
      return FailInvalid(Quote(text) + " has host bits set (use " +
                         Masked(bytes, ip.v6 ? 16 : 4, ip.prefix, ip.v6) + "/" + std::string(len) + ")");
    }
  }
  return ip;
}

Result<NetAddress> ParseNetAddress(std::string_view text) {
  NetAddress out;
  size_t pct = text.find('%');
  VSB_ASSIGN_OR_RETURN(out.address, ParseIpPrefix(text.substr(0, pct), false));
  if (pct == std::string_view::npos) return out;
  std::string_view bcast = text.substr(pct + 1);
  if (out.address.v6) {
    return FailInvalid("IPv6 address " + Quote(text) + " takes no broadcast (drop %" + Printable(bcast) + ")");
  }
  VSB_ASSIGN_OR_RETURN(IpPrefix b, ParseIp(bcast));
  if (b.v6) return FailInvalid("broadcast " + Quote(bcast) + " must be an IPv4 address");
  out.broadcast = b.ip;
  return out;
}

Result<NetRoute> ParseNetRoute(std::string_view text) {
  size_t pct = text.find('%');
  if (pct == std::string_view::npos) {
    return FailInvalid("route " + Quote(text) +
                       " has no gateway (use NET/PREFIX%GATEWAY or default%GATEWAY)");
  }
  NetRoute out;
  std::string_view dest = text.substr(0, pct);
  VSB_ASSIGN_OR_RETURN(IpPrefix gw, ParseIp(text.substr(pct + 1)));
  out.gateway = gw.ip;
  if (dest == "default") {
    out.destination = IpPrefix{gw.v6 ? "::" : "0.0.0.0", 0, gw.v6};
    return out;
  }
  VSB_ASSIGN_OR_RETURN(out.destination, ParseIpPrefix(dest, true));
  if (out.destination.v6 != gw.v6) {
    return FailInvalid("route " + Quote(text) + " mixes IPv4 and IPv6 (use a gateway of the network's family)");
  }
  return out;
}

Result<std::pair<uint16_t, uint16_t>> ParsePortRange(std::string_view text) {
  size_t dash = text.find('-');
  auto lo = Decimal(text.substr(0, dash), 1, 65535);
  auto hi = dash == std::string_view::npos ? lo : Decimal(text.substr(dash + 1), 1, 65535);
  if (!lo || !hi) return FailInvalid("invalid port " + Quote(text) + " (use 1..65535 or a range N-M)");
  if (*lo > *hi) return FailInvalid("port range " + Quote(text) + " is backwards (write the low port first)");
  return std::pair<uint16_t, uint16_t>(static_cast<uint16_t>(*lo), static_cast<uint16_t>(*hi));
}

Result<NetPublish> ParseNetPublish(std::string_view text) {
  NetPublish out;
  size_t slash = text.find('/');
  if (slash != std::string_view::npos) {
    std::string_view proto = text.substr(slash + 1);
    if (proto != "tcp" && proto != "udp") {
      return FailInvalid("unknown protocol " + Quote(proto) + " in publish (use /tcp or /udp)");
    }
    out.udp = proto == "udp";
    text = text.substr(0, slash);
  }
  size_t colon = text.find(':');
  auto host = Decimal(text.substr(0, colon), 1, 65535);
  auto guest = colon == std::string_view::npos ? std::nullopt : Decimal(text.substr(colon + 1), 1, 65535);
  if (!host || !guest) {
    return FailInvalid("invalid publish " + Quote(text) +
                       " (use HOSTPORT:SANDBOXPORT[/tcp|/udp], ports 1..65535, e.g. 8080:80)");
  }
  out.host_port = static_cast<uint16_t>(*host);
  out.sandbox_port = static_cast<uint16_t>(*guest);
  return out;
}

Result<std::string> ParseMac(std::string_view text) {
  auto hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  };
  bool ok = text.size() == 17;
  for (size_t i = 0; ok && i < text.size(); ++i) ok = i % 3 == 2 ? text[i] == ':' : hex(text[i]);
  if (!ok) return FailInvalid("invalid MAC address " + Quote(text) + " (use six hex pairs, e.g. 02:00:00:00:00:01)");
  std::string mac(text);
  for (char& c : mac) c = static_cast<char>(c >= 'A' && c <= 'F' ? c - 'A' + 'a' : c);
  unsigned first = static_cast<unsigned>(std::stoul(mac.substr(0, 2), nullptr, 16));
  // A multicast source address would make every host on the segment accept
  // the sandbox's frames as group traffic.
  if (first & 1) {
    return FailInvalid("MAC address " + Quote(text) +
                       " is multicast (the first byte must be even, e.g. 02:...)");
  }
  if (mac == "00:00:00:00:00:00") return FailInvalid("MAC address 00:00:00:00:00:00 is not usable");
  return mac;
}

Status CheckMtu(uint32_t mtu) {
  if (mtu < kMinMtu || mtu > kMaxMtu) {
    return FailInvalid("MTU " + std::to_string(mtu) + " is out of range (use 68..65535)");
  }
  return {};
}

Result<uint32_t> ParseMtu(std::string_view text) {
  auto mtu = Decimal(text, 0, 0xffffffffu);
  if (!mtu) return FailInvalid("invalid MTU " + Quote(text) + " (use a number from 68 to 65535)");
  VSB_TRY(CheckMtu(*mtu));
  return *mtu;
}

Status CheckBridgeName(std::string_view name) {
  // The kernel's dev_valid_name(): IFNAMSIZ-1 bytes, not "." or "..", no
  // '/', ':' or whitespace.
  bool ok = !name.empty() && name.size() <= 15 && name != "." && name != "..";
  for (char c : name) ok = ok && c > ' ' && c < 0x7f && c != '/' && c != ':';
  if (!ok) {
    return FailInvalid("invalid bridge name " + Quote(name) +
                       " (use the host bridge's name, 1-15 characters without '/', ':' or spaces)");
  }
  return {};
}

}  // namespace vsb::config
