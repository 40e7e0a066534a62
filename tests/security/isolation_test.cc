// Catalogue A11 (other processes), A13 (host unix sockets), A14 (network),
// A15 (environment) and B6 (two sandboxes are isolated from each other).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

class IsolationTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingEngine(GetParam())); }
};

// A listening unix socket: pathname when `path` starts with '/', abstract
// otherwise. Closed (and unlinked) at scope end.
class UnixListener {
 public:
  explicit UnixListener(const std::string& name) : name_(name) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    bool abstract = name[0] != '/';
    memcpy(a.sun_path + abstract, name.data(), name.size());
    socklen_t len = offsetof(sockaddr_un, sun_path) + abstract + name.size();
    ok_ = fd_ >= 0 && bind(fd_, reinterpret_cast<sockaddr*>(&a), len) == 0 && listen(fd_, 8) == 0;
    if (!abstract) chmod(name.c_str(), 0777);
  }
  ~UnixListener() {
    if (fd_ >= 0) close(fd_);
    if (name_[0] == '/') unlink(name_.c_str());
  }
  bool ok() const { return ok_; }

 private:
  std::string name_;
  int fd_ = -1;
  bool ok_ = false;
};

// A11: the host's processes are invisible and unreachable; /proc shows
// only the sandbox's own few.
TEST_P(IsolationTest, HostProcessesAreInvisible) {
  std::string host_pid = std::to_string(getpid());
  CliRun posture = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-posture")});
  ASSERT_EQ(posture.status, 0) << Describe(posture);
  ProbeOutput p(posture.out);
  if (IsVm(GetParam())) {
    // A guest's /proc also lists its own kernel's threads: count only
    // user-space processes (a command line), which must be the sandbox's.
    CliRun users = RunSandboxed(GetParam(), {},
                                {"/bin/sh", "-c", "echo users=$(grep -ls . /proc/[0-9]*/cmdline | wc -l)"});
    int n = atoi(ProbeOutput(users.out).Get("users").c_str());
    EXPECT_GE(n, 2) << Describe(users);  // init and this sh at least: the count works
    // init, its relay, sh, grep, wc: nothing else, where a host shows hundreds.
    EXPECT_LE(n, 6) << "processes visible in the guest's /proc\n" << Describe(users);
  } else {
    EXPECT_LE(atoi(p.Get("procs").c_str()), 4) << "pids visible in the sandbox's /proc";
    EXPECT_LE(atoi(p.Get("pid").c_str()), 4) << "the command is not in a new pid namespace";
  }
  CliRun reach = RunSandboxed(GetParam(), {},
                              {"/bin/sh", "-c",
                               "kill -0 " + host_pid + " 2>/dev/null && echo KILL_REACHED; "
                               "test -e /proc/" + host_pid + " && echo PROC_VISIBLE; echo done"});
  EXPECT_EQ(reach.out.find("KILL_REACHED"), std::string::npos) << Describe(reach);
  EXPECT_EQ(reach.out.find("PROC_VISIBLE"), std::string::npos) << Describe(reach);
  EXPECT_NE(reach.out.find("done"), std::string::npos) << Describe(reach);
}

// A13: host unix sockets are out of reach: abstract sockets (scoped by the
// network namespace) and pathname sockets where host services keep them,
// /run (= /var/run) and /tmp, which are private inside. (A read-only mount
// does not stop connect(): a socket elsewhere on the visible host root stays
// reachable unless masked; see the catalogue, A13.)
TEST_P(IsolationTest, HostUnixSocketsAreUnreachable) {
  std::string abstract = UniqueMarker("abstract");
  std::string in_run = "/run/" + UniqueMarker("sock"), in_tmp = "/tmp/" + UniqueMarker("sock");
  UnixListener a(abstract), r(in_run), t(in_tmp);
  ASSERT_TRUE(a.ok() && r.ok() && t.ok()) << strerror(errno);
  std::vector<std::string> cmd{ProbePath("vsb-probe-connect"), "abstract:" + abstract,
                               "unix:" + in_run, "unix:/var" + in_run, "unix:" + in_tmp};
  // Control on the host: the probe does connect to each.
  CliRun host = RunProgram(cmd);
  EXPECT_EQ(std::count(host.out.begin(), host.out.end(), '\n'), 4) << host.out;
  EXPECT_EQ(host.status, 1) << host.out;  // 1: something connected
  EXPECT_EQ(host.out.find("=E"), std::string::npos) << host.out;
  // The host's real services too, where they exist.
  for (const char* s : {"/run/dbus/system_bus_socket", "/var/run/dbus/system_bus_socket",
                        "/run/libvirt/libvirt-sock", "/var/run/docker.sock", "/dev/log"})
    if (std::filesystem::exists(s)) cmd.push_back(std::string("unix:") + s);
  CliRun run = RunSandboxed(GetParam(), {}, cmd);
  EXPECT_EQ(run.out.find("CONNECTED"), std::string::npos) << Describe(run);
  EXPECT_TRUE(ProbeOutput(run.out).Has("abstract:" + abstract)) << Describe(run);
}

