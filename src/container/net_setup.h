// Sandbox networking, container engine, host side (issue 5).
//
// Without interfaces in the plan the sandbox keeps its empty network
// namespace (only `lo`, down). With them, in two steps:
//
//  PrepareNetwork (before clone3): a run directory (TempDir, named to the
//    janitor) holds empty resolv.conf and hosts files, bound read-only over
//    the sandbox's /etc/resolv.conf and /etc/hosts by the child's mount plan;
//    the host's own files never change. A symlinked target is refused: a bind
//    would land wherever it points.
//  StartNetwork (after the id maps, before the go byte; the child waits):
//    bridge: a veth pair from the host, peer created directly in the
//      sandbox's netns, host end enslaved to the bridge and up (root only;
//      the pair dies with the sandbox's netns).
//    user: pasta attached to the sandbox's namespaces (see pasta.h).
//    Then a forked helper enters the sandbox's user and network namespaces,
//    configures lo and the interfaces (MAC, MTU, addresses, routes, DHCP),
//    applies the nftables ruleset and reports the resolvers it learned; the
//    launcher writes resolv.conf and hosts before the command can start.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/result.h"
#include "base/unique_fd.h"
#include "policy/container_plan.h"

namespace vsb::container {

struct LaunchState;
struct RenderInputs;

// What the launcher owns for the sandbox's network; its destructor ends and
// reaps pasta (which also dies with the launcher through PDEATHSIG).
class NetRuntime {
 public:
  NetRuntime() = default;
  NetRuntime(const NetRuntime&) = delete;
  NetRuntime& operator=(const NetRuntime&) = delete;
  ~NetRuntime();

  std::string resolv_path, hosts_path;  // host files bound into the sandbox
  std::vector<pid_t> pasta_pids;
  std::vector<UniqueFd> pasta_pidfds;   // readable once pasta exits
  std::vector<UniqueFd> pasta_logs;     // memfds holding pasta's stderr
};

Status PrepareNetwork(const policy::ContainerPlan& plan, LaunchState& st, RenderInputs& in);
Status StartNetwork(const policy::ContainerPlan& plan, LaunchState& st);

// Inside the sandbox's netns (the helper): configures everything and returns
// the resolvers DHCP handed out. `pasta_pidfds`: a readable one means pasta
// exited, so waiting for its interface ends at once.
Result<std::vector<std::string>> ConfigureNetworkInside(const policy::NetworkPlan& net,
                                                        const std::vector<int>& pasta_pidfds);

// Forks the helper that enters the namespaces of `pidfd`'s process and runs
// ConfigureNetworkInside; returns its resolver list or its error.
Result<std::vector<std::string>> RunNetworkHelper(const policy::NetworkPlan& net, int pidfd,
                                                  const std::vector<int>& pasta_pidfds);

}  // namespace vsb::container
