#include "init/container_init.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "base/fd_passing.h"
#include "init/command.h"

namespace vsb::init {
namespace {

using proto::InitReport;

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};

[[noreturn]] void Finish(const InitReport& r) {
  ssize_t ignored = write(proto::kReportFd, &r, sizeof r);
  (void)ignored;
  _exit(0);
}

[[noreturn]] void FailSetup(const char* step) {
  InitReport r;
  proto::MakeReport(&r, InitReport::kSetupFailed, 0, errno, step);
  Finish(r);
}

std::string ReadSpec() {
  struct stat st;
  if (fstat(proto::kSpecFd, &st) < 0 || st.st_size <= 0 || st.st_size > (64 << 20)) return {};
  std::string data(static_cast<size_t>(st.st_size), '\0');
  if (pread(proto::kSpecFd, data.data(), data.size(), 0) != st.st_size) return {};
  close(proto::kSpecFd);
  return data;
}

void NoOp(int) {}

// PID 1 ignores signals without a handler, so each forwarded signal gets a
// real (empty) handler, is blocked, and is read from a signalfd instead.
int SignalFd() {
  sigset_t mask;
  sigemptyset(&mask);
  struct sigaction sa {};
  sa.sa_handler = NoOp;
  for (int sig : kForwarded) {
    sigaction(sig, &sa, nullptr);
    sigaddset(&mask, sig);
  }
  sigaction(SIGCHLD, &sa, nullptr);
  sigaddset(&mask, SIGCHLD);
  sigprocmask(SIG_BLOCK, &mask, nullptr);
  return signalfd(-1, &mask, SFD_CLOEXEC);
}

// Allocates a pty from the sandbox's own devpts and hands the master to the
// launcher; returns the slave for the command.
int OpenTerminal(const proto::InitSpec& spec) {
  int master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0 || unlockpt(master) < 0) FailSetup("allocate pty");
  char name[64];
  if (ptsname_r(master, name, sizeof name) != 0) FailSetup("allocate pty");
  int slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) FailSetup("open pty");
  int ignored = fchown(slave, spec.uid, spec.gid);
  (void)ignored;
  if (spec.rows && spec.cols) {
    winsize ws{spec.rows, spec.cols, 0, 0};
    ioctl(master, TIOCSWINSZ, &ws);
  }
  if (!SendFd(proto::kControlFd, master)) FailSetup("send terminal to launcher");
  close(master);
  close(proto::kControlFd);
  return slave;
}

}  // namespace

bool IsContainerInit() { return getpid() == 1 && fcntl(proto::kSpecFd, F_GETFD) >= 0; }

int ContainerInitMain() {
  fcntl(proto::kReportFd, F_SETFD, FD_CLOEXEC);
  fcntl(proto::kControlFd, F_SETFD, FD_CLOEXEC);
  auto spec = proto::InitSpec::Decode(ReadSpec());
  if (!spec) {
    errno = EINVAL;
    FailSetup("decode init spec");
  }
  int sigfd = SignalFd();
  if (sigfd < 0) FailSetup("create signalfd");

  CommandStdio io;
  int slave = -1;
  if (spec->tty) {
    slave = OpenTerminal(*spec);
    io = {slave, slave, slave, true};
  }
  Spawned cmd = SpawnCommand(*spec, io);
  if (cmd.pid < 0) FailSetup("fork command");
  if (slave >= 0) close(slave);

  int status = 0;
  for (bool done = false; !done;) {
    signalfd_siginfo info;
    if (read(sigfd, &info, sizeof info) != sizeof info) continue;
    int sig = static_cast<int>(info.ssi_signo);
    if (sig != SIGCHLD) {
      // To the command's process group, as a terminal would: `sh -c 'sleep
      // 30; ...'` ends on SIGINT now, not after the sleep. The command leads
      // its own session, so its group is its pid.
      if (kill(-cmd.pid, sig) < 0) kill(cmd.pid, sig);
      continue;
    }
    int st;
    for (pid_t pid; (pid = waitpid(-1, &st, WNOHANG)) > 0;) {
      if (pid == cmd.pid) {
        status = st;
        done = true;
      }
    }
  }
  // The command's end is the sandbox's end: nothing it started outlives it.
  kill(-1, SIGKILL);
  while (waitpid(-1, nullptr, 0) > 0 || errno == EINTR) {
  }
  InitReport report;
  if (!ReadSpawnFailure(cmd.exec_error_fd, &report)) report = ReportFromWaitStatus(status);
  Finish(report);
}

}  // namespace vsb::init
