// Guest boot steps before the host channel is up.
#include <dirent.h>
#include <fcntl.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "init/vm_guest.h"

namespace vsb::init {
namespace {

constexpr unsigned kModuleInitCompressedFile = 4;  // MODULE_INIT_COMPRESSED_FILE

bool Fail(GuestFailure* why, std::string step, int err) {
  why->step = std::move(step);
  why->err = err;
  return false;
}

bool EndsWith(const std::string& s, const char* suffix) {
  size_t n = strlen(suffix);
  return s.size() >= n && s.compare(s.size() - n, n, suffix) == 0;
}

std::string ReadSmall(const std::string& path) {
  char buf[256];
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return "";
  std::string s(buf, static_cast<size_t>(n));
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

void KernelLog(const std::string& line) {
  int fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
  if (fd < 0) return;
  std::string l = "<2>virt-sandbox-init: " + line + "\n";
  if (write(fd, l.data(), l.size()) < 0) {
  }
  close(fd);
}

bool MountEarly(GuestFailure* why) {
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return Fail(why, "mount proc on /proc", errno);
  if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0)
    return Fail(why, "mount sysfs on /sys", errno);
  if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") != 0 && errno != EBUSY)
    return Fail(why, "mount devtmpfs on /dev", errno);
  return true;
}

bool LoadModules(const char* list, const char* dir, GuestFailure* why) {
  std::ifstream in(list);
  for (std::string name; std::getline(in, name);) {
    if (name.empty()) continue;
    std::string path = std::string(dir) + "/" + name;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Fail(why, "open module " + path, errno);
    unsigned flags = (EndsWith(name, ".xz") || EndsWith(name, ".gz") || EndsWith(name, ".zst"))
                         ? kModuleInitCompressedFile
                         : 0;
    long rc = syscall(SYS_finit_module, fd, "", flags);
    int err = errno;
    close(fd);
    if (rc != 0 && err != EEXIST) return Fail(why, "load module " + name, err);
  }
  return true;
}

int OpenPort(const char* name, int timeout_ms, GuestFailure* why) {
  timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (;;) {
    if (DIR* d = opendir("/sys/class/virtio-ports")) {
      while (dirent* e = readdir(d)) {
        if (e->d_name[0] == '.') continue;
        std::string dev = e->d_name;
        if (ReadSmall("/sys/class/virtio-ports/" + dev + "/name") != name) continue;
        closedir(d);
        int fd = open(("/dev/" + dev).c_str(), O_RDWR | O_CLOEXEC | O_NOCTTY);
        if (fd < 0) {
          Fail(why, "open /dev/" + dev, errno);
          return -1;
        }
        return fd;
      }
      closedir(d);
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
    if (ms > timeout_ms) {
      Fail(why, std::string("find virtio port ") + name, ETIMEDOUT);
      return -1;
    }
    usleep(2000);
  }
}

void PowerOff() {
  sync();
  reboot(RB_POWER_OFF);
  // Fallback: isa-debug-exit ends QEMU at once.
  if (ioperm(0xf4, 1, 1) == 0) outb(1, 0xf4);
  for (;;) pause();
}

}  // namespace vsb::init
