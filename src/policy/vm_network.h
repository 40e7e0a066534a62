// The VM side of a NetworkPlan: which guest modules a NIC needs and what the
// guest init configures (SETUP). Pure.
#pragma once

#include <string>
#include <vector>

#include "policy/network_plan.h"
#include "proto/channel.h"

namespace vsb::policy {

// Kernel modules for the guest's NICs (none without -N).
std::vector<std::string> GuestNetworkModules(const NetworkPlan& network);

// Fills setup.interfaces, dns, hosts_file and nft_ruleset from the plan.
void AddGuestNetwork(const NetworkPlan& network, proto::GuestSetup* setup);

}  // namespace vsb::policy
