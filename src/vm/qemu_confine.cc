#include "vm/qemu_confine.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "base/syscalls.h"
#include "container/child/mount_calls.h"
#include "container/id_maps.h"

namespace vsb::vm {
namespace {

namespace mc = container::child;

// Closes on scope exit without touching errno (the child reports errno).
struct ChildFd {
  int fd;
  ~ChildFd() {
    int saved = errno;
    if (fd >= 0) close(fd);
    errno = saved;
  }
};

int Failed(const char** step, const char* what) {
  *step = what;
  return -1;
}

}  // namespace

unsigned long long QemuNamespaceFlags() {
  return CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWNET |
         CLONE_NEWCGROUP;
}

Status WriteQemuIdMaps(const QemuConfinement& c, pid_t pid) {
  return container::WriteIdMaps(pid, {c.map_all_ids, c.caller_uid, c.caller_gid, c.caller_uid, c.caller_gid});
}

int ConfineMountsInChild(const QemuConfinement& c, const char** step) {
  // Nothing done here may propagate back to the host's mount namespace.
  if (mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0)
    return Failed(step, "make / private");
  // Writable clones are taken before the tree turns read-only (a clone keeps
  // the flags its source had), then laid back over their own paths. At most
  // a handful: the run dir, writable shares and images.
  constexpr size_t kMaxWritable = 32;
  int clones[kMaxWritable];
  size_t n = 0;
  for (const auto& path : c.writable) {
    if (n == kMaxWritable) {
      errno = E2BIG;
      return Failed(step, "too many writable paths");
    }
    clones[n] = mc::CloneTree(AT_FDCWD, path.c_str(), true);
    if (clones[n] < 0) return Failed(step, "clone writable path");
    ++n;
  }
  {
    // Every mount QEMU sees: read-only and nosuid. Not nodev: /dev/kvm.
    ChildFd root{open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)};
    if (root.fd < 0 || mc::SetAttrs(root.fd, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID, true) != 0)
      return Failed(step, "make the host tree read-only");
  }
  for (size_t i = 0; i < n; ++i) {
    ChildFd clone{clones[i]};
    ChildFd target{open(c.writable[i].c_str(), O_PATH | O_CLOEXEC)};
    if (target.fd < 0 || mc::Attach(clone.fd, target.fd) != 0)
      return Failed(step, "bind writable path");
  }
  for (const auto& path : c.masked) {
    ChildFd target{open(path.c_str(), O_PATH | O_NOFOLLOW | O_CLOEXEC)};
    if (target.fd < 0) continue;  // absent or unreachable: nothing to hide
    struct stat st;
    if (fstat(target.fd, &st) != 0) return Failed(step, "stat masked path");
    const unsigned ro = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    int m = -1;
    if (S_ISDIR(st.st_mode)) {
      m = mc::NewMount("tmpfs", "mode=0000,size=4096", ro);
    } else if (S_ISREG(st.st_mode)) {
      m = mc::CloneTree(AT_FDCWD, c.empty_file.c_str(), false);
      if (m >= 0 && mc::SetAttrs(m, ro, false) != 0) {
        close(m);
        m = -1;
      }
    } else {
      continue;
    }
    ChildFd mask{m};
    if (mask.fd < 0 || mc::Attach(mask.fd, target.fd) != 0) return Failed(step, "mask hidden path");
  }
  // A /proc of QEMU's own PID namespace: host processes are not listed.
  ChildFd proc{mc::NewMount("proc", nullptr, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
                                                 MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)};
  ChildFd proc_dir{open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC)};
  if (proc.fd < 0 || proc_dir.fd < 0 || mc::Attach(proc.fd, proc_dir.fd) != 0)
    return Failed(step, "mount proc");
  if (chdir("/") != 0) return Failed(step, "chdir /");
  return 0;
}

int DropAllCapsInChild(const QemuConfinement& c, uid_t uid, gid_t gid, const char** step) {
  if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL)
    return Failed(step, "clear ambient capabilities");
  // An empty bounding set: uid 0 gains nothing at execve.
  for (int cap = 0; cap < 64; ++cap) {
    int in_bounding = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (in_bounding < 0) break;  // past cap_last_cap
    if (in_bounding == 1 && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0)
      return Failed(step, "drop bounding set");
  }
  // A root caller's full map allows dropping supplementary groups and
  // taking another identity; otherwise the one mapped id is already ours.
  if (c.map_all_ids) {
    if (setgroups(0, nullptr) != 0) return Failed(step, "setgroups");
    if ((uid != 0 || gid != 0) && (setresgid(gid, gid, gid) != 0 || setresuid(uid, uid, uid) != 0))
      return Failed(step, "set qemu identity");
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (syscall(SYS_capset, &header, data) != 0) return Failed(step, "capset");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return Failed(step, "no-new-privs");
  return 0;
}

}  // namespace vsb::vm
