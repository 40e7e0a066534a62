// Floor mode (kernel command line `vsb.floor=PATH`): the least a guest can do
// to run one command — load the modules, mount the 9p root read-only, chroot,
// run PATH, power off through isa-debug-exit — with no host channel. Used by
// bench/vm-boot.sh as the hand-written baseline the engine is compared with.
#include <fcntl.h>
#include <sys/io.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>

#include "init/vm_guest.h"

namespace vsb::init {

std::string FloorCommand() {
  char buf[4096];
  int fd = open("/proc/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return "";
  std::string cmdline(buf, static_cast<size_t>(n));
  auto pos = cmdline.find("vsb.floor=");
  if (pos == std::string::npos) return "";
  pos += 10;
  return cmdline.substr(pos, cmdline.find_first_of(" \n", pos) - pos);
}

[[noreturn]] void FloorMain(const std::string& path) {
  GuestFailure why;
  LoadModules("/modules.list", "/modules", &why);
  int code = 125;
  if (mount("vsbroot", "/newroot", "9p", MS_RDONLY, "trans=virtio,version=9p2000.L,cache=loose,msize=262144") == 0 &&
      chroot("/newroot") == 0 && chdir("/") == 0) {
    pid_t pid = fork();
    if (pid == 0) {
      execl(path.c_str(), path.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    int st = 0;
    if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st)) code = WEXITSTATUS(st);
  }
  // QEMU exits with (value << 1) | 1.
  if (ioperm(0xf4, 1, 1) == 0) outb(static_cast<unsigned char>(code > 125 ? 126 : code + 1), 0xf4);
  PowerOff();
}

}  // namespace vsb::init
