// Helpers for the security and container suites: which engines to run, where
// the probes are, running a probe in a sandbox and reading its `key=value`
// lines, host-side process lookups and the "nothing left behind" check.
// Header-only so both suites use it without a library of their own.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "testing/test_env.h"

extern char** environ;

namespace vsb::testing {

// Engines the suites are parameterised over. The container suite runs the
// container engine (the VM engine's run contract is tests/vm). The security
// suite always lists both, so a machine that cannot run one shows each of
// its tests as skipped with the reason (MissingEngine), never fewer tests.
inline constexpr const char* kContainerUri = "lxc:///";
inline constexpr const char* kVmUri = "qemu:///session";
inline const std::vector<std::string> kEnabledEngines = {kContainerUri};
// The run contract every engine keeps (exit status, stdio, mounts,
// confinement): tests/container runs it against both.
inline const std::vector<std::string> kBehaviourEngines = {kContainerUri, kVmUri};
inline const std::vector<std::string> kSecurityEngines = {kContainerUri, kVmUri};

inline bool IsVm(const std::string& uri) { return uri.rfind("qemu:", 0) == 0; }

// Non-empty reason when `uri`'s engine cannot run here (root for both; QEMU
// and a kernel for the VM).
inline std::string MissingEngine(const std::string& uri) {
  if (std::string why = MissingRoot(); !why.empty()) return why;
  return IsVm(uri) ? MissingVm() : "";
}

// The smallest --memory each engine accepts for the limit tests (a VM
// needs room for its kernel: 128 MiB at least).
inline std::string SmallMemory(const std::string& uri) { return IsVm(uri) ? "128M" : "64M"; }

inline std::string ProbePath(const std::string& name) { return BuildPath("tests/probe/" + name); }

// The `key=value` lines of a probe; a key may repeat (mount=, dev=, leak=).
class ProbeOutput {
 public:
  explicit ProbeOutput(const std::string& text) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      auto eq = line.find('=');
      if (eq != std::string::npos) values_.emplace(line.substr(0, eq), line.substr(eq + 1));
    }
  }
  // The first value of key, or "<missing>" so a failed expectation says so.
  std::string Get(const std::string& key) const {
    auto it = values_.find(key);
    return it == values_.end() ? "<missing>" : it->second;
  }
  bool Has(const std::string& key) const { return values_.count(key) != 0; }
  std::vector<std::string> All(const std::string& key) const {
    std::vector<std::string> all;
    for (auto [it, end] = values_.equal_range(key); it != end; ++it) all.push_back(it->second);
    return all;
  }

 private:
  std::multimap<std::string, std::string> values_;
};

// virt-sandbox -c URI OPTIONS... -- COMMAND...
inline CliRun RunSandboxed(const std::string& uri, const std::vector<std::string>& options,
                           const std::vector<std::string>& command, const std::string& input = "",
                           int timeout_s = 60) {
  std::vector<std::string> args{"-c", uri};
  args.insert(args.end(), options.begin(), options.end());
  args.push_back("--");
  args.insert(args.end(), command.begin(), command.end());
  return RunCli(args, input, timeout_s);
}

// What a failed run printed, for assertion messages.
inline std::string Describe(const CliRun& run) {
  return "exit " + std::to_string(run.status) + "\n--- stdout:\n" + run.out.substr(0, 4000) +
         "\n--- stderr:\n" + run.err.substr(0, 4000);
}

// Starts virt-sandbox in the background (stdin /dev/null, stdout and stderr
// to `log`, its own session) and returns its pid.
inline pid_t SpawnCli(const std::vector<std::string>& args, const std::string& log = "/dev/null") {
  std::vector<std::string> argv = CliCommand();
  argv.insert(argv.end(), args.begin(), args.end());
  std::vector<char*> cargv;
  for (auto& a : argv) cargv.push_back(a.data());
  cargv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, cargv[0], &fa, &attr, cargv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) ADD_FAILURE() << "spawn virt-sandbox: " << strerror(rc);
  return rc == 0 ? pid : -1;
}

