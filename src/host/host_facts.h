// HostFacts: what policy needs to know about the caller and the machine,
// gathered once with syscalls so that policy::Compile stays pure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.h"
#include "virt-sandbox/config.h"

namespace vsb::host {

struct Identity {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::vector<uint32_t> groups;
  std::string name;
  std::string home;
};

struct HostFacts {
  Identity caller;
  std::optional<Identity> switch_to;  // resolved -S USER
  std::string cwd;                    // caller's working directory
  std::string exe_dir;                // directory of the running virt-sandbox
  std::string init_path;              // the static virt-sandbox-init to exec
  std::string helper_dir;             // where init was found; seccomp/ sits beside it
  bool stdin_tty = false;
  bool stdout_tty = false;
  uint16_t rows = 0, cols = 0;
  std::vector<std::pair<std::string, std::string>> env;  // the caller's environment
  std::vector<std::string> home_dirs; // /home/* on the host (others' homes are hidden)
  int landlock_abi = 0;               // 0 = unavailable
  uint32_t pid = 0;                   // the launcher's pid (unique names)
  uint64_t nonce = 0;                 // random, for unique names
};

// Reads the facts a config needs. Fails only when a fact named by the config
// cannot be had (e.g. -S names an unknown user, or init is missing).
Result<HostFacts> GatherHostFacts(const SandboxConfig& config);

// Facts about a host path, for compiling mounts.
enum class PathType { kMissing, kDirectory, kFile, kSymlink, kOther };
PathType TypeOf(const std::string& path);  // lstat, no following

}  // namespace vsb::host
