// Catalogue A3 (system-call surface and seccomp), A4 (TIOCSTI/TIOCLINUX
// terminal injection) and A12 (kernel keyrings).
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

// Issue 4 item 1: the default filter denies these with EPERM (ENOSYS also
// counts: the syscall is gone). The probe's arguments make an unfiltered
// call answer EFAULT/EBADF/EINVAL or succeed, so only a denial passes.
const char* const kMustBeDenied[] = {
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
    "reboot", "swapon", "swapoff", "open_by_handle_at", "keyctl", "add_key", "request_key",
    "bpf", "perf_event_open", "userfaultfd", "mount_tmpfs", "umount2", "pivot_root",
    "socket_vsock", "socket_packet", "ioctl_tiocsti", "ioctl_tiocsti_high", "ioctl_tioclinux",
    "ioctl_tioclinux_high", "unshare_NEWUSER"};

// The rest of catalogue A3/D3: must not succeed (a missing capability is
// enough here).
const char* const kMustFail[] = {
    "chroot", "open_tree", "fsopen", "move_mount", "mount_setattr", "setns",
    "name_to_handle_at", "ptrace_seize_parent", "process_vm_readv", "pidfd_getfd", "iopl",
    "ioperm", "acct", "clock_settime", "settimeofday", "syslog", "quotactl",
    "socket_inet_raw", "unshare_NEWNS", "unshare_NEWNET", "unshare_NEWPID",
    "unshare_NEWCGROUP", "unshare_NEWIPC", "unshare_NEWUTS"};

bool Denied(const std::string& v) { return v == "EPERM" || v == "ENOSYS"; }

class SyscallTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingEngine(GetParam())); }
};

TEST_P(SyscallTest, DefaultFilterDeniesTheDenyList) {
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-syscalls")});
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  for (const char* name : kMustBeDenied)
    EXPECT_TRUE(Denied(p.Get(name))) << name << "=" << p.Get(name) << " (not denied by the filter)";
  for (const char* name : kMustFail) EXPECT_NE(p.Get(name), "OK") << name << " succeeded";
  // Controls: ordinary calls still work and answer as usual.
  EXPECT_EQ(p.Get("socket_unix"), "OK");
  EXPECT_EQ(p.Get("ioctl_fionread"), "EBADF");
}

// The denials above come from the filter, not from the missing caps: with
// --seccomp=unconfined the same probes reach the kernel. (This is also the
// negative control: it fails if the probe could not tell the difference.)
TEST_P(SyscallTest, UnconfinedReachesTheKernel) {
  CliRun run = RunSandboxed(GetParam(), {"--seccomp", "unconfined"}, {ProbePath("vsb-probe-syscalls")});
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("keyctl"), "OK");
  EXPECT_EQ(p.Get("add_key"), "EFAULT");
  EXPECT_EQ(p.Get("ioctl_tiocsti"), "EBADF");
  EXPECT_EQ(p.Get("ioctl_tiocsti_high"), "EBADF");
  ProbeOutput posture(RunSandboxed(GetParam(), {"--seccomp", "unconfined"},
                                   {ProbePath("vsb-probe-posture")}).out);
  EXPECT_EQ(posture.Get("Seccomp"), "0");
}

// A4 without a terminal: the fds are pipes and there is no controlling tty.
TEST_P(SyscallTest, NoTerminalInjectionThroughPipes) {
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-tty-inject")});
  EXPECT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("findings"), "0") << run.out;
  EXPECT_EQ(p.Get("devtty_open"), "ENXIO");
}

