// ContainerPlan: what the container engine must build, fully resolved.
//
// Plain data decided by policy::CompileContainer; the engine performs it and
// decides nothing. Printable as JSON (--dump-plan, golden tests).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "policy/network_plan.h"
#include "virt-sandbox/config.h"

namespace vsb::policy {

struct PlannedMount {
  enum class Kind {
    kHostBind,   // host path source → target
    kHostImage,  // disk image source mounted by the launcher, attached at target
    kGuestBind,  // sandbox path source → target
    kTmpfs,      // private tmpfs (defaults and ram:)
  };
  Kind kind = Kind::kTmpfs;
  std::string target;
  std::string source;       // host path, image, or sandbox path
  bool temp_source = false; // host-bind with empty SRC: the engine makes a temp dir
  bool writable = true;
  uint64_t size_bytes = 0;  // tmpfs: 0 = kernel default (half of RAM)
  uint32_t mode = 01777;    // tmpfs root mode
  std::string format;       // host image: raw | qcow2
  std::vector<Include> includes;  // files copied into a temp host-bind
};

struct ContainerPlan {
  std::string name;
  std::string hostname;
  std::string root = "/";  // host tree shown read-only as /

  // User namespace mapping. A root caller maps every id to itself, so files
  // keep their owners while capabilities stay confined to the namespace.
  uint32_t caller_uid = 0, caller_gid = 0;
  bool map_all_ids = false;
  uint32_t inside_uid = 0, inside_gid = 0;  // the caller's id inside (single mapping)

  std::vector<PlannedMount> mounts;  // applied in order after the read-only root
  std::vector<std::string> hidden;   // credential stores masked when they exist
  NetworkPlan network;               // empty: loopback only

  // The command.
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string cwd = "/";
  bool cwd_required = false;  // --cwd given: a missing dir is an error
  uint32_t uid = 0, gid = 0;
  std::vector<uint32_t> groups;
  bool set_groups = true;     // false when the user namespace denies setgroups
  bool keep_caps = false;
  bool tty = false;
  uint16_t rows = 0, cols = 0;
  std::vector<int> pass_fds;

  // Hardening and limits.
  std::string seccomp = "default";  // profile name, file, or "unconfined"
  bool landlock = false;
  std::vector<std::string> landlock_writable;
  uint64_t memory_bytes = 0;
  double cpus = 0;
  uint64_t pids = 0;
  double timeout_seconds = 0;
};

}  // namespace vsb::policy
