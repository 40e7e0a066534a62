#include "container/temp_dir.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <system_error>

namespace vsb::container {

Result<TempDir> TempDir::Create(const std::string& name, uint32_t uid, uint32_t gid) {
  std::string tmpl = "/tmp/virt-sandbox-" + name + "-XXXXXX";
  if (!mkdtemp(tmpl.data())) return FailErrno(errno, "create temporary host-bind directory");
  TempDir dir(tmpl);
  if (chown(tmpl.c_str(), uid, gid) < 0 && geteuid() == 0)
    return FailErrno(errno, "chown " + tmpl);
  return dir;
}

TempDir::~TempDir() {
  if (!path_.empty()) RemoveTree(path_);
}

Status TempDir::CopyIncludes(const std::string& mount_target, const std::vector<Include>& includes,
                             uint32_t uid, uint32_t gid) {
  return container::CopyIncludes(path_, mount_target, includes, uid, gid);
}

Status CopyIncludes(const std::string& dir, const std::string& mount_target,
                    const std::vector<Include>& includes, uint32_t uid, uint32_t gid) {
  namespace fs = std::filesystem;
  for (const Include& inc : includes) {
    std::string rel = inc.guest_path.substr(mount_target == "/" ? 1 : mount_target.size() + 1);
    fs::path dest = fs::path(dir) / rel;
    std::error_code ec;
    fs::create_directories(dest.parent_path(), ec);
    if (ec) return FailErrno(ec.value(), "-i " + inc.guest_path + ": create " + dest.parent_path().string());
    // Follows a symlinked source the way cp does; the copy is a plain file.
    fs::copy(inc.host_path, dest, fs::copy_options::recursive | fs::copy_options::overwrite_existing, ec);
    if (ec) return FailErrno(ec.value(), "-i " + inc.guest_path + "=" + inc.host_path + ": copy");
    if (geteuid() == 0) {
      for (fs::path p = dest; p.string().size() > dir.size(); p = p.parent_path())
        if (lchown(p.c_str(), uid, gid) < 0) return FailErrno(errno, "chown " + p.string());
    }
  }
  return {};
}

void RemoveTree(const std::string& path) noexcept {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace vsb::container
