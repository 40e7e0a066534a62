// SandboxConfig: what the caller wants, before any host fact is consulted.
//
// The library turns this description into a concrete plan for the chosen
// engine (policy::Compile); nothing here performs a syscall. Every field has a
// confined default: an empty config runs nothing, and a config holding only a
// command runs it with a read-only host root, private /tmp, no network and no
// capabilities.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vsb {

enum class EngineKind { kContainer, kVm };

enum class MountKind {
  kHostBind,   // host directory SRC at DST, read-write (empty SRC: a temp dir)
  kHostImage,  // disk image file SRC (raw or qcow2) mounted at DST
  kGuestBind,  // directory SRC inside the sandbox shown again at DST
  kRam,        // tmpfs of size_bytes at DST
};

// A host file copied into a host-bind temp dir (-i GUEST=HOST).
struct Include {
  std::string guest_path;  // absolute path inside the sandbox
  std::string host_path;   // file on the host
  bool operator==(const Include&) const = default;
};

struct Mount {
  MountKind kind = MountKind::kHostBind;
  std::string target;          // absolute path inside the sandbox
  std::string source;          // host path, image file or sandbox path
  uint64_t size_bytes = 0;     // kRam only
  bool writable = true;        // kHostImage defaults to read-only
  std::string format;          // kHostImage: "raw" or "qcow2"; empty: guess
  bool operator==(const Mount&) const = default;
};

enum class TtyMode { kAuto, kAlways, kNever };

// One network interface (-N key=value,...). A sandbox without any has only
// loopback. Values stay as the user wrote them; policy::CompileNetwork checks
// and resolves them (so every error can name the bad part).
struct Network {
  enum class Mode {
    kUser,    // user-mode networking: pasta (container) or passt (VM); no root needed
    kBridge,  // attach to an existing host bridge: veth (container) or tap (VM); root only
  };
  Mode mode = Mode::kUser;
  std::string bridge;                  // kBridge: host bridge name (bridge= or source=)
  bool dhcp = false;                   // address, routes and DNS from a DHCP server
  std::string mac;                     // mac=aa:bb:cc:dd:ee:ff; empty = generated
  uint32_t mtu = 0;                    // mtu=N; 0 = engine default
  std::vector<std::string> addresses;  // address=IP/PREFIX[%BROADCAST] (repeatable)
  std::vector<std::string> routes;     // route=NET/PREFIX%GATEWAY (repeatable)
  std::vector<std::string> dns;        // dns=IP (repeatable)
  std::vector<std::string> publish;    // publish=HOSTPORT:SANDBOXPORT[/tcp|/udp]
  std::string filter;                  // filter=NAME: a preset; empty = no filter
  std::vector<std::pair<std::string, std::string>> filter_params;  // filter.KEY=VALUE, in order
  bool operator==(const Network&) const = default;
};

struct SandboxConfig {
  std::string uri = "lxc:///";        // -c: lxc:///, qemu:///session, qemu:///system
  std::string name;                    // -n: empty = unique generated name
  std::vector<std::string> command;    // argv; argv[0] searched in PATH
  std::vector<std::pair<std::string, std::string>> env;  // -e KEY=VALUE
  std::vector<Mount> mounts;           // -m
  std::vector<Include> includes;       // -i / -I
  bool privileged = false;             // -p: root inside (still namespaced)
  std::string switch_to;               // -S USER (root callers only)
  std::string root = "/";              // -r: the tree shown as /
  std::vector<Network> networks;       // -N: empty = loopback only
  std::string hostname;                // empty: the sandbox name
  std::string cwd;                     // empty: caller's cwd if visible, else /
  TtyMode tty = TtyMode::kAuto;
  double timeout_seconds = 0;          // 0 = none
  bool verbose = false;                // -v
  bool debug = false;                  // -d

  // VM engine.
  std::string kernver;                 // --kernver: default the host's
  std::string kernpath;                // --kernpath
  std::string kmodpath;                // --kmodpath
  std::string accel;                   // --accel kvm|tcg; empty = auto
  bool debug_shell = false;            // -l

  // Limits (0 = no limit).
  uint64_t memory_bytes = 0;           // --memory
  double cpus = 0;                     // --cpus
  uint64_t pids = 0;                   // --pids

  // Hardening; weakening is explicit.
  std::string seccomp = "default";     // --seccomp PROFILE|FILE|unconfined
  std::vector<std::string> expose;     // --expose PATH: undo a default hiding
  std::vector<int> pass_fds;           // --pass-fd N

  bool operator==(const SandboxConfig&) const = default;
};

// Which engine a URI selects, or nullopt when the URI is not one we know.
std::optional<EngineKind> EngineForUri(const std::string& uri);

}  // namespace vsb
