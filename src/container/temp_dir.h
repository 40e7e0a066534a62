// TempDir: a host directory that exists for one sandbox run (host-bind with
// an empty source). Removed with its contents when the owner goes away; the
// janitor removes it if the launcher is killed first.
#pragma once

#include <string>
#include <vector>

#include "base/result.h"
#include "virt-sandbox/config.h"

namespace vsb::container {

class TempDir {
 public:
  // Creates /tmp/virt-sandbox-<name>-XXXXXX (mode 0700) owned by uid:gid.
  static Result<TempDir> Create(const std::string& name, uint32_t uid, uint32_t gid);
  TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }
  TempDir& operator=(TempDir&&) = delete;
  TempDir(const TempDir&) = delete;
  ~TempDir();
  const std::string& path() const { return path_; }

  // Copies host files in: guest_path is relative to `mount_target`.
  Status CopyIncludes(const std::string& mount_target, const std::vector<Include>& includes,
                      uint32_t uid, uint32_t gid);

 private:
  explicit TempDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Copies host files (-i) into `dir`, the host side of a mount at
// `mount_target`: each guest_path is relative to mount_target. Files end up
// owned by uid:gid when run as root. Shared with the VM engine's scratch
// shares.
Status CopyIncludes(const std::string& dir, const std::string& mount_target,
                    const std::vector<Include>& includes, uint32_t uid, uint32_t gid);

// rm -rf without following symlinks; used by TempDir and the janitor.
void RemoveTree(const std::string& path) noexcept;

}  // namespace vsb::container
