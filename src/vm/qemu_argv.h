// The QEMU command line of a VM sandbox: a pure function of the plan and the
// run's paths, golden-tested (tests/unit/vm_qemu_argv_test.cc).
#pragma once

#include <string>
#include <vector>

#include "policy/vm_plan.h"

namespace vsb::vm {

struct QemuPaths {
  std::string vmlinux;
  std::string initrd;
  std::string console_log;  // the guest's ttyS0 (kernel and init messages)
  int channel_fd = 3;       // guest end of the channel socketpair, inherited
  std::string shell_socket;  // -l: unix socket QEMU listens on for the debug shell
  // Host path of each plan share, in order (a host-bind with an empty source
  // becomes a directory in the run dir).
  std::vector<std::string> share_paths;
  // Per plan.network interface: QEMU's fd number of its end of a socketpair
  // whose other end passt holds (user mode), or of a tap (bridge mode).
  std::vector<int> net_fds;
};

std::vector<std::string> QemuArgv(const policy::VmPlan& plan, const QemuPaths& paths);

// Name of the guest's channel port (/sys/class/virtio-ports/*/name).
inline constexpr const char* kChannelPortName = "vsb.channel";
inline constexpr const char* kShellPortName = "vsb.shell";

}  // namespace vsb::vm
