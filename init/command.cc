#include "init/command.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/keyctl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <vector>

#include "base/syscalls.h"
#include "init/harden_caps.h"
#include "init/harden_landlock.h"
#include "init/harden_seccomp.h"

extern char** environ;

namespace vsb::init {
namespace {

using proto::InitReport;

[[noreturn]] void Report(int fd, InitReport::Kind kind, int err, const char* step, const char* object = nullptr) {
  InitReport r;
  proto::MakeReport(&r, kind, 0, err, step, object);
  ssize_t ignored = write(fd, &r, sizeof r);
  (void)ignored;
  _exit(127);
}

// Moves the three stdio fds into place even when they overlap 0-2.
bool PlaceStdio(const CommandStdio& io) {
  int src[3] = {io.in, io.out, io.err};
  int tmp[3];
  for (int i = 0; i < 3; ++i)
    if ((tmp[i] = fcntl(src[i], F_DUPFD_CLOEXEC, 10)) < 0) return false;
  for (int i = 0; i < 3; ++i)
    if (dup2(tmp[i], i) < 0) return false;
  for (int i = 0; i < 3; ++i) close(tmp[i]);
  return true;
}

// Closes every descriptor above 2 except those in `keep` (sorted).
void CloseAllBut(std::vector<int> keep) {
  std::sort(keep.begin(), keep.end());
  unsigned next = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (next < static_cast<unsigned>(fd)) sys::CloseRange(next, fd - 1, 0);
    next = fd + 1;
  }
  sys::CloseRange(next, ~0u, 0);
}

[[noreturn]] void RunChild(const proto::InitSpec& spec, const CommandStdio& io, int err_fd) {
  // Default dispositions: an ignored SIGPIPE inherited from the caller would
  // otherwise survive exec and change how pipelines end.
  for (int sig = 1; sig < NSIG; ++sig) signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  // A new session: the command cannot reach the caller's terminal through
  // job control or /dev/tty.
  if (setsid() < 0) Report(err_fd, InitReport::kSetupFailed, errno, "setsid");
  if (io.make_ctty && ioctl(io.in, TIOCSCTTY, 0) < 0)
    Report(err_fd, InitReport::kSetupFailed, errno, "set controlling terminal");
  if (!PlaceStdio(io)) Report(err_fd, InitReport::kSetupFailed, errno, "set up stdio");

  if (spec.set_groups) {
    std::vector<gid_t> groups(spec.groups.begin(), spec.groups.end());
    if (setgroups(groups.size(), groups.data()) < 0)
      Report(err_fd, InitReport::kSetupFailed, errno, "setgroups");
  }
  if (setresgid(spec.gid, spec.gid, spec.gid) < 0) Report(err_fd, InitReport::kSetupFailed, errno, "setresgid");
  // Keep the permitted set across setresuid just long enough for
  // DropCapabilities to clear the bounding set (it needs CAP_SETPCAP).
  prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
  if (setresuid(spec.uid, spec.uid, spec.uid) < 0) Report(err_fd, InitReport::kSetupFailed, errno, "setresuid");
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  // A fresh session keyring: no keys of the launcher's session are reachable.
  syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, nullptr);
  if (int e = DropCapabilities(spec.keep_caps); e) Report(err_fd, InitReport::kSetupFailed, e, "drop capabilities");
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0) Report(err_fd, InitReport::kSetupFailed, errno, "set no_new_privs");
  if (spec.landlock)
    if (int e = ApplyLandlock(spec.landlock_writable); e) Report(err_fd, InitReport::kSetupFailed, e, "apply landlock");
  if (chdir(spec.cwd.c_str()) < 0) {
    if (spec.cwd_required) Report(err_fd, InitReport::kSetupFailed, errno, "--cwd", spec.cwd.c_str());
    if (chdir("/") < 0) Report(err_fd, InitReport::kSetupFailed, errno, "chdir /");
  }
  std::vector<int> keep(spec.pass_fds.begin(), spec.pass_fds.end());
  keep.push_back(err_fd);
  CloseAllBut(keep);

  std::vector<char*> argv, envp;
  for (const auto& a : spec.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  for (const auto& e : spec.env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  environ = envp.data();  // execvp searches the sandbox's PATH
  // Last: after this only the command's own syscalls are filtered.
  if (!spec.seccomp_bpf.empty())
    if (int e = LoadSeccomp(spec.seccomp_bpf); e) Report(err_fd, InitReport::kSetupFailed, e, "load seccomp filter");
  execvp(argv[0], argv.data());
  Report(err_fd, InitReport::kExecFailed, errno, "exec", argv[0]);
}

}  // namespace

Spawned SpawnCommand(const proto::InitSpec& spec, const CommandStdio& stdio) {
  Spawned s;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return s;
  // vfork: PID 1 may be a copy of the whole launcher, and copying its page
  // tables costs more here than the rest of start-up. The child runs on our
  // stack and memory until exec (RunChild never returns) while we wait; it
  // repoints `environ` for execvp's PATH search, so we restore it.
  char** saved_environ = environ;
  pid_t pid = vfork();
  if (pid == 0) RunChild(spec, stdio, fds[1]);
  environ = saved_environ;
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return s;
  }
  close(fds[1]);
  s.pid = pid;
  s.exec_error_fd = fds[0];
  return s;
}

bool ReadSpawnFailure(int exec_error_fd, proto::InitReport* report) {
  proto::InitReport r;
  ssize_t n = read(exec_error_fd, &r, sizeof r);
  close(exec_error_fd);
  if (n != sizeof r || r.magic != proto::InitReport::kMagic) return false;
  *report = r;
  return true;
}

proto::InitReport ReportFromWaitStatus(int wait_status) {
  proto::InitReport r;
  if (WIFSIGNALED(wait_status))
    proto::MakeReport(&r, proto::InitReport::kSignaled, WTERMSIG(wait_status), 0, "");
  else
    proto::MakeReport(&r, proto::InitReport::kExited, WEXITSTATUS(wait_status), 0, "");
  return r;
}

}  // namespace vsb::init
