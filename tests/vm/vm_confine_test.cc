// QEMU's own confinement, checked from the host (a guest cannot see it):
// no capability, no-new-privs, QEMU's seccomp, namespaces of its own, a
// read-only view of the host with only its run dir writable, death with a
// SIGKILLed launcher, and the per-sandbox cgroup under --memory/--cpus/--pids.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

constexpr const char* kNoCaps = "0000000000000000";

// The `Key:\tvalue` lines of /proc/PID/status.
std::string StatusField(pid_t pid, const std::string& key) {
  std::istringstream lines(ReadText("/proc/" + std::to_string(pid) + "/status"));
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(key + ":", 0) == 0) {
      std::string v = line.substr(key.size() + 1);
      v.erase(0, v.find_first_not_of(" \t"));
      return v;
    }
  return "<missing>";
}

// The QEMU child of `launcher`, once it has exec'd QEMU; -1 if none came.
pid_t QemuOf(pid_t launcher) {
  pid_t found = -1;
  WaitFor([&] {
    for (auto& e : std::filesystem::directory_iterator("/proc")) {
      std::string name = e.path().filename();
      if (name[0] < '1' || name[0] > '9') continue;
      std::string stat = ReadText(e.path().string() + "/stat");
      auto close_paren = stat.rfind(')');
      if (close_paren == std::string::npos) continue;
      std::istringstream rest(stat.substr(close_paren + 2));
      char state;
      pid_t ppid = 0;
      rest >> state >> ppid;
      if (ppid == launcher && ReadText(e.path().string() + "/comm") == "qemu-system-x86\n") {
        found = std::stoi(name);
        return true;
      }
    }
    return false;
  }, 30000);
  return found;
}

int WaitStatus(pid_t pid) {
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Mount points QEMU sees writable (per-mount "rw" in its mountinfo).
std::vector<std::string> WritableMounts(pid_t pid) {
  std::vector<std::string> rw;
  std::istringstream lines(ReadText("/proc/" + std::to_string(pid) + "/mountinfo"));
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string id, parent, dev, root, point, opts;
    f >> id >> parent >> dev >> root >> point >> opts;
    if (opts.rfind("rw", 0) == 0) rw.push_back(point);
  }
  return rw;
}

// Runs `what` in a child that joins QEMU's user and mount namespaces (with
// every capability of that user namespace, more than QEMU has) and returns
// its result (0..249), or 250 when joining failed.
template <class F>
int AsQemuWould(pid_t qemu, F what) {
  pid_t child = fork();
  if (child == 0) {
    std::string ns = "/proc/" + std::to_string(qemu) + "/ns/";
    int user = open((ns + "user").c_str(), O_RDONLY | O_CLOEXEC);
    int mnt = open((ns + "mnt").c_str(), O_RDONLY | O_CLOEXEC);
    if (user < 0 || mnt < 0 || setns(user, CLONE_NEWUSER) != 0 || setns(mnt, CLONE_NEWNS) != 0)
      _exit(250);
    _exit(what());
  }
  return WaitStatus(child);
}

// Creates (and removes) `path` as QEMU would: 0 or the errno.
int CreateAsQemuWould(pid_t qemu, const std::string& path) {
  return AsQemuWould(qemu, [&] {
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return errno;
    close(fd);
    unlink(path.c_str());
    return 0;
  });
}

// Bytes QEMU would read from `path` (at most 200), or 200 + errno % 50.
int ReadAsQemuWould(pid_t qemu, const std::string& path) {
  return AsQemuWould(qemu, [&] {
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 200 + errno % 50;
    char buf[200];
    ssize_t n = read(fd, buf, sizeof buf);
    close(fd);
    return n < 0 ? 200 + errno % 50 : static_cast<int>(n);
  });
}

class VmConfineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VSB_REQUIRE(MissingVm());
    VSB_REQUIRE(MissingRoot());
  }
};

