#include "vm/qemu_process.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "base/syscalls.h"

namespace vsb::vm {
namespace {

// In the child between fork and exec: only async-signal-safe calls.
[[noreturn]] void ExecQemu(const QemuLaunch& l, char* const* argv, pid_t parent) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the launcher already died
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(l.log_fd, 1) < 0 || dup2(l.log_fd, 2) < 0)
    _exit(127);
  if (dup2(l.channel_fd, l.channel_target) < 0) _exit(127);
  sys::CloseRange(static_cast<unsigned>(l.channel_target) + 1, ~0u, 0);
  setsid();
  // Least privilege: the caller's identity, and for a root caller no
  // capabilities either (an empty bounding set means exec grants none), so a
  // QEMU or 9p-server compromise lands with the caller's rights or less.
  if (getuid() == 0) {
    for (int cap = 0; cap <= 63; ++cap) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    if (l.uid != 0 || l.gid != 0) {
      if (setgroups(0, nullptr) != 0 || setresgid(l.gid, l.gid, l.gid) != 0 ||
          setresuid(l.uid, l.uid, l.uid) != 0)
        _exit(127);
    }
  }
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) _exit(127);
  execv(argv[0], argv);
  _exit(127);
}

}  // namespace

Result<QemuProcess> StartQemu(const QemuLaunch& l) {
  std::vector<char*> argv;
  for (const auto& s : l.argv) argv.push_back(const_cast<char*>(s.c_str()));
  argv.push_back(nullptr);
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return FailErrno(errno, "fork qemu");
  if (pid == 0) ExecQemu(l, argv.data(), parent);
  QemuProcess q;
  q.pid = pid;
  q.pidfd.reset(sys::PidfdOpen(pid));
  if (!q.pidfd) {
    int err = errno;
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return FailErrno(err, "pidfd_open qemu");
  }
  return q;
}

void StopQemu(QemuProcess* q, int timeout_ms) {
  if (q->pid <= 0) return;
  pollfd p{q->pidfd.get(), POLLIN, 0};
  if (timeout_ms <= 0 || poll(&p, 1, timeout_ms) <= 0) kill(q->pid, SIGKILL);
  while (waitpid(q->pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  q->pid = -1;
  q->pidfd.reset();
}

}  // namespace vsb::vm
