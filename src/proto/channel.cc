#include "proto/channel.h"

#include <cstring>

#include "proto/wire.h"

namespace vsb::proto {

void AppendFrame(std::string* out, MsgType type, std::string_view payload) {
  const uint32_t n = static_cast<uint32_t>(payload.size());
  char h[kFrameHeaderSize] = {static_cast<char>(type), 0, 0, 0};
  for (int i = 0; i < 4; ++i) h[4 + i] = static_cast<char>(n >> (8 * i));
  out->append(h, sizeof h);
  out->append(payload);
}

std::string EncodeFrame(MsgType type, std::string_view payload) {
  std::string out;
  AppendFrame(&out, type, payload);
  return out;
}

std::optional<Frame> FrameDecoder::Next() {
  if (failed_ || buf_.size() - pos_ < kFrameHeaderSize) return std::nullopt;
  const auto* h = reinterpret_cast<const uint8_t*>(buf_.data() + pos_);
  uint32_t n = 0;
  for (int i = 0; i < 4; ++i) n |= static_cast<uint32_t>(h[4 + i]) << (8 * i);
  if (h[0] == 0 || h[0] > kMaxMsgType || h[1] || h[2] || h[3] || n > kMaxPayload) {
    failed_ = true;
    return std::nullopt;
  }
  if (buf_.size() - pos_ - kFrameHeaderSize < n) return std::nullopt;
  Frame f{static_cast<MsgType>(h[0]), buf_.substr(pos_ + kFrameHeaderSize, n)};
  pos_ += kFrameHeaderSize + n;
  // Compact once the consumed prefix dominates: keeps the buffer bounded by
  // one frame plus one read.
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > (64u << 10) && pos_ * 2 > buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  return f;
}

std::string GuestSetup::Encode() const {
  WireWriter w;
  w.Bytes(root_tag);
  w.U32(static_cast<uint32_t>(mounts.size()));
  for (const auto& m : mounts) {
    w.U8(m.kind);
    w.Bytes(m.source);
    w.Bytes(m.target);
    w.U8(m.readonly);
    w.U64(m.size_bytes);
  }
  w.Bytes(hostname);
  w.U8(debug);
  w.U8(debug_shell);
  w.U32(static_cast<uint32_t>(interfaces.size()));
  for (const auto& i : interfaces) {
    w.Bytes(i.name);
    w.Bytes(i.mac);
    w.U32(i.mtu);
    w.U8(i.dhcp);
    w.U32(static_cast<uint32_t>(i.addresses.size()));
    for (const auto& a : i.addresses) {
      w.Bytes(a.ip);
      w.U8(a.prefix);
      w.Bytes(a.broadcast);
    }
    w.U32(static_cast<uint32_t>(i.routes.size()));
    for (const auto& r : i.routes) {
      w.Bytes(r.destination);
      w.U8(r.prefix);
      w.Bytes(r.gateway);
      w.U8(r.v6);
    }
  }
  w.StringList(dns);
  w.Bytes(hosts_file);
  w.U64(pids_max);
  w.Bytes(nft_ruleset);
  return w.data();
}

namespace {

// Bounds: a hostile or corrupt SETUP cannot make the guest allocate without
// limit or configure more than a sandbox may have.
constexpr uint32_t kMaxInterfaces = 8, kMaxAddresses = 16, kMaxRoutes = 64;

bool DecodeInterface(WireReader& r, GuestInterface* i) {
  i->name = r.Bytes();
  i->mac = r.Bytes();
  i->mtu = r.U32();
  i->dhcp = r.U8() != 0;
  uint32_t n = r.U32();
  if (n > kMaxAddresses) return false;
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    GuestAddress a;
    a.ip = r.Bytes();
    a.prefix = r.U8();
    a.broadcast = r.Bytes();
    i->addresses.push_back(std::move(a));
  }
  n = r.U32();
  if (n > kMaxRoutes) return false;
  for (uint32_t k = 0; k < n && r.ok(); ++k) {
    GuestRoute rt;
    rt.destination = r.Bytes();
    rt.prefix = r.U8();
    rt.gateway = r.Bytes();
    rt.v6 = r.U8() != 0;
    i->routes.push_back(std::move(rt));
  }
  return r.ok() && !i->name.empty() && i->name.size() < 16 && i->mac.size() == 17;
}

}  // namespace

