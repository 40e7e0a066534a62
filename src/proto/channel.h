// Channel: the framed host↔guest protocol of the VM engine.
//
// One byte stream (a virtio-serial port in the guest, a socketpair on the
// host) carries every message. A frame is an 8-byte header
//   u8 type | u8 0 | u16 0 | u32 payload length (little-endian)
// followed by the payload. A frame longer than kMaxPayload, an unknown type or
// non-zero reserved bytes poison the decoder: the peer is broken or hostile,
// and the stream is not resynchronised.
//
// Sequence (nothing runs before both sides are ready):
//   host  → HELLO{version}            (written as soon as QEMU starts)
//   guest → READY{version}            (after its modules and port are up)
//   host  → SETUP{mounts, hostname}, SPEC{InitSpec}
//   host  → STDIN* STDIN_EOF, WINSIZE, SIGNAL   (any time after SPEC)
//   guest → STDOUT* STDERR* LOG*
//   guest → EXIT{report}              (only after stdout/stderr reached EOF)
//   host  → QUIT                      (after EXIT; the guest powers off)
//
// Flow control: the transport is a virtserialport, which QEMU throttles in
// both directions (a full socket stops the guest's writes, a guest that does
// not read stops QEMU reading the socket). Each side keeps at most
// kMaxBuffered bytes queued and stops reading its producer beyond that, so no
// byte is lost and no side buffers without bound.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "proto/init_spec.h"

namespace vsb::proto {

inline constexpr uint32_t kChannelVersion = 1;
inline constexpr uint32_t kFrameHeaderSize = 8;
inline constexpr uint32_t kMaxPayload = 1u << 20;     // a SPEC with a seccomp filter fits
inline constexpr uint32_t kDataChunk = 32u << 10;     // STDIN/STDOUT/STDERR payload size
inline constexpr size_t kMaxBuffered = 256u << 10;    // per-direction queue bound

enum class MsgType : uint8_t {
  kHello = 1,
  kReady = 2,
  kSetup = 3,
  kSpec = 4,
  kStdin = 5,
  kStdinEof = 6,
  kStdout = 7,
  kStderr = 8,
  kWinsize = 9,
  kSignal = 10,
  kExit = 11,
  kQuit = 12,
  kLog = 13,
};
inline constexpr uint8_t kMaxMsgType = 13;

struct Frame {
  MsgType type;
  std::string payload;
};

// Appends one encoded frame to `out`.
void AppendFrame(std::string* out, MsgType type, std::string_view payload);
std::string EncodeFrame(MsgType type, std::string_view payload);

// Incremental decoder: Feed() bytes as they arrive, then call Next() until it
// returns nullopt. After a malformed header failed() is true for good.
class FrameDecoder {
 public:
  void Feed(std::string_view bytes) { buf_.append(bytes); }
  std::optional<Frame> Next();
  bool failed() const { return failed_; }
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  std::string buf_;
  size_t pos_ = 0;
  bool failed_ = false;
};

// One mount the guest performs under its new root.
struct GuestMount {
  // kMask: hide target if it exists (dir: empty read-only tmpfs, file: /dev/null).
  enum Kind : uint8_t { k9p = 1, kTmpfs = 2, kBlock = 3, kBind = 4, kMask = 5 };
  Kind kind = k9p;
  std::string source;   // 9p: mount tag; block: disk serial; bind: guest path
  std::string target;   // absolute path in the sandbox
  bool readonly = false;
  uint64_t size_bytes = 0;  // tmpfs
  bool operator==(const GuestMount&) const = default;
};

// A network interface the guest configures. The guest finds the NIC by its
// MAC (the host set it on the QEMU device) and renames it to `name`.
struct GuestAddress {
  std::string ip;
  uint8_t prefix = 0;
  std::string broadcast;  // IPv4; empty = derived
  bool operator==(const GuestAddress&) const = default;
};
struct GuestRoute {
  std::string destination;  // empty or "0.0.0.0"/"::" with prefix 0 = default
  uint8_t prefix = 0;
  std::string gateway;
  bool v6 = false;
  bool operator==(const GuestRoute&) const = default;
};
struct GuestInterface {
  std::string name;  // eth0, eth1, ...
  std::string mac;   // aa:bb:cc:dd:ee:ff
  uint32_t mtu = 0;  // 0 = leave
  bool dhcp = false;
  std::vector<GuestAddress> addresses;
  std::vector<GuestRoute> routes;
  bool operator==(const GuestInterface&) const = default;
};

// SETUP payload: what init builds before it starts the command.
struct GuestSetup {
  std::string root_tag = "vsbroot";  // 9p tag of the read-only root
  std::vector<GuestMount> mounts;
  std::string hostname;
  bool debug = false;        // LOG progress lines to the host
  bool debug_shell = false;  // -l: /bin/sh on the "vsb.shell" port
  std::vector<GuestInterface> interfaces;  // -N; empty = loopback only
  std::vector<std::string> dns;            // static resolvers; DHCP adds its own
  std::string hosts_file;                  // text of the private /etc/hosts (with -N)
  uint64_t pids_max = 0;                   // --pids: tasks the command may have (0 = no limit)
  std::string nft_ruleset;                 // -N filter=: `nft -f -` input, applied by init
  std::string Encode() const;
  static std::optional<GuestSetup> Decode(std::string_view data);
  bool operator==(const GuestSetup&) const = default;
};

std::string EncodeU32(uint32_t v);
std::optional<uint32_t> DecodeU32(std::string_view data);
std::string EncodeWinsize(uint16_t rows, uint16_t cols);
bool DecodeWinsize(std::string_view data, uint16_t* rows, uint16_t* cols);

// EXIT payload: the InitReport fields (kind, code, errno, step).
std::string EncodeExit(const InitReport& r);
std::optional<InitReport> DecodeExit(std::string_view data);

}  // namespace vsb::proto
