#include "container/pasta.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace vsb::container {

std::vector<std::string> PastaArgv(const policy::PlannedInterface& iface, pid_t sandbox_pid, bool as_root) {
  std::vector<std::string> argv = {"pasta", "-f", "-q"};
  if (as_root) argv.insert(argv.end(), {"--runas", "0"});
  argv.insert(argv.end(), {"--config-net", "-I", iface.name, "--no-map-gw", "-T", "none", "-U", "none"});
  std::vector<std::string> tcp, udp;
  for (const policy::PlannedPublish& p : iface.publish)
    (p.udp ? udp : tcp).push_back(std::to_string(p.host_port) + ":" + std::to_string(p.sandbox_port));
  if (tcp.empty()) tcp.push_back("none");
  if (udp.empty()) udp.push_back("none");
  for (const std::string& spec : tcp) argv.insert(argv.end(), {"-t", spec});
  for (const std::string& spec : udp) argv.insert(argv.end(), {"-u", spec});
  bool v4 = false, v6 = false;
  for (const policy::PlannedAddress& a : iface.addresses) {
    if (a.v6 ? v6 : v4) continue;  // pasta takes one address per family
    argv.insert(argv.end(), {"-a", a.ip});
    if (!a.v6) argv.insert(argv.end(), {"-n", std::to_string(a.prefix)});
    (a.v6 ? v6 : v4) = true;
  }
  for (const policy::PlannedRoute& r : iface.routes)
    if (r.prefix == 0 && !r.gateway.empty()) argv.insert(argv.end(), {"-g", r.gateway});
  if (iface.mtu) argv.insert(argv.end(), {"-m", std::to_string(iface.mtu)});
  if (!iface.mac.empty()) argv.insert(argv.end(), {"--ns-mac-addr", iface.mac});
  std::string proc = "/proc/" + std::to_string(sandbox_pid) + "/ns/";
  argv.insert(argv.end(), {"--netns", proc + "net", "--userns", proc + "user"});
  return argv;
}

Result<pid_t> StartPasta(const policy::PlannedInterface& iface, pid_t sandbox_pid, UniqueFd& log) {
  if (access(kPastaPath, X_OK) != 0)
    return FailErrno(errno, std::string("user networking needs ") + kPastaPath + " (Debian package passt)");
  std::vector<std::string> args = PastaArgv(iface, sandbox_pid, geteuid() == 0);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  log.reset(memfd_create("virt-sandbox-pasta-log", MFD_CLOEXEC));
  if (!log) return FailErrno(errno, "create pasta log");
  UniqueFd devnull(open("/dev/null", O_RDWR | O_CLOEXEC));
  if (!devnull) return FailErrno(errno, "open /dev/null");
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return FailErrno(errno, "fork pasta");
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);  // the launcher died before prctl
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);  // the launcher blocks signals for its signalfd
    // Inherited SIG_IGN survives exec, and pasta 2023-03 refuses to start
    // when SIGPIPE is already ignored ("Couldn't install signal handlers").
    for (int sig = 1; sig < NSIG; ++sig)
      if (sig != SIGKILL && sig != SIGSTOP) signal(sig, SIG_DFL);
    dup2(devnull.get(), 0);
    dup2(devnull.get(), 1);
    dup2(log.get(), 2);
    const char* envp[] = {"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", nullptr};
    execve(kPastaPath, argv.data(), const_cast<char**>(envp));
    _exit(127);
  }
  return pid;
}

std::string ReadPastaLog(int log_fd) {
  std::string text;
  char buf[1024];
  off_t off = 0;
  while (text.size() < 4096) {
    ssize_t n = pread(log_fd, buf, sizeof buf, off);
    if (n <= 0) break;
    text.append(buf, static_cast<size_t>(n));
    off += n;
  }
  // Drop syslog noise; keep pasta's own words on one line.
  std::string out, line;
  for (char c : text + "\n") {
    if (c != '\n') {
      line += c;
      continue;
    }
    if (!line.empty() && line.find("syslog") == std::string::npos) out += (out.empty() ? "" : "; ") + line;
    line.clear();
  }
  return out;
}

}  // namespace vsb::container
