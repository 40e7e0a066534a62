#include "container/host_image.h"

#include <fcntl.h>
#include <linux/loop.h>
#include <linux/mount.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstring>

#include "base/syscalls.h"

namespace vsb::container {
namespace {

bool At(const char* buf, size_t size, size_t off, const char* magic, size_t len) {
  return off + len <= size && memcmp(buf + off, magic, len) == 0;
}

}  // namespace

Result<std::string> DetectFilesystem(int image_fd, const std::string& path) {
  static char buf[0x10100];
  ssize_t n = pread(image_fd, buf, sizeof buf, 0);
  if (n < 0) return FailErrno(errno, "read image " + path);
  size_t size = static_cast<size_t>(n);
  if (At(buf, size, 0, "QFI\xfb", 4))
    return FailInvalid("host-image " + path + ": a qcow2 image named as raw (use format=qcow2)");
  if (At(buf, size, 0x438, "\x53\xef", 2)) return std::string("ext4");  // ext2/3/4
  if (At(buf, size, 0, "XFSB", 4)) return std::string("xfs");
  if (At(buf, size, 0x10040, "_BHRfS_M", 8)) return std::string("btrfs");
  if (At(buf, size, 0x52, "FAT32   ", 8) || At(buf, size, 0x36, "FAT1", 4)) return std::string("vfat");
  return FailInvalid("host-image " + path + ": no ext2/3/4, xfs, btrfs or vfat filesystem found");
}

Result<UniqueFd> MountImage(const std::string& path, bool writable) {
  UniqueFd image(open(path.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC));
  if (!image) return FailErrno(errno, "open host-image " + path);
  VSB_ASSIGN_OR_RETURN(std::string fstype, DetectFilesystem(image.get(), path));

  UniqueFd control(open("/dev/loop-control", O_RDWR | O_CLOEXEC));
  if (!control) return FailErrno(errno, "open /dev/loop-control");
  UniqueFd loop;
  for (int attempt = 0; attempt < 8 && !loop; ++attempt) {
    int n = ioctl(control.get(), LOOP_CTL_GET_FREE);
    if (n < 0) return FailErrno(errno, "find a free loop device");
    std::string dev = "/dev/loop" + std::to_string(n);
    UniqueFd fd(open(dev.c_str(), (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC));
    if (!fd) continue;
    loop_config cfg{};
    cfg.fd = static_cast<__u32>(image.get());
    cfg.info.lo_flags = LO_FLAGS_AUTOCLEAR | (writable ? 0 : LO_FLAGS_READ_ONLY);
    if (ioctl(fd.get(), LOOP_CONFIGURE, &cfg) == 0) loop = std::move(fd);
    else if (errno != EBUSY) return FailErrno(errno, "attach " + path + " to " + dev);
  }
  if (!loop) return FailErrno(EBUSY, "attach " + path + " to a loop device");

  UniqueFd fs(sys::FsOpen(fstype.c_str(), FSOPEN_CLOEXEC));
  if (!fs) return FailErrno(errno, "open filesystem " + fstype);
  std::string source = "/proc/self/fd/" + std::to_string(loop.get());
  if (sys::FsConfig(fs.get(), FSCONFIG_SET_STRING, "source", source.c_str(), 0) < 0)
    return FailErrno(errno, "host-image " + path + ": set source");
  if (!writable) sys::FsConfig(fs.get(), FSCONFIG_SET_FLAG, "ro", nullptr, 0);
  if (sys::FsConfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) < 0)
    return FailErrno(errno, "mount " + fstype + " image " + path);
  unsigned attrs = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | (writable ? 0 : MOUNT_ATTR_RDONLY);
  UniqueFd mnt(sys::FsMount(fs.get(), FSMOUNT_CLOEXEC, attrs));
  if (!mnt) return FailErrno(errno, "mount " + fstype + " image " + path);
  return mnt;
}

}  // namespace vsb::container
