#include "vm/passt.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sys/syscall.h>

#include <cerrno>

#include "base/syscalls.h"

namespace vsb::vm {
namespace {

constexpr const char* kPasst = "/usr/bin/passt";

std::string Ports(const policy::PlannedInterface& iface, bool udp) {
  std::string spec;
  for (const auto& p : iface.publish) {
    if (p.udp != udp) continue;
    if (!spec.empty()) spec += ",";
    spec += std::to_string(p.host_port) + ":" + std::to_string(p.sandbox_port);
  }
  return spec.empty() ? "none" : spec;
}

}  // namespace

std::vector<std::string> PasstArgv(const policy::PlannedInterface& iface, int fd) {
  std::vector<std::string> a = {kPasst, "--foreground", "--quiet", "--one-off", "--fd", std::to_string(fd),
                                "--no-map-gw", "--tcp-ports", Ports(iface, false), "--udp-ports",
                                Ports(iface, true)};
  if (iface.mtu) a.insert(a.end(), {"--mtu", std::to_string(iface.mtu)});
  return a;
}

Result<Passt> Passt::Start(const policy::PlannedInterface& iface, int socket_fd, int log_fd) {
  if (access(kPasst, X_OK) != 0)
    return FailErrno(errno, std::string(kPasst) + " (-N user needs the passt package)");
  constexpr int kPasstFd = 3;
  std::vector<std::string> args = PasstArgv(iface, kPasstFd);
  std::vector<char*> argv;
  for (auto& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  const pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return FailErrno(errno, "fork passt");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int sock = fcntl(socket_fd, F_DUPFD_CLOEXEC, 10);
    if (null_fd < 0 || sock < 0 || dup2(null_fd, 0) < 0 || dup2(log_fd, 1) < 0 || dup2(log_fd, 2) < 0 ||
        dup2(sock, kPasstFd) < 0)
      _exit(127);
    sys::CloseRange(kPasstFd + 1, ~0u, 0);
    execv(kPasst, argv.data());
    _exit(127);
  }
  return Passt(pid, UniqueFd(static_cast<int>(syscall(SYS_pidfd_open, pid, 0))));
}

Passt::~Passt() {
  if (pid_ <= 0) return;
  if (pidfd_) sys::PidfdSendSignal(pidfd_.get(), SIGKILL);
  else kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
}

}  // namespace vsb::vm
