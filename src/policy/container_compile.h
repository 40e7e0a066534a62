// Compiling a SandboxConfig into a ContainerPlan: pure, no syscalls.
#pragma once

#include <string>

#include "base/result.h"
#include "host/host_facts.h"
#include "policy/container_plan.h"
#include "virt-sandbox/config.h"

namespace vsb::policy {

Result<ContainerPlan> CompileContainer(const SandboxConfig& config, const host::HostFacts& facts);

// The environment the command sees: a documented safe subset of the caller's
// (PATH, LANG, LANGUAGE, LC_*, TZ, TERM with a terminal), identity variables,
// container=virt-sandbox, then every -e.
std::vector<std::string> SandboxEnvironment(const SandboxConfig& config,
                                            const host::HostFacts& facts, const std::string& home,
                                            const std::string& user, bool tty);

// A name unique per launch: "sandbox-<pid>-<random>".
std::string UniqueName(const host::HostFacts& facts);

std::string ContainerPlanToJson(const ContainerPlan& plan);

}  // namespace vsb::policy
