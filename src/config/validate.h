// Validate: the checks a whole SandboxConfig must pass, however it was built
// (command line, config file, library caller). Field checks repeat the option
// parsers' checks so a library caller cannot skip them; cross-field checks
// live only here. Facts about the host (does the user exist, is the caller
// root, does the kernel offer KVM) are checked later by the engine.
#pragma once

#include "base/result.h"
#include "virt-sandbox/config.h"

namespace vsb::config {

struct ValidateOptions {
  // --dump-config prints a config without a command; running needs one.
  bool require_command = true;
};

Status Validate(const SandboxConfig& config, const ValidateOptions& options = {});

// Sandbox name: 1-64 of [A-Za-z0-9_.-], not starting with '.' or '-'. It
// becomes part of cgroup and temp dir names, so '/' and ".." must never pass.
Status CheckName(std::string_view name);
// Hostname: RFC 1123 labels, at most 64 bytes.
Status CheckHostname(std::string_view hostname);

}  // namespace vsb::config