// Host pids whose command line contains `marker` and, when `comm` is given,
// whose /proc/N/comm is comm (the launcher's own argv holds the marker too).
inline std::vector<pid_t> PidsWithMarker(const std::string& marker, const std::string& comm = "") {
  std::vector<pid_t> pids;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
      std::string cmd = ReadText(std::string("/proc/") + e->d_name + "/cmdline");
      if (cmd.find(marker) == std::string::npos || atoi(e->d_name) == getpid()) continue;
      if (!comm.empty() && ReadText(std::string("/proc/") + e->d_name + "/comm") != comm + "\n")
        continue;
      pids.push_back(atoi(e->d_name));
    }
    closedir(d);
  }
  return pids;
}

// Waits (bounded) until pred() holds; returns whether it did.
template <class Pred>
bool WaitFor(Pred pred, int timeout_ms = 10000) {
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return pred();
}

// The first host pid running `comm` whose cmdline holds marker, waiting for
// it to start; -1 if it never did.
inline pid_t WaitForMarker(const std::string& marker, const std::string& comm,
                           int timeout_ms = 20000) {
  pid_t found = -1;
  WaitFor([&] {
    auto pids = PidsWithMarker(marker, comm);
    if (!pids.empty()) found = pids.front();
    return found > 0;
  }, timeout_ms);
  return found;
}

// Waits until the sandboxed command has started. In a container it is a
// host process: the `sh` whose argv holds marker. In a VM it is a guest
// process the host cannot see, so the command prints `marker` and this waits
// for that line in the launcher's log (SpawnCli's `log`).
inline bool WaitForStart(const std::string& uri, const std::string& marker, const std::string& log,
                         int timeout_ms = 60000) {
  if (!IsVm(uri)) return WaitForMarker(marker, "sh", timeout_ms) > 0;
  return WaitFor([&] { return ReadText(log).find(marker + "\n") != std::string::npos; }, timeout_ms);
}

// Host pids in the pid namespace `ns` ("pid:[4026...]").
inline std::vector<pid_t> PidsInNamespace(const std::string& ns) {
  std::vector<pid_t> pids;
  if (DIR* d = opendir("/proc")) {
    while (dirent* e = readdir(d)) {
      if (e->d_name[0] < '1' || e->d_name[0] > '9') continue;
      char link[128] = {0};
      std::string p = std::string("/proc/") + e->d_name + "/ns/pid";
      if (readlink(p.c_str(), link, sizeof link - 1) > 0 && ns == link) pids.push_back(atoi(e->d_name));
    }
    closedir(d);
  }
  return pids;
}

inline std::string NamespaceOf(pid_t pid, const char* ns) {
  char link[128] = {0};
  std::string p = "/proc/" + std::to_string(pid) + "/ns/" + ns;
  if (readlink(p.c_str(), link, sizeof link - 1) <= 0) return "";
  return link;
}

// A name no other test run uses, for markers, sandbox names and paths.
inline std::string UniqueMarker(const std::string& what) {
  static int counter = 0;
  return "vsbtest-" + what + "-" + std::to_string(getpid()) + "-" + std::to_string(++counter);
}

// Lines of `after` that `before` lacks. Only additions count as leftovers:
// other sessions on the same host may end their own sandboxes meanwhile.
inline std::string AddedLines(const std::string& before, const std::string& after) {
  std::set<std::string> had;
  std::istringstream b(before), a(after);
  for (std::string line; std::getline(b, line);) had.insert(line);
  std::string added;
  for (std::string line; std::getline(a, line);)
    if (!had.count(line)) added += "  " + line + "\n";
  return added;
}

inline std::string AddedSinceSnapshot(const HostSnapshot& before, const HostSnapshot& after) {
  std::string d;
  auto section = [&](const char* what, const std::string& b, const std::string& a) {
    std::string added = AddedLines(b, a);
    if (!added.empty()) d += std::string(what) + ":\n" + added;
  };
  section("mounts", before.mounts, after.mounts);
  // A cgroup leftover is a sandbox's group (a directory), not the control
  // files of the shared `virt-sandbox` parent, which may come and go.
  std::string groups;
  std::istringstream lines(after.cgroups);
  for (std::string line; std::getline(lines, line);)
    if (std::filesystem::is_directory(line) && !line.ends_with("/.") && !line.ends_with("/.."))
      groups += line + "\n";
  section("cgroups", before.cgroups, groups);
  section("temp dirs", before.temp_dirs, after.temp_dirs);
  section("processes", before.processes, after.processes);
  return d;
}

