// Catalogue A2 (setuid and file-capability binaries), A6 (read-only
// guarantee), A7 (hidden credentials), A8 (/proc and /sys), A9 (cgroups),
// A10 (device nodes) and A11's /proc/<pid>/exe overwrite (CVE-2019-5736).
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

class FilesystemTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingEngine(GetParam())); }
};

// Runs vsb-probe-write on paths and expects every one refused.
void ExpectNotWritable(const std::string& uri, const std::vector<std::string>& opts,
                       const std::vector<std::string>& paths) {
  std::vector<std::string> cmd{ProbePath("vsb-probe-write")};
  cmd.insert(cmd.end(), paths.begin(), paths.end());
  CliRun run = RunSandboxed(uri, opts, cmd);
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  for (const auto& path : paths) {
    EXPECT_TRUE(p.Has(path)) << path << " not probed\n" << run.out;
    EXPECT_NE(p.Get(path), "OK") << "writable inside the sandbox: " << path;
  }
}

// A6: the host root and everything under it are read-only; the private
// scratch tmpfs is the control that shows the probe can write.
TEST_P(FilesystemTest, HostRootIsReadOnly) {
  HostSnapshot before = TakeHostSnapshot();
  ExpectNotWritable(GetParam(), {},
                    {"/", "/etc", "/etc/passwd", "/usr", "/usr/bin", "/var", "/var/lib", "/root",
                     "/new-file-at-root", BuildPath(""), BuildPath("virt-sandbox")});
  CliRun control = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-write"), "/tmp", "/var/tmp", "/run"});
  ProbeOutput c(control.out);
  for (const char* scratch : {"/tmp", "/var/tmp", "/run"})
    EXPECT_EQ(c.Get(scratch), "OK") << scratch << " should be private scratch\n" << Describe(control);
  EXPECT_FALSE(std::filesystem::exists("/new-file-at-root"));
  ExpectNoLeftovers(before);
}

// A6: a writable host submount stays read-only inside (the recursive
// read-only trap: remount,ro,bind only covers the top mount).
TEST_P(FilesystemTest, HostSubmountIsReadOnly) {
  std::string sub = BuildPath("tests/" + UniqueMarker("submount"));
  ASSERT_TRUE(std::filesystem::create_directories(sub));
  ASSERT_EQ(mount("vsbtest", sub.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, "size=1m"), 0)
      << strerror(errno);
  std::ofstream(sub + "/existing") << "host data\n";
  HostSnapshot before = TakeHostSnapshot();
  ExpectNotWritable(GetParam(), {}, {sub, sub + "/existing", sub + "/new"});
  ExpectNoLeftovers(before);
  EXPECT_FALSE(std::filesystem::exists(sub + "/new"));
  umount2(sub.c_str(), MNT_DETACH);
  std::filesystem::remove(sub);
}

// A6/A8/D6: the mount table inside. Only the private scratch mounts, /dev
// (with the minimal device nodes bound into it) and procfs itself are
// writable, all of them nosuid; / and /sys are read-only; /proc/sys is
// read-only.
TEST_P(FilesystemTest, MountTableIsReadOnlyExceptScratch) {
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-posture")});
  ASSERT_EQ(run.status, 0) << Describe(run);
  const std::set<std::string> writable_ok = {
      "/tmp", "/var/tmp", "/run", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/proc",
      "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx"};
  std::map<std::string, std::string> last_opts;  // the visible (last) mount per point
  for (const auto& m : ProbeOutput(run.out).All("mount")) {
    std::istringstream f(m);
    std::string point, opts, fstype;
    f >> point >> opts >> fstype;
    last_opts[point] = opts + " " + fstype;
  }
  ASSERT_TRUE(last_opts.count("/")) << run.out;
  for (const auto& [point, opts] : last_opts) {
    bool rw = opts.rfind("rw", 0) == 0;
    if (rw) {
      EXPECT_TRUE(writable_ok.count(point)) << "writable mount inside: " << point << " " << opts;
      EXPECT_NE(opts.find("nosuid"), std::string::npos) << "writable and not nosuid: " << point;
    }
  }
  for (const char* must_be_ro : {"/", "/sys", "/proc/sys"}) {
    ASSERT_TRUE(last_opts.count(must_be_ro)) << must_be_ro << " is not a mount\n" << run.out;
    EXPECT_EQ(last_opts[must_be_ro].rfind("ro", 0), 0u) << must_be_ro << " " << last_opts[must_be_ro];
  }
  EXPECT_EQ(last_opts["/proc"].substr(last_opts["/proc"].rfind(' ') + 1), "proc")
      << "/proc is not a fresh procfs";
}