// Runs the tty-inject probe with the launcher's stdio and controlling
// terminal on a fresh pty (as from an interactive shell). Returns the
// probe's output with \r removed; *pending is what is left unread in the
// pty's input queue afterwards (an injected byte the relay did not take).
std::string RunOnPty(const std::string& uri, const std::vector<std::string>& options, int* status,
                     int* pending) {
  int master = -1, slave = -1;
  if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
    ADD_FAILURE() << "openpty: " << strerror(errno);
    return "";
  }
  std::vector<std::string> argv = CliCommand();
  argv.insert(argv.end(), {"-c", uri});
  argv.insert(argv.end(), options.begin(), options.end());
  argv.push_back("--");
  argv.push_back(ProbePath("vsb-probe-tty-inject"));
  pid_t pid = fork();
  if (pid == 0) {
    setsid();
    ioctl(slave, TIOCSCTTY, 0);
    dup2(slave, 0);
    dup2(slave, 1);
    dup2(slave, 2);
    close(master);
    if (slave > 2) close(slave);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  std::string out;
  char buf[4096];
  for (int waited = 0; waited < 60000;) {
    pollfd p{master, POLLIN, 0};
    if (poll(&p, 1, 100) > 0) {
      ssize_t n = read(master, buf, sizeof buf);
      if (n > 0) out.append(buf, n);
    } else {
      waited += 100;
    }
    if (waitpid(pid, status, WNOHANG) == pid) {
      while (poll(&p, 1, 200) > 0) {
        ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0) break;
        out.append(buf, n);
      }
      *pending = 0;
      ioctl(slave, FIONREAD, pending);
      close(master);
      close(slave);
      std::erase(out, '\r');
      return out;
    }
  }
  ADD_FAILURE() << "virt-sandbox on a pty did not finish; output so far:\n" << out;
  kill(pid, SIGKILL);
  waitpid(pid, status, 0);
  close(master);
  close(slave);
  return out;
}

// A4 on a real terminal (CVE-2017-5226, CVE-2019-10063, CVE-2023-1523):
// whatever the sandbox's fds 0-2 and /dev/tty are, nothing is injected,
// the high-bit variants included.
TEST_P(SyscallTest, NoTerminalInjectionOnAPty) {
  for (const std::vector<std::string>& options :
       {std::vector<std::string>{}, std::vector<std::string>{"--no-tty"}}) {
    SCOPED_TRACE(options.empty() ? "automatic terminal" : "--no-tty");
    int status = -1, pending = -1;
    std::string out = RunOnPty(GetParam(), options, &status, &pending);
    ProbeOutput p(out);
    EXPECT_EQ(p.Get("findings"), "0") << out;
    EXPECT_EQ(out.find("INJECTED"), std::string::npos) << out;
    EXPECT_EQ(out.find("PASTED"), std::string::npos) << out;
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status << "\n" << out;
    EXPECT_EQ(pending, 0) << "bytes appeared in the caller's terminal input";
  }
}

// A12: the caller's session keyring (Kerberos, fscrypt keys) is not visible.
TEST_P(SyscallTest, CallerKeyringIsNotVisible) {
  std::vector<std::string> argv{ProbePath("vsb-probe-keyring"), "plant"};
  for (const auto& a : CliCommand()) argv.push_back(a);
  argv.insert(argv.end(), {"-c", GetParam(), "--", ProbePath("vsb-probe-keyring"), "probe"});
  CliRun run = RunProgram(argv);
  EXPECT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("found"), "0") << run.out;
  for (const char* ring : {"@s", "@u", "@us"})
    EXPECT_EQ(p.Get(ring).rfind("not-found", 0), 0u) << ring << "=" << p.Get(ring);
}

// A12 behind the filter: even with keyctl allowed, the session keyring is a
// fresh one (runc, crun), so the caller's keys stay out of reach.
TEST_P(SyscallTest, FreshSessionKeyringEvenUnconfined) {
  std::vector<std::string> argv{ProbePath("vsb-probe-keyring"), "plant"};
  for (const auto& a : CliCommand()) argv.push_back(a);
  argv.insert(argv.end(), {"-c", GetParam(), "--seccomp", "unconfined", "--",
                           ProbePath("vsb-probe-keyring"), "probe"});
  CliRun run = RunProgram(argv);
  EXPECT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("found"), "0") << run.out;
  EXPECT_TRUE(p.Has("@s")) << Describe(run);
}

INSTANTIATE_TEST_SUITE_P(Engines, SyscallTest, ::testing::ValuesIn(kSecurityEngines), EngineName);

}  // namespace
}  // namespace vsb::testing
