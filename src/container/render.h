// Rendering a ContainerPlan into the child's flat instructions.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "container/child/child_plan.h"
#include "policy/container_plan.h"

namespace vsb::container {

// Host-side facts the renderer needs, resolved by the launcher.
struct RenderInputs {
  std::vector<std::string> mount_sources;  // per plan.mounts: host path (temp dirs resolved)
  std::vector<int> image_fds;              // per plan.mounts: detached mount fd or -1
  // Host files bound read-only over sandbox files after the mounts (-N:
  // private /etc/resolv.conf and /etc/hosts): {target in sandbox, host path}.
  std::vector<std::pair<std::string, std::string>> file_binds;
};

// Fills plan.ops / host_trees / root / hostname; descriptors are left to the
// caller. Pure apart from lstat() of host paths to find missing mount targets.
Result<child::ChildPlan> RenderChildPlan(const policy::ContainerPlan& plan, const RenderInputs& in);

}  // namespace vsb::container
