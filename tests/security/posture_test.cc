// Catalogue A1 (privilege posture), A5 (leaked fds and cwd), the session
// part of A4, and B1 (the payload's posture seen from the host).
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

constexpr const char* kNoCaps = "0000000000000000";

class PostureTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingEngine(GetParam())); }
};

// Checks that only make sense for a container: the payload is a host process to inspect. In a VM it is a guest process; QEMU's posture seen from the host is tests/vm/vm_confine_test.cc.
class PostureTestContainerOnly : public PostureTest {};

// A1 + D1/D2/D3/D11: no capability in any set (bounding included, even for a
// root caller), no-new-privs, a seccomp filter, and a user namespace.
TEST_P(PostureTest, NoCapabilitiesNoNewPrivsSeccompUserns) {
  HostSnapshot before = TakeHostSnapshot();
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-posture")});
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    EXPECT_EQ(p.Get(set), kNoCaps) << set << "\n" << run.out;
  EXPECT_EQ(p.Get("NoNewPrivs"), "1");
  EXPECT_EQ(p.Get("Seccomp"), "2");
  EXPECT_GE(atoi(p.Get("Seccomp_filters").c_str()), 1);
  // A root caller runs as uid 0 (the contract), but inside a user namespace
  // of its own (its map may look like the host's for a root caller).
  EXPECT_EQ(p.Get("uid"), std::to_string(getuid()));
  EXPECT_EQ(p.Get("euid"), std::to_string(geteuid()));
  // A guest kernel's initial namespaces carry the same fixed inode numbers
  // as the host's, so the comparison means nothing there: the VM is the
  // boundary (QEMU's own namespaces: tests/vm/vm_confine_test.cc).
  if (!IsVm(GetParam())) {
    for (const char* ns : {"user", "pid", "net", "mnt", "ipc", "uts", "cgroup"})
      EXPECT_NE(p.Get(std::string("ns_") + ns), NamespaceOf(getpid(), ns)) << ns << " namespace shared";
  }
  ExpectNoLeftovers(before);
}

// -p keeps capabilities only inside the sandbox's own user namespace.
TEST_P(PostureTest, PrivilegedKeepsCapsOnlyInsideItsUserns) {
  CliRun run = RunSandboxed(GetParam(), {"-p"}, {ProbePath("vsb-probe-posture")});
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_NE(p.Get("CapEff"), kNoCaps) << "-p should keep namespaced caps";
  // In a VM, -p is root of the guest kernel (see above for the namespaces).
  if (!IsVm(GetParam())) {
    EXPECT_NE(p.Get("ns_user"), NamespaceOf(getpid(), "user")) << "-p ran in the host user namespace";
  }
  EXPECT_EQ(p.Get("uid"), "0");
}

// A4 defence and D4: a new session whose leader is the command, and no
// controlling terminal to push input into.
TEST_P(PostureTest, NewSessionWithoutControllingTty) {
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-posture")});
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("sid"), p.Get("pid"));
  EXPECT_EQ(p.Get("tty_nr"), "0");
  EXPECT_EQ(p.Get("devtty"), "ENXIO");
}

// A5 (CVE-2024-21626): fds the caller leaked (a file, a directory outside
// the sandbox's view, a socket) never reach the command; --pass-fd is the
// only way in.
TEST_P(PostureTest, CallerFdsDoNotLeakIn) {
  int file = open("/etc/hostname", O_RDONLY);  // deliberately not O_CLOEXEC
  int dir = open("/root", O_RDONLY | O_DIRECTORY);
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  ASSERT_GE(file, 0);
  ASSERT_GE(dir, 0);
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-fdleak")});
  // No host fd can cross into a VM (--pass-fd is refused there): the VM
  // runs the leak check without the --pass-fd control.
  CliRun passed = IsVm(GetParam()) ? CliRun{} : RunSandboxed(GetParam(), {"--pass-fd", std::to_string(file)},
                                                             {ProbePath("vsb-probe-fdleak")});
  for (int fd : {file, dir, sv[0], sv[1]}) close(fd);
  EXPECT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("leaks"), "0") << run.out;
  EXPECT_TRUE(p.All("escape").empty()) << run.out;
  if (IsVm(GetParam())) return;
  // Control: the probe does see an fd passed on purpose.
  ProbeOutput q(passed.out);
  EXPECT_EQ(q.Get("leaks"), "1") << Describe(passed);
  EXPECT_TRUE(q.Get("leak").rfind(std::to_string(file) + " ", 0) == 0) << passed.out;
}

