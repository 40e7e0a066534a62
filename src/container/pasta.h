// pasta (Debian `passt`): user-mode networking for a container sandbox.
//
// pasta creates a tap `eth0` in the sandbox's network namespace and relays
// its traffic through ordinary sockets of the launcher's user, so no root and
// no host interface are needed. Its defaults forward the sandbox's
// connections to the host's own loopback services (-T/-U auto) and map the
// gateway address to the host; both would expose host-only services to the
// sandbox, so PastaArgv always passes `-T none -U none --no-map-gw`, and
// inbound ports are exactly the plan's publish list (`-t none` otherwise).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "policy/network_plan.h"

namespace vsb::container {

inline constexpr const char* kPastaPath = "/usr/bin/pasta";

// The command line (pure). `as_root`: the launcher runs as root, whose
// sandbox user namespace pasta can only join while keeping uid 0 (`--runas
// 0`); otherwise it drops to nobody and cannot open the namespaces.
std::vector<std::string> PastaArgv(const policy::PlannedInterface& iface, pid_t sandbox_pid, bool as_root);

// Starts pasta with PR_SET_PDEATHSIG(SIGKILL) (it dies with the launcher),
// stdin/stdout on /dev/null and stderr into `log` (a memfd: never blocks).
Result<pid_t> StartPasta(const policy::PlannedInterface& iface, pid_t sandbox_pid, UniqueFd& log);

// What pasta wrote to its log so far (bounded), for error messages.
std::string ReadPastaLog(int log_fd);

}  // namespace vsb::container