// The host is as it was: waits a bounded time for asynchronous teardown (a
// killed launcher's helpers) and then lists what appeared and stayed.
inline void ExpectNoLeftovers(const HostSnapshot& before, int timeout_ms = 5000) {
  WaitFor([&] { return AddedSinceSnapshot(before, TakeHostSnapshot()).empty(); }, timeout_ms);
  std::string added = AddedSinceSnapshot(before, TakeHostSnapshot());
  EXPECT_EQ(added, "") << "left behind on the host:\n" << added;
}

// What the sandbox named `name` (-n) left on the host: its cgroups, temp
// dirs, mounts and processes whose command line holds the name. Exact
// attribution, so other sessions' sandboxes on the same host do not count.
inline std::string LeftoversOf(const std::string& name) {
  namespace fs = std::filesystem;
  std::string found;
  for (const char* root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory",
                           "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpu"})
    if (fs::exists(std::string(root) + "/virt-sandbox/" + name))
      found += std::string("cgroup ") + root + "/virt-sandbox/" + name + "\n";
  for (const char* tmp : {"/tmp", "/var/tmp", "/run"}) {
    std::error_code ec;
    for (auto& e : fs::directory_iterator(tmp, ec))
      if (e.path().filename().string().rfind("virt-sandbox-" + name + "-", 0) == 0)
        found += "temp dir " + e.path().string() + "\n";
  }
  std::istringstream mounts(ReadText("/proc/self/mountinfo"));
  for (std::string line; std::getline(mounts, line);)
    if (line.find(name) != std::string::npos) found += "mount " + line + "\n";
  for (pid_t pid : PidsWithMarker(name)) found += "process " + std::to_string(pid) + "\n";
  return found;
}

inline void ExpectNoLeftoversOf(const std::string& name, int timeout_ms = 5000) {
  WaitFor([&] { return LeftoversOf(name).empty(); }, timeout_ms);
  std::string found = LeftoversOf(name);
  EXPECT_EQ(found, "") << "sandbox " << name << " left behind on the host:\n" << found;
}

// After a failing engine: removes what the sandbox `name` (-n) left on the
// host, so one failure does not pile up garbage: its cgroups (processes
// killed first) and its temp dirs (only when nothing is mounted in them).
inline void RemoveLeftoversOf(const std::string& name) {
  namespace fs = std::filesystem;
  for (const char* root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified", "/sys/fs/cgroup/memory",
                           "/sys/fs/cgroup/pids", "/sys/fs/cgroup/cpu"}) {
    std::string dir = std::string(root) + "/virt-sandbox/" + name;
    if (!fs::is_directory(dir)) continue;
    std::istringstream procs(ReadText(dir + "/cgroup.procs"));
    for (pid_t pid; procs >> pid;) kill(pid, SIGKILL);
    WaitFor([&] { return rmdir(dir.c_str()) == 0 || errno != EBUSY; }, 2000);
  }
  std::string mounts = ReadText("/proc/self/mountinfo");
  for (const char* tmp : {"/tmp", "/var/tmp", "/run"}) {
    std::error_code ec;
    for (auto& e : fs::directory_iterator(tmp, ec)) {
      std::string path = e.path().string();
      if (e.path().filename().string().rfind("virt-sandbox-" + name + "-", 0) != 0) continue;
      if (mounts.find(" " + path) != std::string::npos) continue;
      fs::remove_all(path, ec);
    }
  }
}

// Test parameter names: "lxc" / "qemu".
inline std::string EngineName(const ::testing::TestParamInfo<std::string>& info) {
  return info.param.substr(0, info.param.find(':'));
}

}  // namespace vsb::testing
