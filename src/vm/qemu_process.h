// Starting QEMU: it dies with the launcher (PR_SET_PDEATHSIG, SIGKILL
// included), runs confined in namespaces of its own with no capabilities and
// no-new-privs (vm/qemu_confine.h), optionally inside the sandbox's cgroup,
// and sees only the fds it needs.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "container/cgroup.h"
#include "vm/qemu_confine.h"

namespace vsb::vm {

struct QemuProcess {
  pid_t pid = -1;
  UniqueFd pidfd;  // readable when QEMU has exited
};

struct QemuLaunch {
  std::vector<std::string> argv;
  int channel_fd = -1;     // becomes fd `channel_target` in QEMU
  int channel_target = 3;
  std::vector<int> net_fds;  // -N: become fds channel_target+1, +2, ... in QEMU
  int log_fd = -1;         // QEMU's stdout and stderr
  uid_t uid = 0;
  gid_t gid = 0;
  QemuConfinement confine;
  container::SandboxCgroup* cgroup = nullptr;  // QEMU starts inside it when set
};

Result<QemuProcess> StartQemu(const QemuLaunch& launch);

// Waits up to timeout_ms for QEMU to exit, then SIGKILLs it; always reaps.
void StopQemu(QemuProcess* q, int timeout_ms);

}  // namespace vsb::vm
