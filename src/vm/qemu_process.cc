#include "vm/qemu_process.h"

#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/syscalls.h"

namespace vsb::vm {
namespace {

// A failure line in QEMU's log (shown when the guest never answers):
// async-signal-safe formatting only.
void LogChildFailure(int fd, const char* step, int err) {
  char buf[160] = "virt-sandbox: confine qemu: ";
  size_t n = strlen(buf);
  const char* desc = strerrordesc_np(err);  // a static string, unlike strerror
  const char* parts[] = {step, ": ", desc ? desc : "unknown error", "\n"};
  for (const char* s : parts)
    for (; *s && n < sizeof buf - 1; ++s) buf[n++] = *s;
  if (write(fd, buf, n) < 0) {
  }
}

// In the child between clone3 and exec: only async-signal-safe calls.
[[noreturn]] void ExecQemu(const QemuLaunch& l, char* const* argv, int sync_rd, int sync_wr) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  close(sync_wr);
  // The parent writes one byte once the id maps and cgroups are set; EOF
  // means it died before (PDEATHSIG is armed from here on).
  char go = 0;
  if (read(sync_rd, &go, 1) != 1) _exit(127);
  close(sync_rd);
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  const char* step = "";
  if (ConfineMountsInChild(l.confine, &step) != 0) {
    LogChildFailure(l.log_fd, step, errno);
    _exit(127);
  }
  int null_fd = open("/dev/null", O_RDONLY);
  if (null_fd < 0 || dup2(null_fd, 0) < 0 || dup2(l.log_fd, 1) < 0 || dup2(l.log_fd, 2) < 0)
    _exit(127);
  // The channel at channel_target, then each net fd after it; all moved high
  // first so that no source is overwritten by an earlier target.
  constexpr size_t kMaxFds = 16;
  int high[kMaxFds];
  size_t n = 0;
  high[n++] = fcntl(l.channel_fd, F_DUPFD_CLOEXEC, 100);
  for (size_t i = 0; i < l.net_fds.size() && n < kMaxFds; ++i) high[n++] = fcntl(l.net_fds[i], F_DUPFD_CLOEXEC, 100);
  for (size_t i = 0; i < n; ++i)
    if (high[i] < 0 || dup2(high[i], l.channel_target + static_cast<int>(i)) < 0) _exit(127);
  sys::CloseRange(static_cast<unsigned>(l.channel_target) + static_cast<unsigned>(n), ~0u, 0);
  setsid();
  if (DropAllCapsInChild(l.confine, l.uid, l.gid, &step) != 0) {
    LogChildFailure(2, step, errno);
    _exit(127);
  }
  execv(argv[0], argv);
  LogChildFailure(2, "exec", errno);
  _exit(127);
}

}  // namespace

Result<QemuProcess> StartQemu(const QemuLaunch& l) {
  std::vector<char*> argv;
  for (const auto& s : l.argv) argv.push_back(const_cast<char*>(s.c_str()));
  argv.push_back(nullptr);
  int sync[2];
  if (pipe2(sync, O_CLOEXEC) != 0) return FailErrno(errno, "create pipe");
  UniqueFd sync_rd(sync[0]), sync_wr(sync[1]);

  clone_args args{};
  int pidfd = -1;
  args.flags = QemuNamespaceFlags() | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (l.cgroup && l.cgroup->cgroup2_dir_fd() >= 0) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = static_cast<uint64_t>(l.cgroup->cgroup2_dir_fd());
  }
  long pid = sys::Clone3(&args);
  if (pid < 0) return FailErrno(errno, "clone3 qemu (namespaces)");
  if (pid == 0) ExecQemu(l, argv.data(), sync_rd.get(), sync_wr.get());
  QemuProcess q;
  q.pid = static_cast<pid_t>(pid);
  q.pidfd.reset(pidfd);
  sync_rd.reset();
  auto fail = [&](const Error& e) -> Result<QemuProcess> {
    sys::PidfdSendSignal(q.pidfd.get(), SIGKILL);
    waitpid(q.pid, nullptr, 0);
    return std::unexpected(e);
  };
  if (auto s = WriteQemuIdMaps(l.confine, q.pid); !s) return fail(s.error().WithContext("qemu"));
  if (l.cgroup)
    if (auto s = l.cgroup->AddProcess(q.pid); !s) return fail(s.error().WithContext("qemu"));
  char go = 1;
  if (write(sync_wr.get(), &go, 1) != 1) return fail(Error::FromErrno(errno, "start qemu"));
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
