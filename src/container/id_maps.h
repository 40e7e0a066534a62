// User-namespace id maps for a child created with CLONE_NEWUSER, written by
// the parent while the child waits. Shared by the container engine and by
// QEMU's confinement.
#pragma once

#include <sys/types.h>

#include <cstdint>

#include "base/result.h"

namespace vsb::container {

struct IdMaps {
  bool map_all = false;  // root caller: every id maps to itself
  uint32_t inside_uid = 0, inside_gid = 0;  // otherwise one id each:
  uint32_t outside_uid = 0, outside_gid = 0;  // inside ← outside; setgroups denied
};

Status WriteIdMaps(pid_t pid, const IdMaps& maps);

}  // namespace vsb::container