std::optional<GuestSetup> GuestSetup::Decode(std::string_view data) {
  WireReader r(data, kMaxPayload);
  GuestSetup s;
  s.root_tag = r.Bytes();
  uint32_t n = r.U32();
  if (n > 4096) return std::nullopt;
  for (uint32_t i = 0; i < n && r.ok(); ++i) {
    GuestMount m;
    uint8_t kind = r.U8();
    if (kind < GuestMount::k9p || kind > GuestMount::kMask) return std::nullopt;
    m.kind = static_cast<GuestMount::Kind>(kind);
    m.source = r.Bytes();
    m.target = r.Bytes();
    m.readonly = r.U8() != 0;
    m.size_bytes = r.U64();
    if (m.target.empty() || m.target[0] != '/') return std::nullopt;
    s.mounts.push_back(std::move(m));
  }
  s.hostname = r.Bytes();
  s.debug = r.U8() != 0;
  s.debug_shell = r.U8() != 0;
  uint32_t nifs = r.U32();
  if (nifs > kMaxInterfaces) return std::nullopt;
  for (uint32_t i = 0; i < nifs && r.ok(); ++i) {
    GuestInterface iface;
    if (!DecodeInterface(r, &iface)) return std::nullopt;
    s.interfaces.push_back(std::move(iface));
  }
  s.dns = r.StringList();
  if (s.dns.size() > kMaxAddresses) return std::nullopt;
  s.hosts_file = r.Bytes();
  s.pids_max = r.U64();
  s.nft_ruleset = r.Bytes();
  if (!r.ok() || !r.at_end() || s.root_tag.empty()) return std::nullopt;
  return s;
}

std::string EncodeU32(uint32_t v) {
  WireWriter w;
  w.U32(v);
  return w.data();
}

std::optional<uint32_t> DecodeU32(std::string_view data) {
  WireReader r(data);
  uint32_t v = r.U32();
  if (!r.ok() || !r.at_end()) return std::nullopt;
  return v;
}

std::string EncodeWinsize(uint16_t rows, uint16_t cols) {
  WireWriter w;
  w.U32(rows);
  w.U32(cols);
  return w.data();
}

bool DecodeWinsize(std::string_view data, uint16_t* rows, uint16_t* cols) {
  WireReader r(data);
  uint32_t a = r.U32(), b = r.U32();
  if (!r.ok() || !r.at_end() || a > 0xffff || b > 0xffff) return false;
  *rows = static_cast<uint16_t>(a);
  *cols = static_cast<uint16_t>(b);
  return true;
}

std::string EncodeExit(const InitReport& rep) {
  WireWriter w;
  w.U32(rep.kind);
  w.I32(rep.code);
  w.I32(rep.sys_errno);
  w.Bytes(std::string_view(rep.step, strnlen(rep.step, sizeof rep.step)));
  return w.data();
}

std::optional<InitReport> DecodeExit(std::string_view data) {
  WireReader r(data, sizeof(InitReport::step) - 1);
  InitReport rep;
  rep.kind = r.U32();
  rep.code = r.I32();
  rep.sys_errno = r.I32();
  std::string step = r.Bytes();
  if (!r.ok() || !r.at_end() || rep.kind < InitReport::kExited ||
      rep.kind > InitReport::kSetupFailed)
    return std::nullopt;
  memcpy(rep.step, step.data(), step.size());
  rep.step[step.size()] = '\0';
  return rep;
}

}  // namespace vsb::proto
