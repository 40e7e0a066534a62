// The guest's root: the host root over 9p (read-only), the SETUP mounts, the
// API filesystems, then MS_MOVE + chroot (pivot_root is not allowed from the
// initramfs).
#include <dirent.h>
#include <fcntl.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "container/child/mount_calls.h"
#include "init/vm_guest.h"
#include "proto/api_fs_policy.h"

namespace vsb::init {
namespace {

constexpr const char* kNewRoot = "/newroot";
// cache=loose for the read-only root (fastest, vm-boot-notes §3); the
// writable host-binds use no cache so the host sees writes at once.
constexpr const char* kRootOpts = "trans=virtio,version=9p2000.L,cache=loose,msize=262144";
constexpr const char* kBindOpts = "trans=virtio,version=9p2000.L,msize=262144";

bool Fail(GuestFailure* why, std::string step, int err) {
  why->step = std::move(step);
  why->err = err;
  return false;
}

bool Mount(GuestFailure* why, const char* src, const std::string& dst, const char* type,
           unsigned long flags, const char* data) {
  if (mount(src, dst.c_str(), type, flags, data) == 0) return true;
  return Fail(why, std::string("mount ") + (type ? type : "bind") + " " + src + " on " + dst, errno);
}

// mkdir -p; failures (EROFS on the 9p root) surface as the mount's ENOENT.
void MakeDirs(const std::string& path) {
  for (size_t i = 1; i <= path.size(); ++i)
    if (i == path.size() || path[i] == '/') mkdir(path.substr(0, i).c_str(), 0755);
}

// The /dev/vdX whose serial is `serial` (device order is not command-line
// order on microvm).
std::string DiskBySerial(const std::string& serial) {
  std::string found;
  if (DIR* d = opendir("/sys/block")) {
    while (dirent* e = readdir(d))
      if (strncmp(e->d_name, "vd", 2) == 0 &&
          ReadLine(std::string("/sys/block/") + e->d_name + "/serial") == serial)
        found = std::string("/dev/") + e->d_name;
    closedir(d);
  }
  return found;
}

// Filesystem type from the superblock magic; "" if unknown.
std::string DetectFs(const std::string& dev) {
  int fd = open(dev.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  unsigned char b[4];
  char m8[8];
  std::string fs;
  if (pread(fd, b, 2, 1080) == 2 && b[0] == 0x53 && b[1] == 0xEF) fs = "ext4";
  else if (pread(fd, b, 4, 0) == 4 && memcmp(b, "XFSB", 4) == 0) fs = "xfs";
  else if (pread(fd, m8, 8, 65600) == 8 && memcmp(m8, "_BHRfS_M", 8) == 0) fs = "btrfs";
  close(fd);
  return fs;
}

// Credential stores and dangerous /proc files: a file is covered by a bind
// of an empty read-only regular file kept in the initramfs (reads return
// nothing, opening for writing fails with EROFS even for root, where a
// /dev/null mask would accept the write); a directory by an empty tmpfs.
// Only what exists is masked.
constexpr const char* kEmptyFile = "/.vsb-mask";

bool Mask(const std::string& dst, GuestFailure* why) {
  struct stat st;
  if (lstat(dst.c_str(), &st) != 0) return true;
  const unsigned long ro = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC;
  if (S_ISDIR(st.st_mode)) return Mount(why, "tmpfs", dst, "tmpfs", ro, "mode=0000,size=4096");
  if (!S_ISREG(st.st_mode)) return true;
  if (access(kEmptyFile, F_OK) != 0) {
    int fd = open(kEmptyFile, O_WRONLY | O_CREAT | O_CLOEXEC, 0444);
    if (fd < 0) return Fail(why, std::string("create ") + kEmptyFile, errno);
    close(fd);
  }
  return Mount(why, kEmptyFile, dst, nullptr, MS_BIND, nullptr) &&
         Mount(why, kEmptyFile, dst, nullptr, MS_BIND | MS_REMOUNT | ro, nullptr);
}

// A mount point missing from the read-only root is made inside the guest
// only, as in a container: the deepest existing ancestor gets a mirror tmpfs
// (a bind of each of its entries; src/container/child/mount_calls.cc) in
// which the rest is created. The host's tree never changes.
bool EnsureMountPoint(const std::string& target, GuestFailure* why) {
  const std::string dst = std::string(kNewRoot) + target;
  struct stat st;
  MakeDirs(dst);  // enough beneath a writable mount (a tmpfs, a host-bind)
  if (stat(dst.c_str(), &st) == 0) return true;
  std::string ancestor = target;
  do {
    ancestor.resize(ancestor.rfind('/') ? ancestor.rfind('/') : 1);
  } while (ancestor != "/" && stat((std::string(kNewRoot) + ancestor).c_str(), &st) != 0);
  int root_fd = open(kNewRoot, O_PATH | O_DIRECTORY | O_CLOEXEC);
  int rc = root_fd < 0 ? -1 : container::child::MirrorDirectory(root_fd, ancestor.c_str(), kNewRoot);
  int err = errno;
  if (root_fd >= 0) close(root_fd);
  if (rc < 0) return Fail(why, "mirror " + ancestor + " to create mount point " + target, err);
  MakeDirs(dst);
  return stat(dst.c_str(), &st) == 0 || Fail(why, "create mount point " + target, errno);
}

bool UserMount(const proto::GuestMount& m, uint32_t uid, uint32_t gid, GuestFailure* why) {
  std::string dst = std::string(kNewRoot) + m.target;
  if (m.kind == proto::GuestMount::kMask) return Mask(dst, why);  // never creates dst
  if (!EnsureMountPoint(m.target, why)) return false;
  const unsigned long ro = m.readonly ? MS_RDONLY : 0;
  switch (m.kind) {
    case proto::GuestMount::k9p:
      return Mount(why, m.source.c_str(), dst, "9p", ro | MS_NOSUID | MS_NODEV, kBindOpts);
    case proto::GuestMount::kTmpfs: {
      std::string opts = "mode=0755,uid=" + std::to_string(uid) + ",gid=" + std::to_string(gid);
      if (m.size_bytes) opts += ",size=" + std::to_string(m.size_bytes);
      return Mount(why, "tmpfs", dst, "tmpfs", MS_NOSUID | MS_NODEV, opts.c_str());
    }
    case proto::GuestMount::kBlock: {
      std::string dev = DiskBySerial(m.source);
      if (dev.empty()) return Fail(why, "find disk " + m.source, ENODEV);
      // The initramfs keeps the devtmpfs at /dev; the sandbox's /dev is minimal.
      std::string fs = DetectFs(dev);
      if (fs.empty()) return Fail(why, "detect filesystem on " + dev, EINVAL);
      return Mount(why, dev.c_str(), dst, fs.c_str(), ro | MS_NOSUID | MS_NODEV, nullptr);
    }
    case proto::GuestMount::kBind: {
      std::string src = std::string(kNewRoot) + m.source;
      if (!Mount(why, src.c_str(), dst, nullptr, MS_BIND | MS_REC, nullptr)) return false;
      if (m.readonly)
        return Mount(why, src.c_str(), dst, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr);
      return true;
    }
    case proto::GuestMount::kMask:
      break;  // handled above
  }
  return Fail(why, "unknown mount kind", EINVAL);
}


// The sandbox's /dev, as the container's: a tmpfs with only the harmless
// character devices (copied from the initramfs devtmpfs, which keeps every
// disk, port and memory device out of the command's reach), devpts, shm and
// the usual symlinks, then read-only.
bool BuildMinimalDev(const std::string& dev, GuestFailure* why) {
  if (!Mount(why, "tmpfs", dev, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536"))
    return false;
  for (const char* name : proto::kSandboxDevices) {
    struct stat st;
    std::string node = dev + "/" + name;
    if (stat((std::string("/dev/") + name).c_str(), &st) != 0) return Fail(why, std::string("stat /dev/") + name, errno);
    if (mknod(node.c_str(), S_IFCHR | 0666, st.st_rdev) != 0 || chmod(node.c_str(), 0666) != 0)
      return Fail(why, "mknod " + node, errno);
  }
  mkdir((dev + "/pts").c_str(), 0755);
  mkdir((dev + "/shm").c_str(), 01777);
  if (!Mount(why, "devpts", dev + "/pts", "devpts", MS_NOSUID | MS_NOEXEC,
             "newinstance,ptmxmode=0666,mode=0620,gid=5") ||
      !Mount(why, "tmpfs", dev + "/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777"))
    return false;
  const std::pair<const char*, const char*> links[] = {{"ptmx", "pts/ptmx"},
                                                       {"fd", "/proc/self/fd"},
                                                       {"stdin", "/proc/self/fd/0"},
                                                       {"stdout", "/proc/self/fd/1"},
                                                       {"stderr", "/proc/self/fd/2"}};
  for (const auto& [link, to] : links)
    if (symlink(to, (dev + "/" + link).c_str()) != 0) return Fail(why, "symlink " + dev + "/" + link, errno);
  return Mount(why, "tmpfs", dev, nullptr, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC, "mode=0755,size=65536");
}

// The same /proc and /sys masks as the container (proto/api_fs_policy.h).
bool MaskApiFs(const std::string& r, GuestFailure* why) {
  for (const char* p : proto::kProcMasked)
    if (!Mask(r + p, why)) return false;
  for (const char* p : proto::kSysMasked)
    if (!Mask(r + p, why)) return false;
  for (const char* p : proto::kProcReadOnly) {
    std::string dst = r + p;
    struct stat st;
    if (lstat(dst.c_str(), &st) != 0) continue;
    if (!Mount(why, dst.c_str(), dst, nullptr, MS_BIND | MS_REC, nullptr) ||
        !Mount(why, dst.c_str(), dst, nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr))
      return false;
  }
  return true;
}

}  // namespace

bool BuildGuestRoot(const proto::GuestSetup& setup, uint32_t uid, uint32_t gid, GuestFailure* why) {
  const std::string r = kNewRoot;
  if (!Mount(why, setup.root_tag.c_str(), r, "9p", MS_RDONLY | MS_NODEV, kRootOpts)) return false;
  if (!Mount(why, "proc", r + "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) ||
      !Mount(why, "sysfs", r + "/sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) ||
      !BuildMinimalDev(r + "/dev", why) || !MaskApiFs(r, why))
    return false;
  // Private scratch, as in the container: /tmp, /var/tmp, /run.
  if (!Mount(why, "tmpfs", r + "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") ||
      (access((r + "/var/tmp").c_str(), F_OK) == 0 &&
       !Mount(why, "tmpfs", r + "/var/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777")) ||
      !Mount(why, "tmpfs", r + "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755"))
    return false;
  for (const auto& m : setup.mounts)
    if (!UserMount(m, uid, gid, why)) return false;
  umount2("/proc", MNT_DETACH);
  umount2("/sys", MNT_DETACH);
  if (chdir(kNewRoot) != 0) return Fail(why, "chdir /newroot", errno);
  if (mount(".", "/", nullptr, MS_MOVE, nullptr) != 0) return Fail(why, "move /newroot to /", errno);
  if (chroot(".") != 0 || chdir("/") != 0) return Fail(why, "chroot /newroot", errno);
  if (!setup.hostname.empty() && sethostname(setup.hostname.data(), setup.hostname.size()) != 0)
    return Fail(why, "sethostname", errno);
  return true;
}

bool BringUpLoopback(GuestFailure* why) {
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return Fail(why, "socket for lo", errno);
  ifreq ifr{};
  strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
  bool ok = ioctl(s, SIOCGIFFLAGS, &ifr) == 0;
  ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP | IFF_RUNNING);
  ok = ok && ioctl(s, SIOCSIFFLAGS, &ifr) == 0;
  int err = errno;
  close(s);
  return ok || Fail(why, "bring up lo", err);
}

// One line of a small sysfs file, trailing newline and spaces dropped.
std::string ReadLine(const std::string& path) {
  char buf[128];
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  ssize_t n = read(fd, buf, sizeof buf);
  close(fd);
  std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace vsb::init
