#include "virt-sandbox/config.h"

namespace vsb {

std::optional<EngineKind> EngineForUri(const std::string& uri) {
  if (uri == "lxc:///" || uri == "lxc://" || uri == "lxc:") return EngineKind::kContainer;
  if (uri == "qemu:///session" || uri == "qemu:///system") return EngineKind::kVm;
  return std::nullopt;
}

}  // namespace vsb
