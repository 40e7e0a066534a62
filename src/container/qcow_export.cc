#include "container/qcow_export.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <vector>

#include "base/syscalls.h"
#include "container/temp_dir.h"

namespace vsb::container {
namespace {

constexpr const char* kDaemon = "/usr/bin/qemu-storage-daemon";
constexpr long kFuseMagic = 0x65735546;

// Blockdev option values are comma-separated; a comma in a path is doubled.
std::string Escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    out += c;
    if (c == ',') out += ',';
  }
  return out;
}

bool Exported(const std::string& path) {
  struct statfs fs;
  return statfs(path.c_str(), &fs) == 0 && fs.f_type == kFuseMagic;
}

}  // namespace

Result<QcowExport> QcowExport::Start(const std::string& image, bool writable, const std::string& name,
                                     Janitor& janitor) {
  if (access(kDaemon, X_OK) != 0)
    return Fail(Error(ErrorCode::kNotFound, "host-image " + image +
                                                ": qcow2 needs qemu-storage-daemon (apt-get install qemu-utils)"));
  std::string dir = "/run/virt-sandbox-" + name + "-qcow-XXXXXX";
  if (!mkdtemp(dir.data())) return FailErrno(errno, "create qcow2 export directory");
  janitor.TrackDirectory(dir);
  std::string raw = dir + "/raw";
  if (int fd = open(raw.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600); fd >= 0) close(fd);
  const char* ro = writable ? "off" : "on";
  std::vector<std::string> args = {
      kDaemon,
      "--blockdev", "driver=file,node-name=file,read-only=" + std::string(ro) + ",filename=" + Escape(image),
      "--blockdev", "driver=qcow2,node-name=qcow,file=file,read-only=" + std::string(ro),
      "--export", "type=fuse,id=exp,node-name=qcow,writable=" + std::string(writable ? "on" : "off") +
                      ",mountpoint=" + Escape(raw)};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) {
    RemoveTree(dir);
    return FailErrno(errno, "fork qemu-storage-daemon");
  }
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(1);
    int null_fd = open("/dev/null", O_RDWR);
    dup2(null_fd, 0);
    dup2(null_fd, 1);
    sys::CloseRange(3, ~0u, 0);
    execv(kDaemon, argv.data());
    _exit(127);
  }
  QcowExport exp(pid, dir);
  for (int i = 0; i < 1000; ++i) {  // up to 10 s
    if (Exported(raw)) return exp;
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      exp.pid_ = -1;
      return FailInvalid("host-image " + image + ": qemu-storage-daemon could not open it as qcow2");
    }
    usleep(10000);
  }
  return Fail(Error(ErrorCode::kTimeout, "host-image " + image + ": qcow2 export did not appear"));
}

QcowExport::~QcowExport() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    waitpid(pid_, nullptr, 0);
  }
  if (!dir_.empty()) RemoveTree(dir_);
}

}  // namespace vsb::container
