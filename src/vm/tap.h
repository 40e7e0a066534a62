// A tap device for a bridged VM NIC (-N bridge=, root only). The launcher
// creates it non-persistent and plugs it into the bridge; QEMU gets the fd.
// The kernel deletes the device when the last fd closes, so it goes with
// QEMU and the launcher however the run ends (SIGKILL included).
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vsb::vm {

Result<UniqueFd> CreateBridgedTap(const std::string& name, const std::string& bridge);

}  // namespace vsb::vm