// A8 and A9: kernel tunables, sysrq, sysfs and cgroup control files
// (release_agent: CVE-2022-0492) cannot be opened for writing.
TEST_P(FilesystemTest, KernelControlFilesAreNotWritable) {
  ExpectNotWritable(GetParam(), {},
                    {"/proc/sys/kernel/core_pattern", "/proc/sys/kernel/modprobe",
                     "/proc/sys/vm/drop_caches", "/proc/sys/fs/binfmt_misc/register",
                     "/proc/sysrq-trigger", "/sys/kernel/uevent_helper", "/sys/power/state",
                     "/sys/class/net/lo/mtu", "/sys/fs/cgroup/release_agent",
                     "/sys/fs/cgroup/memory/release_agent", "/sys/fs/cgroup/cgroup.procs",
                     "/sys/fs/cgroup/unified/cgroup.procs", "/sys/fs/cgroup/pids/pids.max"});
  // Also with -p: namespaced root must not reach the host's kernel knobs.
  ExpectNotWritable(GetParam(), {"-p"},
                    {"/proc/sys/kernel/core_pattern", "/proc/sysrq-trigger",
                     "/sys/fs/cgroup/memory/release_agent", "/sys/kernel/uevent_helper"});
}

// A8: the masked /proc files show nothing (runc's maskedPaths).
TEST_P(FilesystemTest, DangerousProcFilesAreMasked) {
  const std::vector<std::string> masked = {"/proc/kcore", "/proc/keys", "/proc/timer_list",
                                           "/proc/sched_debug", "/proc/kmsg"};
  std::vector<std::string> cmd{ProbePath("vsb-probe-read")};
  cmd.insert(cmd.end(), masked.begin(), masked.end());
  CliRun run = RunSandboxed(GetParam(), {}, cmd);
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  for (const auto& path : masked) {
    std::string v = p.Get(path);
    EXPECT_TRUE(v == "0" || v == "ENOENT" || v == "EACCES" || v == "EPERM")
        << path << " readable inside: " << v;
  }
}

// A7 / issue 4 item 4: credential stores read as empty or unreadable, and
// --expose brings one back (the control that shows the probe reads).
TEST_P(FilesystemTest, CredentialFilesAreHidden) {
  std::string ssh = std::string(getenv("HOME") ? getenv("HOME") : "/root") + "/.ssh";
  bool made_ssh = std::filesystem::create_directories(ssh);
  std::string canary = ssh + "/" + UniqueMarker("canary");
  std::ofstream(canary) << "VSB-CANARY\n";
  chmod(canary.c_str(), 0600);
  ASSERT_GT(std::filesystem::file_size("/etc/shadow"), 0u);
  CliRun run = RunSandboxed(GetParam(), {},
                            {ProbePath("vsb-probe-read"), "/etc/shadow", "/etc/gshadow", canary});
  CliRun exposed = RunSandboxed(GetParam(), {"--expose", ssh}, {ProbePath("vsb-probe-read"), canary});
  std::filesystem::remove(canary);
  if (made_ssh) std::filesystem::remove(ssh);
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  for (const std::string& path : {std::string("/etc/shadow"), std::string("/etc/gshadow"), canary}) {
    std::string v = p.Get(path);
    EXPECT_TRUE(v == "0" || v == "ENOENT" || v == "EACCES" || v == "EPERM")
        << path << " readable inside: " << v;
  }
  EXPECT_EQ(ProbeOutput(exposed.out).Get(canary), "11") << Describe(exposed);
}

// A10: only the minimal device set exists, devpts is a new instance (no
// host ptys), and mknod is refused.
TEST_P(FilesystemTest, MinimalDevAndNoMknod) {
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-dev"), "/tmp"});
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  const std::set<std::string> allowed = {
      "/dev/null c 1:3", "/dev/zero c 1:5", "/dev/full c 1:7", "/dev/random c 1:8",
      "/dev/urandom c 1:9", "/dev/tty c 5:0", "/dev/ptmx c 5:2", "/dev/pts/ptmx c 5:2"};
  std::set<std::string> seen;
  for (const auto& dev : p.All("dev")) {
    seen.insert(dev);
    EXPECT_TRUE(allowed.count(dev)) << "unexpected device inside: " << dev;
  }
  for (const char* needed : {"/dev/null c 1:3", "/dev/zero c 1:5", "/dev/urandom c 1:9"})
    EXPECT_TRUE(seen.count(needed)) << "missing " << needed << "\n" << run.out;
  EXPECT_NE(p.Get("mknod_block"), "OK");
  EXPECT_NE(p.Get("mknod_char_mem"), "OK");
}

// A11 (CVE-2019-5736): neither the init inside nor any runtime binary can be
// opened for writing through /proc/<pid>/exe or its path.
// Landlock, the second wall: even namespaced root that keeps its
// capabilities (-p) with the system call filter off cannot mount, so it
// cannot lay a writable file system over the read-only root. Only Landlock
// stands in the way here (capabilities are kept, seccomp is off).
TEST_P(FilesystemTest, LandlockDeniesMountsEvenToPrivilegedUnconfined) {
  CliRun run = RunSandboxed(GetParam(), {"-p", "--seccomp=unconfined"},
                            {"/bin/sh", "-c",
                             "grep -q '^CapEff:.*ffff' /proc/self/status && echo HAS_CAPS; "
                             "mount -t tmpfs none /mnt 2>/dev/null && echo MOUNTED; "
                             "mount -o remount,rw / 2>/dev/null && echo REMOUNTED; echo done"});
  ASSERT_EQ(run.status, 0) << Describe(run);
  EXPECT_NE(run.out.find("HAS_CAPS"), std::string::npos) << "control: -p keeps capabilities\n" << Describe(run);
  EXPECT_EQ(run.out.find("MOUNTED"), std::string::npos) << Describe(run);
  EXPECT_EQ(run.out.find("REMOUNTED"), std::string::npos) << Describe(run);
}

