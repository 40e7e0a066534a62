#include "container/child/mount_calls.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "base/syscalls.h"

namespace vsb::container::child {
namespace {

const char* Relative(const char* path) {
  while (*path == '/') ++path;
  return *path ? path : ".";
}

// Copies `s` into buf, bounded; false when it does not fit.
bool Copy(char* buf, size_t size, const char* s) {
  size_t n = strlen(s);
  if (n >= size) return false;
  memcpy(buf, s, n + 1);
  return true;
}

struct Fd {  // closes on scope exit; no allocation
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

int BindEntry(int from_dir, int to_dir, const char* name, unsigned char type) {
  if (type == DT_LNK) {
    char target[PATH_MAX];
    ssize_t n = readlinkat(from_dir, name, target, sizeof target - 1);
    if (n < 0) return -1;
    target[n] = '\0';
    return symlinkat(target, to_dir, name);
  }
  if (type == DT_DIR) {
    if (mkdirat(to_dir, name, 0755) < 0) return -1;
  } else {
    int f = openat(to_dir, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0644);
    if (f < 0) return -1;
    close(f);
  }
  Fd src{sys::OpenTree(from_dir, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
                                           AT_SYMLINK_NOFOLLOW)};
  if (src.fd < 0) return -1;
  Fd dst{openat(to_dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)};
  if (dst.fd < 0) return -1;
  return Attach(src.fd, dst.fd);
}

}  // namespace

int OpenInRoot(int root_fd, const char* path, bool follow_in_root) {
  open_how how{};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  if (!follow_in_root) how.resolve |= RESOLVE_NO_SYMLINKS;
  return static_cast<int>(syscall(SYS_openat2, root_fd, Relative(path), &how, sizeof how));
}

int OpenParentInRoot(int root_fd, const char* path, const char** name) {
  char parent[PATH_MAX];
  if (!Copy(parent, sizeof parent, path)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  char* slash = strrchr(parent, '/');
  if (!slash) {
    errno = EINVAL;
    return -1;
  }
  *name = path + (slash - parent) + 1;
  *slash = '\0';
  return OpenInRoot(root_fd, parent[0] ? parent : "/", false);
}

int CloneTree(int dirfd, const char* path, bool recursive) {
  unsigned flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0);
  if (!path[0]) flags |= AT_EMPTY_PATH;
  return sys::OpenTree(dirfd, path, flags);
}

int NewMount(const char* fstype, const char* options, unsigned attrs) {
  Fd fs{sys::FsOpen(fstype, FSOPEN_CLOEXEC)};
  if (fs.fd < 0) return -1;
  // options: "key=value,key=value"; parsed in a stack copy.
  char buf[256];
  if (!Copy(buf, sizeof buf, options ? options : "")) {
    errno = E2BIG;
    return -1;
  }
  for (char *save = nullptr, *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(nullptr, ",", &save)) {
    char* eq = strchr(kv, '=');
    if (eq) *eq = '\0';
    int rc = eq ? sys::FsConfig(fs.fd, FSCONFIG_SET_STRING, kv, eq + 1, 0)
                : sys::FsConfig(fs.fd, FSCONFIG_SET_FLAG, kv, nullptr, 0);
    if (rc < 0) return -1;
  }
  if (sys::FsConfig(fs.fd, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0) return -1;
  return sys::FsMount(fs.fd, FSMOUNT_CLOEXEC, attrs);
}

int SetAttrs(int mount_fd, unsigned attrs, bool recursive) {
  mount_attr attr{};
  attr.attr_set = attrs;
  return sys::MountSetattr(mount_fd, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr);
}

int Attach(int mount_fd, int target_fd) {
  return sys::MoveMount(mount_fd, "", target_fd, "",
                        MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH);
}

int MirrorDirectory(int root_fd, const char* path, const char* root_path) {
  // `lower` keeps pointing at the original directory once the tmpfs covers
  // it: entries are read and cloned from there.
  Fd lower{OpenInRoot(root_fd, path, false)};
  if (lower.fd < 0) return -1;
  Fd list{openat(lower.fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (list.fd < 0) return -1;
  Fd tmp{NewMount("tmpfs", "mode=0755", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV)};
  if (tmp.fd < 0 || Attach(tmp.fd, lower.fd) < 0) return -1;
  // Walking a path crosses the new mount; the root itself is reopened by its
  // host path, since "." from root_fd stays on the covered directory.
  bool is_root = !strcmp(Relative(path), ".");
  Fd upper{is_root ? open(root_path, O_PATH | O_DIRECTORY | O_CLOEXEC) : OpenInRoot(root_fd, path, false)};
  if (upper.fd < 0) return -1;
  char buf[4096];
  for (;;) {
    long n = syscall(SYS_getdents64, list.fd, buf, sizeof buf);
    if (n < 0) return -1;
    if (n == 0) break;
    for (long off = 0; off < n;) {
      auto* d = reinterpret_cast<dirent64*>(buf + off);
      off += d->d_reclen;
      if (!strcmp(d->d_name, ".") || !strcmp(d->d_name, "..")) continue;
      unsigned char type = d->d_type;
      if (type == DT_UNKNOWN) {
        struct stat es;
        if (fstatat(list.fd, d->d_name, &es, AT_SYMLINK_NOFOLLOW) < 0) return -1;
        type = S_ISDIR(es.st_mode) ? DT_DIR : S_ISLNK(es.st_mode) ? DT_LNK : DT_REG;
      }
      if (BindEntry(list.fd, upper.fd, d->d_name, type) < 0) return -1;
    }
  }
  return 0;
}

int BringUpLoopback() {
  Fd s{socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)};
  if (s.fd < 0) return -1;
  ifreq ifr{};
  memcpy(ifr.ifr_name, "lo", 3);
  if (ioctl(s.fd, SIOCGIFFLAGS, &ifr) < 0) return -1;
  ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
  return ioctl(s.fd, SIOCSIFFLAGS, &ifr);
}

}  // namespace vsb::container::child
