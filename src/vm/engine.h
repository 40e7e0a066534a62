// The VM engine: runs a VmPlan. Unpacks and caches the kernel, builds or
// reuses the initrd, starts QEMU in a private run dir, speaks the channel
// protocol with the guest's virt-sandbox-init and returns how the command
// ended. Nothing is left behind: QEMU is killed (and dies with the launcher
// via PR_SET_PDEATHSIG), the run dir is removed.
#pragma once

#include "policy/vm_plan.h"
#include "virt-sandbox/sandbox.h"

namespace vsb::vm {

RunResult Run(const policy::VmPlan& plan, const Stdio& stdio);

}  // namespace vsb::vm