// A14: only lo, and it is up; host loopback services and vsock (not
// isolated by network namespaces) are unreachable.
TEST_P(IsolationTest, OnlyLoopbackAndNoHostNetwork) {
  int srv = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ASSERT_EQ(bind(srv, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  ASSERT_EQ(listen(srv, 8), 0);
  getsockname(srv, reinterpret_cast<sockaddr*>(&a), &len);
  std::string tcp = "tcp:127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  CliRun posture = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-posture")});
  CliRun connect = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-connect"), tcp, "vsock:2:9999",
                                                 "vsock:1:9999"});
  CliRun lo = RunSandboxed(GetParam(), {}, {"/bin/cat", "/sys/class/net/lo/operstate",
                                            "/sys/class/net/lo/flags"});
  close(srv);
  EXPECT_EQ(ProbeOutput(posture.out).Get("ifaces"), "lo") << Describe(posture);
  EXPECT_EQ(connect.out.find("CONNECTED"), std::string::npos) << Describe(connect);
  ProbeOutput c(connect.out);
  EXPECT_EQ(c.Get(tcp), "ECONNREFUSED") << Describe(connect);  // a private lo, nobody listening
  for (const char* v : {"vsock:2:9999", "vsock:1:9999"})
    EXPECT_TRUE(c.Get(v) == "EPERM" || c.Get(v) == "EAFNOSUPPORT") << v << "=" << c.Get(v);
  // lo is up: IFF_UP (0x1) in flags.
  std::istringstream lines(lo.out);
  std::string state, flags;
  lines >> state >> flags;
  EXPECT_TRUE(std::stoul(flags.empty() ? "0" : flags, nullptr, 16) & 1) << Describe(lo);
}

// A15 / issue 4 item 5: the environment is filtered; -e passes a variable.
TEST_P(IsolationTest, EnvironmentIsFiltered) {
  setenv("VSB_SECRET_CANARY", "s3cret", 1);
  setenv("SSH_AUTH_SOCK", "/tmp/ssh-agent.sock", 1);
  setenv("LD_PRELOAD", "/nonexistent/evil.so", 1);
  CliRun run = RunSandboxed(GetParam(), {"-e", "VSB_PASSED=yes"}, {"/usr/bin/env"});
  unsetenv("VSB_SECRET_CANARY");
  unsetenv("SSH_AUTH_SOCK");
  unsetenv("LD_PRELOAD");
  ASSERT_EQ(run.status, 0) << Describe(run);
  EXPECT_EQ(run.out.find("VSB_SECRET_CANARY"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("SSH_AUTH_SOCK"), std::string::npos) << run.out;
  EXPECT_EQ(run.out.find("LD_PRELOAD"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("VSB_PASSED=yes\n"), std::string::npos) << run.out;
}

// B6: a running sandbox is invisible to another one: its processes, its
// /tmp, its abstract socket.
TEST_P(IsolationTest, TwoSandboxesAreIsolated) {
  std::string marker = UniqueMarker("peer");
  std::string log = BuildPath("tests/" + marker + ".log");
  pid_t first = SpawnCli({"-c", GetParam(), "--", "/bin/sh", "-c",
                          "echo x > /tmp/peer-file; echo " + marker + "; sleep 30; : " + marker},
                         log);
  ASSERT_GT(first, 0);
  bool started = WaitForStart(GetParam(), marker, log);
  std::filesystem::remove(log);
  ASSERT_TRUE(started) << "first sandbox never started";
  // "pee[r]" matches the peer's cmdline but not our own sh's or grep's.
  std::string pattern = marker;
  pattern.replace(pattern.find("peer"), 4, "pee[r]");
  CliRun second = RunSandboxed(GetParam(), {},
                               {"/bin/sh", "-c",
                                "grep -l '" + pattern + "' /proc/[0-9]*/cmdline 2>/dev/null; "
                                "test -e /tmp/peer-file && echo PEER_TMP_VISIBLE; echo done"});
  kill(first, SIGTERM);
  int st = 0;
  waitpid(first, &st, 0);
  EXPECT_EQ(second.out.find("/proc/"), std::string::npos)
      << "another sandbox's process is visible:\n" << second.out;
  EXPECT_EQ(second.out.find("PEER_TMP_VISIBLE"), std::string::npos) << second.out;
  EXPECT_NE(second.out.find("done"), std::string::npos) << Describe(second);
}

INSTANTIATE_TEST_SUITE_P(Engines, IsolationTest, ::testing::ValuesIn(kSecurityEngines), EngineName);

}  // namespace
}  // namespace vsb::testing
