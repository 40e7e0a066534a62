#include "container/janitor.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "base/syscalls.h"
#include "container/temp_dir.h"

namespace vsb::container {
namespace {

void EmptyAndRemove(const std::string& dir) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (rmdir(dir.c_str()) == 0 || errno == ENOENT) return;
    if (std::ofstream kill_file(dir + "/cgroup.kill"); kill_file) kill_file << "1";
    std::ifstream procs(dir + "/cgroup.procs");
    for (pid_t pid; procs >> pid;) kill(pid, SIGKILL);
    usleep(10000);
  }
}

[[noreturn]] void JanitorMain(int pipe_fd, int pidfd, const std::vector<std::string>& cgroups,
                              const std::vector<std::string>& temps) {
  prctl(PR_SET_NAME, "vsb-janitor");
  char byte;
  ssize_t n;
  while ((n = read(pipe_fd, &byte, 1)) < 0 && errno == EINTR) {
  }
  if (n == 1) _exit(0);  // the launcher cleaned up itself
  // The launcher died; its death also killed the sandbox's init (pdeathsig).
  pollfd p{pidfd, POLLIN, 0};
  poll(&p, 1, 10000);
  for (auto it = cgroups.rbegin(); it != cgroups.rend(); ++it) EmptyAndRemove(*it);
  for (const auto& t : temps) RemoveTree(t);
  _exit(0);
}

}  // namespace

Result<Janitor> Janitor::Start(int init_pidfd, std::vector<std::string> cgroup_dirs,
                               std::vector<std::string> temp_dirs) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0) return FailErrno(errno, "create janitor pipe");
  UniqueFd rd(fds[0]), wr(fds[1]);
  pid_t pid = fork();
  if (pid < 0) return FailErrno(errno, "fork janitor");
  if (pid == 0) {
    setsid();
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGPIPE}) signal(sig, SIG_IGN);
    // Keep only what the janitor needs: no caller pipe stays open through it.
    int keep_pipe = dup3(rd.get(), 3, O_CLOEXEC) < 0 ? rd.get() : 3;
    int keep_pidfd = fcntl(init_pidfd, F_DUPFD_CLOEXEC, 4);
    int null_fd = open("/dev/null", O_RDWR);
    for (int i = 0; i < 3; ++i) dup2(null_fd, i);
    sys::CloseRange(std::max(keep_pipe, keep_pidfd) + 1, ~0u, 0);
    for (int fd = 4; fd < keep_pidfd; ++fd) close(fd);
    JanitorMain(keep_pipe, keep_pidfd, cgroup_dirs, temp_dirs);
  }
  return Janitor(std::move(wr), pid);
}

void Janitor::Dismiss() {
  if (pid_ < 0) return;
  char byte = 1;
  ssize_t ignored = write(pipe_.get(), &byte, 1);
  (void)ignored;
  pipe_.reset();
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace vsb::container
