// Compiling the -N interfaces of a SandboxConfig into a NetworkPlan: pure.
#pragma once

#include <cstdint>
#include <string>

#include "base/result.h"
#include "policy/network_plan.h"
#include "virt-sandbox/config.h"

namespace vsb::policy {

// What the network needs to know about the sandbox and the caller.
struct NetworkContext {
  EngineKind engine = EngineKind::kContainer;
  std::string sandbox_name;  // unique per running sandbox: seeds host names and MACs
  std::string hostname;      // for /etc/hosts
  uint32_t caller_uid = 0;   // bridges need root (0)
};

// Resolves every interface (names, MACs, addresses, routes, published ports)
// and the filter ruleset. Errors name the interface and the bad value:
// `-N eth0: bridge=br0 needs root ...`. The VM engine does not enforce
// filters yet, so a filter there is an error rather than a silent no-op.
Result<NetworkPlan> CompileNetwork(const SandboxConfig& config, const NetworkContext& context);

// "vsb" + 8 hex digits of a hash of the sandbox name + "-" + index: at most
// 15 bytes (IFNAMSIZ - 1), distinct per sandbox and interface.
std::string HostInterfaceName(const std::string& sandbox_name, size_t index);
// "02:xx:xx:xx:xx:xx": locally administered unicast, stable for a name+index.
std::string GeneratedMac(const std::string& sandbox_name, size_t index);

}  // namespace vsb::policy
