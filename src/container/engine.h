// The container engine: performs a ContainerPlan with clone3, a user
// namespace and virt-sandbox-init as PID 1, and waits for it.
#pragma once

#include <string>

#include "policy/container_plan.h"
#include "virt-sandbox/sandbox.h"

namespace vsb::container {

struct EngineInputs {
  std::string init_path;    // the static virt-sandbox-init
  std::string seccomp_bpf;  // compiled filter; empty = unconfined
};

RunResult Run(const policy::ContainerPlan& plan, const EngineInputs& inputs, const Stdio& stdio);

}  // namespace vsb::container