// A5: the working directory is inside the sandbox: the caller's cwd when it
// is visible, and getcwd() works (no "(unreachable)" host path).
TEST_P(PostureTest, CwdIsInsideTheSandbox) {
  std::string dir = BuildPath("tests/probe");
  std::string old = std::filesystem::current_path();
  ASSERT_EQ(chdir(dir.c_str()), 0);
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-fdleak")});
  CliRun explicit_cwd = RunSandboxed(GetParam(), {"--cwd", "/usr"}, {ProbePath("vsb-probe-fdleak")});
  ASSERT_EQ(chdir(old.c_str()), 0);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("cwd_status"), "ok") << Describe(run);
  EXPECT_EQ(p.Get("cwd"), dir);
  ProbeOutput q(explicit_cwd.out);
  EXPECT_EQ(q.Get("cwd_status"), "ok") << Describe(explicit_cwd);
  EXPECT_EQ(q.Get("cwd"), "/usr");
}

// B1 (gVisor sandboxposture): the running payload seen from the host: its
// own namespaces, no-new-privs, seccomp, no caps, no tty, fds 0-2 only,
// read-only /, and every thread alike.
TEST_P(PostureTestContainerOnly, HostSeesConfinedPayload) {
  std::string marker = UniqueMarker("posture");
  pid_t launcher = SpawnCli({"-c", GetParam(), "--", "/bin/sh", "-c", "sleep 30; : " + marker});
  ASSERT_GT(launcher, 0);
  // The payload is the sh whose argv holds the marker, not the launcher.
  pid_t payload = WaitForMarker(marker, "sh");
  ASSERT_GT(payload, 0) << "the sandboxed command never started";
  std::string status = ReadText("/proc/" + std::to_string(payload) + "/status");
  for (const char* set : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"})
    EXPECT_NE(status.find(std::string(set) + ":\t" + kNoCaps), std::string::npos) << set << status;
  EXPECT_NE(status.find("NoNewPrivs:\t1"), std::string::npos) << status;
  EXPECT_NE(status.find("Seccomp:\t2"), std::string::npos) << status;
  for (const char* ns : {"mnt", "pid", "net", "ipc", "uts", "user", "cgroup"})
    EXPECT_NE(NamespaceOf(payload, ns), NamespaceOf(getpid(), ns)) << ns << " namespace shared";
  std::string stat = ReadText("/proc/" + std::to_string(payload) + "/stat");
  std::istringstream fields(stat.substr(stat.rfind(')') + 2));
  std::string state, ppid, pgrp, sid, tty;
  fields >> state >> ppid >> pgrp >> sid >> tty;
  EXPECT_EQ(tty, "0") << "the payload has a controlling tty";
  std::vector<std::string> fds;
  for (auto& e : std::filesystem::directory_iterator("/proc/" + std::to_string(payload) + "/fd"))
    fds.push_back(e.path().filename());
  std::sort(fds.begin(), fds.end());
  EXPECT_EQ(fds, (std::vector<std::string>{"0", "1", "2"}));
  std::string mountinfo = ReadText("/proc/" + std::to_string(payload) + "/mountinfo");
  std::istringstream lines(mountinfo);
  std::string root_opts;
  for (std::string line; std::getline(lines, line);) {
    std::istringstream f(line);
    std::string id, parent, dev, root, point, opts;
    f >> id >> parent >> dev >> root >> point >> opts;
    if (point == "/") root_opts = opts;  // the last "/" is the visible one
  }
  EXPECT_EQ(root_opts.substr(0, 2), "ro") << mountinfo;
  for (auto& t : std::filesystem::directory_iterator("/proc/" + std::to_string(payload) + "/task")) {
    std::string ts = ReadText(t.path().string() + "/status");
    EXPECT_NE(ts.find("Seccomp:\t2"), std::string::npos) << t.path();
    EXPECT_NE(ts.find("NoNewPrivs:\t1"), std::string::npos) << t.path();
  }
  kill(launcher, SIGTERM);
  int st = 0;
  waitpid(launcher, &st, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, PostureTest, ::testing::ValuesIn(kSecurityEngines), EngineName);
INSTANTIATE_TEST_SUITE_P(Container, PostureTestContainerOnly, ::testing::Values(std::string(kContainerUri)), EngineName);

}  // namespace
}  // namespace vsb::testing
