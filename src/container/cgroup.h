// SandboxCgroup: the cgroup of one sandbox, for its limits and for tracking
// every process in it, so that none outlives the run.
//
// Layouts (found in /proc/self/mountinfo, never assumed):
//  - pure cgroup v2: controllers live in the cgroup2 mount; the group is
//    <cgroup2>/virt-sandbox/<name> with memory.max, memory.swap.max, pids.max
//    and cpu.max, after +memory +pids +cpu were enabled in the parents'
//    cgroup.subtree_control.
//  - hybrid (these machines): cgroup2 at /sys/fs/cgroup/unified has no
//    controllers but still offers cgroup.kill and cgroup.events, so the
//    sandbox is tracked there; the limits go to the v1 hierarchies
//    <memory|cpu|pids>/virt-sandbox/<name> (memory.limit_in_bytes and
//    memory.memsw.limit_in_bytes, cpu.cfs_quota_us, pids.max).
//  - pure v1: as hybrid; tracking falls back to the v1 pids group.
// The shared parent `virt-sandbox` groups are created when missing and
// removed by the last sandbox that leaves them; every leaf is removed.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vsb::container {

struct CgroupLimits {
  uint64_t memory_bytes = 0;  // 0 = no limit
  double cpus = 0;            // fractional CPUs; 0 = no limit
  uint64_t pids = 0;          // 0 = no limit
  bool any() const { return memory_bytes != 0 || cpus > 0 || pids != 0; }
};

// Where the hierarchies are mounted; empty when absent.
struct CgroupMounts {
  std::string unified;            // the cgroup2 mount
  std::string memory, cpu, pids;  // v1 controller mounts
};

// Pure helpers (unit-tested).
// The cgroup mounts listed in a /proc/self/mountinfo text.
CgroupMounts ParseCgroupMounts(const std::string& mountinfo);
// cpu.cfs_period_us used for --cpus, and the quota for `cpus` (at least
// 1000 us, the kernel's minimum); -1 (no quota) for cpus <= 0.
inline constexpr int64_t kCpuPeriodUs = 100000;
int64_t CpuQuotaUs(double cpus);
// The cgroup v2 cpu.max line: "max 100000" or "<quota> 100000".
std::string CpuMaxValue(double cpus);
// The number after `key` in a "key value" per-line file (memory.events,
// memory.oom_control), or nullopt.
std::optional<uint64_t> KeyedValue(const std::string& text, const std::string& key);
// A sandbox name usable as one cgroup path component.
bool IsValidCgroupName(const std::string& name);

class SandboxCgroup {
 public:
  static Result<SandboxCgroup> Create(const std::string& sandbox_name, const CgroupLimits& limits);
  // Same, against explicit mounts (tests point it at a scratch layout).
  static Result<SandboxCgroup> CreateIn(const CgroupMounts& mounts, const std::string& sandbox_name,
                                        const CgroupLimits& limits);

  SandboxCgroup(SandboxCgroup&& other) noexcept;
  SandboxCgroup& operator=(SandboxCgroup&& other) noexcept;
  SandboxCgroup(const SandboxCgroup&) = delete;
  SandboxCgroup& operator=(const SandboxCgroup&) = delete;
  // Kills what is left and removes every dir it made.
  ~SandboxCgroup();

  // O_DIRECTORY fd of the cgroup2 leaf for clone3 CLONE_INTO_CGROUP, -1 if none.
  int cgroup2_dir_fd() const { return v2_fd_.get(); }
  // Joins pid to the v1 controller groups (hybrid and v1 hosts); no-op on pure v2.
  Status AddProcess(pid_t pid);
  // cgroup.kill on v2, else SIGKILL every pid in cgroup.procs until empty.
  // Waits (bounded) until the groups are empty.
  void KillAll();
  // The memory limit killed a process: v2 memory.events oom_kill > 0, or v1
  // memory.oom_control oom_kill > 0 (memory.failcnt > 0 on old kernels).
  bool MemoryLimitHit() const;
  // Every leaf dir it created, in creation order (for a cleanup process that
  // outlives the launcher: kill what is in them, then rmdir each).
  std::vector<std::string> Dirs() const { return dirs_; }

 private:
  SandboxCgroup() = default;
  Status MakeLeaf(const std::string& mount, const std::string& name, const CgroupLimits* delegate);
  void RemoveDirs();

  std::vector<std::string> dirs_;     // leaves we created, in creation order
  std::string v2_dir_;                // cgroup2 leaf ("" if none)
  UniqueFd v2_fd_;
  std::vector<std::string> v1_dirs_;  // v1 leaves processes must join
  std::string memory_dir_;            // where memory limit accounting lives
  bool memory_is_v2_ = false;
};

}  // namespace vsb::container
