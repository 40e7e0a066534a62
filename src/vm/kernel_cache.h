// The guest kernel as an uncompressed vmlinux: QEMU boots it through its PVH
// entry, skipping the in-guest XZ decompressor (seconds under TCG).
#pragma once

#include <string>

#include "base/result.h"

namespace vsb::vm {

// Returns the path to boot: `source` itself if it already is an ELF vmlinux,
// else `cache_path`, extracted from the bzImage's XZ payload on first use
// (written to a temp file and renamed, so concurrent runs never see half a
// kernel).
Result<std::string> EnsureVmlinux(const std::string& source, const std::string& cache_path);

// mkdir -p with the given mode for each created component.
Status MakeDirs(const std::string& path, mode_t mode);

}  // namespace vsb::vm
