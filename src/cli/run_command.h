// The three things virt-sandbox does with a valid config. Each returns the
// process exit status.
#pragma once

#include "virt-sandbox/config.h"

namespace vsb::cli {

// Runs the sandbox: the command's status, 128+N, 124, 125, 126 or 127.
int RunSandbox(const SandboxConfig& config);
// --dump-config: the effective config as TOML on stdout.
int DumpConfig(const SandboxConfig& config);
// --dump-plan: the compiled plan as JSON on stdout.
int DumpPlan(const SandboxConfig& config);

}  // namespace vsb::cli
