#include "container/janitor.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <vector>

#include "base/syscalls.h"
#include "container/temp_dir.h"

namespace vsb::container {
namespace {

constexpr char kDismiss = 'Q';

void EmptyAndRemove(const std::string& dir) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (rmdir(dir.c_str()) == 0 || errno == ENOENT) break;
    if (std::ofstream kill_file(dir + "/cgroup.kill"); kill_file) kill_file << "1";
    std::ifstream procs(dir + "/cgroup.procs");
    for (pid_t pid; procs >> pid;) kill(pid, SIGKILL);
    usleep(10000);
  }
  // The shared parent goes when the last sandbox leaves (busy otherwise).
  rmdir(std::filesystem::path(dir).parent_path().c_str());
}

void RemoveDirectory(const std::string& dir) {
  // A qcow2 export's FUSE mount disappears once its daemon has seen SIGTERM.
  for (int attempt = 0; attempt < 200 && std::filesystem::exists(dir); ++attempt) {
    RemoveTree(dir);
    if (std::filesystem::exists(dir)) usleep(10000);
  }
}

[[noreturn]] void JanitorMain(int pipe_fd) {
  prctl(PR_SET_NAME, "vsb-janitor");
  std::string data;
  char buf[4096];
  for (;;) {
    ssize_t n = read(pipe_fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    data.append(buf, n);
  }
  std::vector<std::string> cgroups, dirs;
  size_t pos = 0;
  while (pos < data.size()) {
    char kind = data[pos];
    if (kind == kDismiss) _exit(0);  // the launcher cleaned up itself
    size_t end = data.find('\0', pos + 1);
    if (end == std::string::npos) break;
    (kind == 'C' ? cgroups : dirs).push_back(data.substr(pos + 1, end - pos - 1));
    pos = end + 1;
  }
  for (auto it = cgroups.rbegin(); it != cgroups.rend(); ++it) EmptyAndRemove(*it);
  for (const auto& d : dirs) RemoveDirectory(d);
  _exit(0);
}

}  // namespace

Result<Janitor> Janitor::Start() {
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
    // Keep only the pipe: no caller pipe or terminal stays open through it.
    if (dup2(rd.get(), 3) < 0) _exit(1);
    int null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int i = 0; i < 3; ++i) dup2(null_fd, i);
    sys::CloseRange(4, ~0u, 0);
    JanitorMain(3);
  }
  return Janitor(std::move(wr), pid);
}

void Janitor::Send(char kind, const std::string& path) {
  std::string record(1, kind);
  record += path;
  record += '\0';
  ssize_t ignored = write(pipe_.get(), record.data(), record.size());
  (void)ignored;
}

void Janitor::Dismiss() {
  if (pid_ < 0) return;
  char byte = kDismiss;
  ssize_t ignored = write(pipe_.get(), &byte, 1);
  (void)ignored;
  pipe_.reset();
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

}  // namespace vsb::container