TEST_F(VmConfineTest, QemuRunsWithoutPrivilegeInItsOwnNamespaces) {
  HostSnapshot before = TakeHostSnapshot();
  pid_t launcher = SpawnCli({"-c", kVmUri, "--", "/bin/sleep", "6"});
  ASSERT_GT(launcher, 0);
  pid_t qemu = QemuOf(launcher);
  ASSERT_GT(qemu, 0) << "no QEMU child of the launcher";
  // No capability in any set, though the caller is root.
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    EXPECT_EQ(StatusField(qemu, set), kNoCaps) << set;
  EXPECT_EQ(StatusField(qemu, "NoNewPrivs"), "1");
  // QEMU loads its -sandbox filter once its options are parsed.
  EXPECT_TRUE(WaitFor([&] { return StatusField(qemu, "Seccomp") == "2"; }, 20000))
      << "QEMU's -sandbox filter is not loaded: Seccomp " << StatusField(qemu, "Seccomp");
  for (const char* ns : {"user", "mnt", "pid", "net", "ipc", "uts", "cgroup"})
    EXPECT_NE(NamespaceOf(qemu, ns), NamespaceOf(getpid(), ns)) << ns << " namespace shared with the host";
  // A root caller's QEMU sees host files with their owners (9p), from a user
  // namespace that holds no capability over them.
  EXPECT_EQ(ReadText("/proc/" + std::to_string(qemu) + "/uid_map").find("4294967295") != std::string::npos,
            true);
  // Only the run dir is writable, and writes elsewhere fail even with every
  // capability of QEMU's user namespace.
  std::vector<std::string> rw = WritableMounts(qemu);
  ASSERT_EQ(rw.size(), 1u) << "writable mounts: " << ::testing::PrintToString(rw);
  EXPECT_NE(rw[0].find("/virt-sandbox-vm-"), std::string::npos) << rw[0];
  std::string name = "vsb-confine-" + std::to_string(getpid());
  for (const char* dir : {"/var/tmp", "/tmp", "/root", "/etc"})
    EXPECT_EQ(CreateAsQemuWould(qemu, std::string(dir) + "/" + name), EROFS) << dir;
  EXPECT_EQ(CreateAsQemuWould(qemu, rw[0] + "/" + name), 0) << "run dir not writable";
  // The credential stores the guest hides are hidden from QEMU's 9p server
  // too (the host control: /etc/shadow has content).
  ASSERT_GT(std::filesystem::file_size("/etc/shadow"), 0u);
  EXPECT_EQ(ReadAsQemuWould(qemu, "/etc/shadow"), 0) << "QEMU can read /etc/shadow";
  EXPECT_GT(ReadAsQemuWould(qemu, "/etc/passwd"), 0) << "QEMU cannot read /etc/passwd (control)";
  // /dev stays a read-only view, not nodev: KVM remains usable.
  if (access("/dev/kvm", F_OK) == 0) {
    EXPECT_EQ(AsQemuWould(qemu, [] {
                int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
                if (fd < 0) return errno;
                close(fd);
                return 0;
              }),
              0)
        << "/dev/kvm cannot be opened in QEMU's mount namespace";
  }
  EXPECT_EQ(WaitStatus(launcher), 0);
  ExpectNoLeftovers(before);
}

// PR_SET_PDEATHSIG still reaches QEMU as PID 1 of its own PID namespace, and
// the janitor removes the run dir.
TEST_F(VmConfineTest, QemuDiesWithASigkilledLauncher) {
  HostSnapshot before = TakeHostSnapshot();
  pid_t launcher = SpawnCli({"-c", kVmUri, "--", "/bin/sleep", "60"});
  ASSERT_GT(launcher, 0);
  pid_t qemu = QemuOf(launcher);
  ASSERT_GT(qemu, 0) << "no QEMU child of the launcher";
  kill(launcher, SIGKILL);
  EXPECT_EQ(WaitStatus(launcher), 128 + SIGKILL);
  EXPECT_TRUE(WaitFor([&] { return kill(qemu, 0) != 0; }, 10000)) << "QEMU outlived its launcher";
  if (kill(qemu, 0) == 0) kill(qemu, SIGKILL);
  ExpectNoLeftovers(before);
}

// --memory/--cpus/--pids: QEMU starts inside the container engine's
// per-sandbox cgroup: guest RAM plus QEMU's overhead, the CPU quota, a
// bound on QEMU's threads; removed afterwards.
TEST_F(VmConfineTest, LimitsPutQemuInTheSandboxCgroup) {
  const std::string name = UniqueMarker("vmcg");
  pid_t launcher = SpawnCli({"-c", kVmUri, "-n", name, "--memory", "256M", "--cpus", "0.5", "--pids",
                             "100", "--", "/bin/sleep", "5"});
  ASSERT_GT(launcher, 0);
  pid_t qemu = QemuOf(launcher);
  ASSERT_GT(qemu, 0) << "no QEMU child of the launcher";
  std::string groups = ReadText("/proc/" + std::to_string(qemu) + "/cgroup");
  EXPECT_NE(groups.find("/virt-sandbox/" + name + "\n"), std::string::npos) << groups;
  const std::string v1 = "/sys/fs/cgroup/memory/virt-sandbox/" + name;
  if (std::filesystem::exists(v1)) {  // hybrid or v1 host
    EXPECT_EQ(ReadText(v1 + "/memory.limit_in_bytes"), std::to_string((256ull + 384) << 20) + "\n");
    EXPECT_EQ(ReadText("/sys/fs/cgroup/cpu/virt-sandbox/" + name + "/cpu.cfs_quota_us"), "50000\n");
    EXPECT_EQ(ReadText("/sys/fs/cgroup/pids/virt-sandbox/" + name + "/pids.max"), "256\n");
  } else {  // pure cgroup v2
    const std::string v2 = "/sys/fs/cgroup/virt-sandbox/" + name;
    EXPECT_EQ(ReadText(v2 + "/memory.max"), std::to_string((256ull + 384) << 20) + "\n");
    EXPECT_EQ(ReadText(v2 + "/pids.max"), "256\n");
  }
  EXPECT_EQ(WaitStatus(launcher), 0);
  ExpectNoLeftoversOf(name);
}

}  // namespace
}  // namespace vsb::testing
