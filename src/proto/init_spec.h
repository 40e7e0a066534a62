// InitSpec: everything virt-sandbox-init needs to start the command, and
// InitReport: how the run ended, from init back to the launcher.
//
// The launcher (container engine) or the host (VM engine) encodes an InitSpec;
// init decodes it with the bounded WireReader, so a corrupt spec is rejected,
// never trusted.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vsb::proto {

// File descriptor numbers init receives in a container (kept clear of the
// caller's --pass-fd numbers, which must be below kInitFdBase).
inline constexpr int kInitFdBase = 1000;
inline constexpr int kSpecFd = 1000;     // memfd holding the encoded InitSpec
inline constexpr int kReportFd = 1001;   // pipe: InitReport records to the launcher
inline constexpr int kControlFd = 1002;  // unix socket: the pty master goes back here

struct InitSpec {
  std::vector<std::string> argv;  // argv[0] is searched in PATH from env
  std::vector<std::string> env;   // "KEY=VALUE"
  std::string cwd = "/";
  bool cwd_required = false;      // false: fall back to / when cwd is missing
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> groups;   // supplementary groups
  bool set_groups = true;         // false: the user namespace denies setgroups
  bool keep_caps = false;         // -p: namespaced root keeps its capabilities
  bool tty = false;               // allocate a pty; stdout and stderr merge
  std::string seccomp_bpf;        // struct sock_filter[]; empty = unconfined
  bool landlock = false;          // restrict writes to landlock_writable
  std::vector<std::string> landlock_writable;
  std::vector<int32_t> pass_fds;  // caller fds kept open in the command
  uint16_t rows = 0, cols = 0;    // initial window size (tty)

  std::string Encode() const;
  static std::optional<InitSpec> Decode(std::string_view data);
  bool operator==(const InitSpec&) const = default;
};

// Fixed-size, so the child after clone3 can write it without allocating.
struct InitReport {
  enum Kind : uint32_t {
    kExited = 1,       // code = exit code
    kSignaled = 2,     // code = signal number
    kExecFailed = 3,   // sys_errno from execve: ENOENT → 127, else 126
    kSetupFailed = 4,  // step names what failed, sys_errno why
  };
  static constexpr uint32_t kMagic = 0x52425356;  // "VSBR"
  uint32_t magic = kMagic;
  uint32_t kind = kSetupFailed;
  int32_t code = 0;
  int32_t sys_errno = 0;
  char step[240] = {};
};

// `step` of a kSignaled SIGKILL report when the guest's OOM killer ended the
// command (VM engine: --memory is the guest's RAM).
inline constexpr const char* kOomStep = "out of memory";

// Fills a report without allocating (usable after clone3).
void MakeReport(InitReport* r, InitReport::Kind kind, int code, int err, const char* step,
                const char* object = nullptr);

}  // namespace vsb::proto
