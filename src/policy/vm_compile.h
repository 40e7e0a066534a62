// CompileVm: SandboxConfig + host kernel facts → VmPlan. The two-argument
// form is pure (golden-tested); the one-argument form gathers the facts first.
#pragma once

#include <string>

#include "base/result.h"
#include "host/kernel_facts.h"
#include "policy/vm_plan.h"
#include "virt-sandbox/config.h"

namespace vsb::policy {

Result<VmPlan> CompileVm(const SandboxConfig& config);
Result<VmPlan> CompileVm(const SandboxConfig& config, const host::KernelFacts& facts);

// The plan as pretty JSON (--dump-plan and golden tests).
std::string VmPlanToJson(const VmPlan& plan);

// Pure: the cached vmlinux path for a kernel (keyed by path, size, mtime).
std::string KernelCachePath(const std::string& cache_dir, const host::FileStamp& kernel);

}  // namespace vsb::policy
