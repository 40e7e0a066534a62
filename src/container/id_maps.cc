#include "container/id_maps.h"

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "base/unique_fd.h"

namespace vsb::container {
namespace {

Status WriteProcFile(const std::string& path, const std::string& text) {
  UniqueFd fd(open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd || write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return FailErrno(errno, "write " + path);
  return {};
}

}  // namespace

Status WriteIdMaps(pid_t pid, const IdMaps& m) {
  const std::string proc = "/proc/" + std::to_string(pid);
  if (m.map_all) {
    VSB_TRY(WriteProcFile(proc + "/uid_map", "0 0 4294967295\n"));
    return WriteProcFile(proc + "/gid_map", "0 0 4294967295\n");
  }
  // setgroups must be denied before an unprivileged writer may map a gid.
  VSB_TRY(WriteProcFile(proc + "/setgroups", "deny\n"));
  VSB_TRY(WriteProcFile(proc + "/uid_map", std::to_string(m.inside_uid) + " " + std::to_string(m.outside_uid) + " 1\n"));
  return WriteProcFile(proc + "/gid_map", std::to_string(m.inside_gid) + " " + std::to_string(m.outside_gid) + " 1\n");
}

}  // namespace vsb::container
