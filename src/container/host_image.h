// Host disk images for host-image mounts: attached to a loop device and
// mounted by the launcher as a detached mount that the child attaches.
#pragma once

#include <string>

#include "base/result.h"
#include "base/unique_fd.h"

namespace vsb::container {

// The filesystem type of an image, from its superblock ("ext4", "xfs",
// "btrfs", "vfat"), or an error naming the image.
Result<std::string> DetectFilesystem(int image_fd, const std::string& path);

// A detached mount of the raw image at `path` (loop device with autoclear:
// it disappears with the last mount). qcow2 images are first exported as a
// raw file (QcowExport) by the caller.
Result<UniqueFd> MountImage(const std::string& path, bool writable);

}  // namespace vsb::container
