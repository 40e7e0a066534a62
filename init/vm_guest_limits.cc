// --pids in a VM: QEMU's own tasks are bounded on the host (tests/vm), but
// the command's processes are guest tasks, so the guest bounds them itself.
// Init mounts the guest's cgroup2 on a private directory, creates one group
// with pids.max, and moves itself into it before it starts the command: the
// command and everything it forks land in that group. Init counts as one of
// the group's tasks, so the limit is pids_max + 1. The mount is detached
// afterwards (membership stays), so the command does not see it.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "init/vm_guest.h"

namespace vsb::init {
namespace {

constexpr const char* kDir = "/run/.virt-sandbox-cgroup";

bool Fail(GuestFailure* why, std::string step, int err) {
  why->step = std::move(step);
  why->err = err;
  return false;
}

bool Write(const std::string& path, const std::string& text, GuestFailure* why) {
  int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Fail(why, "open " + path, errno);
  bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  close(fd);
  return ok || Fail(why, "write " + text + " to " + path, err);
}

}  // namespace

bool LimitGuestTasks(uint64_t pids_max, GuestFailure* why) {
  if (pids_max == 0) return true;
  const std::string dir = kDir, group = dir + "/sandbox";
  if (mkdir(kDir, 0700) != 0 && errno != EEXIST) return Fail(why, std::string("mkdir ") + kDir, errno);
  if (mount("cgroup2", kDir, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return Fail(why, "mount the guest's cgroup2 (--pids)", errno);
  if (!Write(dir + "/cgroup.subtree_control", "+pids", why)) return false;
  if (mkdir(group.c_str(), 0755) != 0 && errno != EEXIST) return Fail(why, "mkdir " + group, errno);
  if (!Write(group + "/pids.max", std::to_string(pids_max + 1), why) ||
      !Write(group + "/cgroup.procs", std::to_string(getpid()), why))
    return false;
  umount2(kDir, MNT_DETACH);
  rmdir(kDir);
  return true;
}

}  // namespace vsb::init