TEST_P(FilesystemTest, RuntimeBinariesCannotBeOverwritten) {
  ExpectNotWritable(GetParam(), {},
                    {"/proc/1/exe", "/proc/self/exe", BuildPath("virt-sandbox-init"),
                     BuildPath("virt-sandbox")});
  ExpectNotWritable(GetParam(), {"-p"}, {"/proc/1/exe", BuildPath("virt-sandbox-init")});
}

// A2: a setuid-root binary and a file-capability binary on the visible host
// root give nothing (no-new-privs, empty bounding set, nosuid). The same
// binaries run outside as `nobody` do gain: the negative control.
TEST_P(FilesystemTest, SetuidAndFileCapsGiveNothing) {
  std::string suid = BuildPath("tests/" + UniqueMarker("suid-euid"));
  std::string fcap = BuildPath("tests/" + UniqueMarker("fcap-euid"));
  std::filesystem::copy_file(ProbePath("vsb-probe-euid"), suid);
  std::filesystem::copy_file(ProbePath("vsb-probe-euid"), fcap);
  ASSERT_EQ(chown(suid.c_str(), 0, 0), 0);
  ASSERT_EQ(chmod(suid.c_str(), 04755), 0);
  ASSERT_EQ(chmod(fcap.c_str(), 0755), 0);
  CliRun setcap = RunProgram({"/usr/sbin/setcap", "cap_dac_read_search+ep", fcap});
  ASSERT_EQ(setcap.status, 0) << Describe(setcap);
  // Negative control, outside any sandbox.
  CliRun outside = RunProgram({"/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                               "--clear-groups", suid});
  EXPECT_EQ(ProbeOutput(outside.out).Get("gained"), "1") << Describe(outside);

  CliRun fcap_root = RunSandboxed(GetParam(), {}, {fcap});
  if (IsVm(GetParam())) {
    // -S (another identity) is not in the VM engine yet: the VM checks the
    // root caller's file-capability binary only.
    std::filesystem::remove(suid);
    std::filesystem::remove(fcap);
    EXPECT_EQ(ProbeOutput(fcap_root.out).Get("CapEff"), "0") << Describe(fcap_root);
    return;
  }
  CliRun as_nobody = RunSandboxed(GetParam(), {"-S", "nobody"}, {suid});
  CliRun fcap_nobody = RunSandboxed(GetParam(), {"-S", "nobody"}, {fcap});
  CliRun su = RunSandboxed(GetParam(), {"-S", "nobody"}, {"/usr/bin/su", "-c", "id -u", "root"});
  std::filesystem::remove(suid);
  std::filesystem::remove(fcap);

  ProbeOutput n(as_nobody.out);
  EXPECT_EQ(n.Get("gained"), "0") << Describe(as_nobody);
  EXPECT_EQ(n.Get("euid"), "65534") << Describe(as_nobody);
  EXPECT_EQ(ProbeOutput(fcap_root.out).Get("CapEff"), "0") << Describe(fcap_root);
  EXPECT_EQ(ProbeOutput(fcap_nobody.out).Get("CapEff"), "0") << Describe(fcap_nobody);
  EXPECT_NE(su.status, 0) << Describe(su);
  EXPECT_EQ(su.out.find("0\n"), std::string::npos) << "su reached root: " << Describe(su);
}

// A18 carried over to containers: the sandbox's uid 0 (a root caller's
// identity, caps dropped) must not leave a setuid or setgid file in a
// writable host directory, where any host user could run it later.
TEST_P(FilesystemTest, NoSetuidFilePlantedInHostBind) {
  std::string dir = BuildPath("tests/" + UniqueMarker("bind"));
  ASSERT_TRUE(std::filesystem::create_directories(dir));
  CliRun run = RunSandboxed(GetParam(), {"-m", "host-bind:/srv=" + dir},
                            {"/bin/sh", "-c",
                             "cp " + ProbePath("vsb-probe-euid") + " /srv/x && chmod 6755 /srv/x; "
                             "ls -l /srv/x"});
  struct stat st{};
  bool exists = stat((dir + "/x").c_str(), &st) == 0;
  std::filesystem::remove_all(dir);
  ASSERT_TRUE(exists) << "the copy into the host-bind failed: " << Describe(run);
  EXPECT_EQ(st.st_mode & (S_ISUID | S_ISGID), 0u)
      << "setuid/setgid file owned by uid " << st.st_uid << " left on the host\n" << Describe(run);
}

INSTANTIATE_TEST_SUITE_P(Engines, FilesystemTest, ::testing::ValuesIn(kSecurityEngines), EngineName);

}  // namespace
}  // namespace vsb::testing
