#include "testing/test_env.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstring>
#include <dirent.h>
#include <fstream>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

extern char** environ;

namespace vsb::testing {

std::string BuildPath(const std::string& name) { return std::string(VSB_BINARY_DIR) + "/" + name; }
std::string SourcePath(const std::string& rel) { return std::string(VSB_SOURCE_DIR) + "/" + rel; }

CliRun RunProgram(const std::vector<std::string>& argv, const std::string& input, int timeout_s) {
  int in[2], out[2], err[2];
  if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC) || pipe2(err, O_CLOEXEC)) {
    ADD_FAILURE() << "pipe: " << strerror(errno);
    return {};
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in[0], 0);
  posix_spawn_file_actions_adddup2(&fa, out[1], 1);
  posix_spawn_file_actions_adddup2(&fa, err[1], 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, cargv[0], &fa, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  close(in[0]);
  close(out[1]);
  close(err[1]);
  CliRun run;
  if (rc != 0) {
    ADD_FAILURE() << "spawn " << argv[0] << ": " << strerror(rc);
    close(in[1]);
    close(out[0]);
    close(err[0]);
    return run;
  }
  signal(SIGPIPE, SIG_IGN);
  size_t written = 0;
  int in_fd = in[1];
  if (input.empty()) {
    close(in_fd);
    in_fd = -1;
  } else {
    fcntl(in_fd, F_SETFL, O_NONBLOCK);
  }
  timespec start;
  clock_gettime(CLOCK_MONOTONIC, &start);
  int open_fds = 2;
  char buf[65536];
  while (open_fds > 0 || in_fd >= 0) {
    pollfd p[3] = {{out[0], POLLIN, 0}, {err[0], POLLIN, 0}, {in_fd, POLLOUT, 0}};
    int n = poll(p, 3, 1000);
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (now.tv_sec - start.tv_sec > timeout_s) {
      ADD_FAILURE() << "timed out after " << timeout_s << " s: " << argv[0];
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
      break;
    }
    if (n <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (p[i].fd < 0 || !(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t r = read(p[i].fd, buf, sizeof buf);
      if (r > 0) {
        (i == 0 ? run.out : run.err).append(buf, r);
      } else if (r == 0 || errno != EINTR) {
        close(p[i].fd);
        (i == 0 ? out[0] : err[0]) = -1;
        --open_fds;
      }
    }
    if (in_fd >= 0 && (p[2].revents & (POLLOUT | POLLERR | POLLHUP))) {
      ssize_t w = write(in_fd, input.data() + written, input.size() - written);
      if (w > 0) written += w;
      if (w < 0 && errno != EAGAIN) written = input.size();
      if (written == input.size()) {
        close(in_fd);
        in_fd = -1;
      }
    }
  }
  if (in_fd >= 0) close(in_fd);
  if (out[0] >= 0) close(out[0]);
  if (err[0] >= 0) close(err[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  run.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return run;
}

std::vector<std::string> CliCommand() {
  std::vector<std::string> argv{BuildPath("virt-sandbox")};
  const std::string dir = VSB_BINARY_DIR;
  for (const char* priv : {"/tmp", "/var/tmp", "/run"}) {
    if (dir.rfind(std::string(priv) + "/", 0) == 0) {
      argv.push_back("-m");
      argv.push_back("host-bind:" + dir + "=" + dir + ",ro");
      break;
    }
  }
  return argv;
}

std::string CliCommandLine() {
  std::string line;
  for (const auto& a : CliCommand()) line += (line.empty() ? "'" : " '") + a + "'";
  return line;
}

CliRun RunCli(const std::vector<std::string>& args, const std::string& input, int timeout_s) {
  std::vector<std::string> argv = CliCommand();
  argv.insert(argv.end(), args.begin(), args.end());
  return RunProgram(argv, input, timeout_s);
}

std::string MissingRoot() {
  if (geteuid() != 0) return "needs root (run the suite as root, as CI does)";
  return "";
}

std::string MissingVm() {
  if (access("/usr/bin/qemu-system-x86_64", X_OK) != 0)
    return "needs qemu-system-x86_64 (scripts/bootstrap installs it)";
  DIR* d = opendir("/boot");
  bool kernel = false;
  if (d) {
    while (dirent* e = readdir(d))
      if (strncmp(e->d_name, "vmlinuz-", 8) == 0) kernel = true;
    closedir(d);
  }
  if (!kernel) return "needs a kernel in /boot (scripts/bootstrap installs linux-image-amd64)";
  return "";
}

static std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

static std::string ListMatching(const std::string& dir, const std::string& prefix) {
  std::set<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d))
      if (strncmp(e->d_name, prefix.c_str(), prefix.size()) == 0) names.insert(e->d_name);
    closedir(d);
  }
  std::string all;
  for (const auto& n : names) all += dir + "/" + n + "\n";
  return all;
}

HostSnapshot TakeHostSnapshot() {
  HostSnapshot s;
  std::istringstream mi(ReadFile("/proc/self/mountinfo"));
  std::set<std::string> points;
  for (std::string line; std::getline(mi, line);) {
    std::istringstream f(line);
    std::string id, parent, dev, root, point;
    f >> id >> parent >> dev >> root >> point;
    points.insert(point);
  }
  for (const auto& p : points) s.mounts += p + "\n";
  for (const char* base : {"/sys/fs/cgroup/unified/virt-sandbox", "/sys/fs/cgroup/virt-sandbox",
                           "/sys/fs/cgroup/memory/virt-sandbox", "/sys/fs/cgroup/pids/virt-sandbox",
                           "/sys/fs/cgroup/cpu/virt-sandbox"})
    s.cgroups += ListMatching(base, "");
  s.temp_dirs = ListMatching("/tmp", "virt-sandbox") + ListMatching("/var/tmp", "virt-sandbox") +
                ListMatching("/run", "virt-sandbox");
  if (DIR* d = opendir("/proc")) {
    std::set<std::string> procs;
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
      std::string comm = ReadFile(std::string("/proc/") + e->d_name + "/comm");
      if (comm.rfind("virt-sandbox", 0) == 0 || comm.rfind("qemu-system", 0) == 0 ||
          comm.rfind("vsb-", 0) == 0)
        procs.insert(comm);
    }
    closedir(d);
    for (const auto& p : procs) s.processes += p;
  }
  return s;
}

std::string Golden(const std::string& name, const std::string& actual) {
  std::string path = SourcePath("tests/unit/golden/" + name);
  if (getenv("VSB_UPDATE_GOLDEN")) std::ofstream(path) << actual;
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

std::string ReadText(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TempFile::TempFile(const std::string& content, const std::string& name) {
  char tmpl[] = "/tmp/vsb-test-XXXXXX";
  dir_ = mkdtemp(tmpl) ? tmpl : "/tmp";
  path_ = dir_ + "/" + name;
  std::ofstream(path_, std::ios::binary) << content;
}

TempFile::~TempFile() {
  unlink(path_.c_str());
  rmdir(dir_.c_str());
}

}  // namespace vsb::testing
