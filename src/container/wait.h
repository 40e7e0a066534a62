// Waiting for a running container sandbox and turning its end into a
// RunResult.
#pragma once

#include "base/result.h"
#include "container/launch_state.h"
#include "policy/container_plan.h"
#include "virt-sandbox/sandbox.h"

namespace vsb::container {

// Forwards signals, relays the terminal (tty plans), enforces the timeout,
// collects init's report and reaps init.
Status WaitForSandbox(const policy::ContainerPlan& plan, LaunchState& st, const Stdio& stdio);

RunResult Conclude(const policy::ContainerPlan& plan, LaunchState& st);

}  // namespace vsb::container
