// NetworkPlan -> JSON, the "network" member of both engines' --dump-plan.
#pragma once

#include <nlohmann/json.hpp>

#include "policy/network_plan.h"

namespace vsb::policy {

// Callers add it only when plan.enabled(), so plans without -N (and their
// golden files) do not change.
nlohmann::json NetworkPlanJson(const NetworkPlan& plan);

}  // namespace vsb::policy
