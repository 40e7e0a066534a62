// Catalogue B3 (nothing left behind, however a run ends: exit, failure,
// timeout, signal, SIGINT to the launcher, SIGKILL of the launcher while the
// command runs and during setup), B4 (mount propagation), B2 (host files
// unchanged) and B7 (a host-bind target that is a symlink).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

class LeftoversTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingEngine(GetParam())); }
};

int WaitStatus(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

TEST_P(LeftoversTest, AfterEveryKindOfEnd) {
  struct Case {
    const char* name;
    std::vector<std::string> options, command;
    int status;
  };
  const Case cases[] = {
      {"exit 0", {"-m", "host-bind:/srv="}, {"/bin/true"}, 0},
      {"exit 7", {"--memory", SmallMemory(GetParam()), "--pids", "50"}, {"/bin/sh", "-c", "exit 7"}, 7},
      {"killed by SIGKILL", {}, {"/bin/sh", "-c", "kill -9 $$"}, 137},
      {"--timeout", {"--timeout", "1"}, {"/bin/sleep", "30"}, 124},
      {"setup failure", {"-m", "host-bind:/srv=/nonexistent/" + UniqueMarker("src")}, {"/bin/true"}, 125},
      {"not found", {}, {"/nonexistent-" + UniqueMarker("cmd")}, 127},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    HostSnapshot before = TakeHostSnapshot();
    CliRun run = RunSandboxed(GetParam(), c.options, c.command);
    EXPECT_EQ(run.status, c.status) << Describe(run);
    ExpectNoLeftovers(before);
  }
}

// SIGINT to the launcher (Ctrl-C) is forwarded; the run ends with 130 and
// cleans up.
TEST_P(LeftoversTest, AfterSigintToLauncher) {
  HostSnapshot before = TakeHostSnapshot();
  std::string marker = UniqueMarker("sigint");
  std::string log = BuildPath("tests/" + marker + ".log");
  pid_t launcher = SpawnCli({"-c", GetParam(), "--", "/bin/sh", "-c",
                             "echo " + marker + "; sleep 30; : " + marker}, log);
  ASSERT_GT(launcher, 0);
  bool started = WaitForStart(GetParam(), marker, log);
  std::filesystem::remove(log);
  ASSERT_TRUE(started) << "the sandboxed command never started";
  kill(launcher, SIGINT);
  EXPECT_EQ(WaitStatus(launcher), 130);
  EXPECT_TRUE(WaitFor([&] { return PidsWithMarker(marker).empty(); }, 3000));
  ExpectNoLeftovers(before);
}

// B3(e) and P13: SIGKILL of the launcher while the command runs, with a
// daemonized grandchild trying to outlive it. Every process of the
// sandbox's pid namespace is gone within a couple of seconds.
TEST_P(LeftoversTest, AfterSigkillOfLauncherMidRun) {
  std::string marker = UniqueMarker("sigkill");
  std::string log = BuildPath("tests/" + marker + ".log");
  HostSnapshot before = TakeHostSnapshot();
  pid_t launcher = SpawnCli({"-c", GetParam(), "-n", marker, "--memory", SmallMemory(GetParam()), "-m",
                             "host-bind:/srv=", "--", "/bin/sh", "-c",
                             "setsid /bin/sh -c 'sleep 300; : " + marker + "-daemon' </dev/null "
                             ">/dev/null 2>&1 & echo " + marker + "; sleep 30; : " + marker},
                            log);
  ASSERT_GT(launcher, 0);
  if (IsVm(GetParam())) {
    // The payload and its daemon are guest processes: they end with QEMU,
    // which must die with its launcher (PDEATHSIG) and leave nothing (the
    // janitor removes the run dir and the cgroup).
    bool started = WaitForStart(GetParam(), marker, log);
    std::filesystem::remove(log);
    ASSERT_TRUE(started) << "the sandboxed command never started";
    kill(launcher, SIGKILL);
    EXPECT_EQ(WaitStatus(launcher), 128 + SIGKILL);
    ExpectNoLeftoversOf(marker);
    ExpectNoLeftovers(before);
    RemoveLeftoversOf(marker);
    return;
  }
  std::filesystem::remove(log);
  pid_t payload = WaitForMarker(marker, "sh");
  ASSERT_GT(payload, 0) << "the sandboxed command never started";
  ASSERT_GT(WaitForMarker(marker + "-daemon", "sh"), 0);
  std::string pidns = NamespaceOf(payload, "pid");
  ASSERT_NE(pidns, NamespaceOf(getpid(), "pid"));
  kill(launcher, SIGKILL);
  EXPECT_EQ(WaitStatus(launcher), 128 + SIGKILL);
  EXPECT_TRUE(WaitFor([&] { return PidsInNamespace(pidns).empty(); }, 3000))
      << PidsInNamespace(pidns).size() << " sandbox processes survived the launcher";
  EXPECT_TRUE(PidsWithMarker(marker).empty()) << "the daemonized grandchild survived";
  ExpectNoLeftoversOf(marker);
  for (pid_t p : PidsWithMarker(marker)) kill(p, SIGKILL);  // clean up after a failing engine
  RemoveLeftoversOf(marker);
}

// B3(e) during setup: SIGKILL of the launcher at several moments of the
// start-up leaves nothing behind either. (Checked by the sandbox's name, -n,
// so other sessions' sandboxes on this host do not blur the result.)
TEST_P(LeftoversTest, AfterSigkillOfLauncherDuringSetup) {
  for (int delay_us : {0, 1000, 3000, 10000, 30000, 100000}) {
    SCOPED_TRACE("killed after " + std::to_string(delay_us) + " us");
    std::string marker = UniqueMarker("setupkill");
    pid_t launcher = SpawnCli({"-c", GetParam(), "-n", marker, "--memory", SmallMemory(GetParam()), "--pids", "50", "-m",
                               "host-bind:/srv=", "-m", "ram:/media=1M", "--", "/bin/sh", "-c",
                               "sleep 30; : " + marker});
    ASSERT_GT(launcher, 0);
    usleep(delay_us);
    kill(launcher, SIGKILL);
    WaitStatus(launcher);
    EXPECT_TRUE(WaitFor([&] { return PidsWithMarker(marker).empty(); }, 3000));
    ExpectNoLeftoversOf(marker);
    for (pid_t p : PidsWithMarker(marker)) kill(p, SIGKILL);
    RemoveLeftoversOf(marker);  // after a failing engine
  }
}

// B4: the mounts made to build the sandbox, and any the command manages to
// make, never appear in the host's mount table. The command runs with the
// weakest settings (-p --seccomp unconfined); when its mounts are refused
// anyway (Landlock), part (2) holds by denial and the log says so.
TEST_P(LeftoversTest, NoMountPropagatesToTheHost) {
  std::string before = ReadText("/proc/self/mountinfo");
  std::string marker = UniqueMarker("prop");
  std::string log = BuildPath("tests/" + marker + ".log");
  pid_t launcher = SpawnCli({"-c", GetParam(), "-p", "--seccomp", "unconfined", "-m", "ram:/media=1M",
                             "--", "/bin/sh", "-c",
                             "mount -t tmpfs vsbprop /mnt && echo MOUNTED_MNT; "
                             "mount -t tmpfs vsbprop /media && echo MOUNTED_MEDIA; "
                             "x=mounted; echo " + marker + "-$x; "
                             "exec /bin/sh -c \"sleep 30; : " + marker + "-$x\""},
                            log);
  ASSERT_GT(launcher, 0);
  // "<marker>-mounted" only exists once both mounts were tried.
  ASSERT_TRUE(WaitForStart(GetParam(), marker + "-mounted", log)) << "the sandboxed command never started";
  std::string during = ReadText("/proc/self/mountinfo");
  kill(launcher, SIGTERM);
  WaitStatus(launcher);
  std::string output = ReadText(log);
  std::filesystem::remove(log);
  EXPECT_EQ(during.find("vsbprop"), std::string::npos) << "a sandbox mount reached the host";
  if (output.find("MOUNTED") == std::string::npos)
    RecordProperty("payload_mounts", "refused even with -p --seccomp unconfined: " + output);
  std::set<std::string> host_points, during_points;
  for (auto* text : {&before, &during}) {
    std::istringstream lines(*text);
    for (std::string line; std::getline(lines, line);) {
      std::istringstream f(line);
      std::string id, parent, dev, root, point;
      f >> id >> parent >> dev >> root >> point;
      (text == &before ? host_points : during_points).insert(point + " " + root);
    }
  }
  EXPECT_EQ(host_points, during_points) << "the host mount table changed while a sandbox ran";
}

// B2: a hostile run that tries to write all over the host changes nothing.
TEST_P(LeftoversTest, HostFilesUnchangedAfterHostileRun) {
  auto listing = [](const std::string& dir) {
    std::string all;
    for (auto& e : std::filesystem::directory_iterator(dir)) all += e.path().string() + "\n";
    return all;
  };
  std::string etc = listing("/etc"), build = listing(BuildPath("")), root = listing("/");
  auto init_time = std::filesystem::last_write_time(BuildPath("virt-sandbox-init"));
  CliRun run = RunSandboxed(GetParam(), {},
                            {"/bin/sh", "-c",
                             "for d in / /etc /usr " + BuildPath("") + "; do "
                             "touch $d/vsbtest-canary; mkdir $d/vsbtest-dir; done; "
                             "cp /bin/true " + BuildPath("virt-sandbox-init") + "; "
                             "echo x >> /proc/1/exe; true"});
  EXPECT_EQ(listing("/etc"), etc);
  EXPECT_EQ(listing(BuildPath("")), build);
  EXPECT_EQ(listing("/"), root);
  EXPECT_TRUE(std::filesystem::last_write_time(BuildPath("virt-sandbox-init")) == init_time);
  EXPECT_EQ(run.status, 0) << Describe(run);
}

// B7: a host-bind target that is a symlink on the host pointing elsewhere:
// either refused (125) or mounted inside only; the host side is unchanged.
TEST_P(LeftoversTest, SymlinkMountTargetDoesNotRedirectOnTheHost) {
  std::string base = BuildPath("tests/" + UniqueMarker("b7"));
  std::filesystem::create_directories(base + "/outside");
  std::filesystem::create_directories(base + "/src");
  std::filesystem::create_directory_symlink(base + "/outside", base + "/link");
  HostSnapshot before = TakeHostSnapshot();
  CliRun run = RunSandboxed(GetParam(), {"-m", "host-bind:" + base + "/link=" + base + "/src"},
                            {"/bin/sh", "-c", "echo pwned > " + base + "/link/canary"});
  ExpectNoLeftovers(before);
  EXPECT_TRUE(run.status == 0 || run.status == 125) << Describe(run);
  EXPECT_FALSE(std::filesystem::exists(base + "/outside/canary")) << "wrote through the symlink";
  EXPECT_TRUE(std::filesystem::is_symlink(base + "/link")) << "the host symlink was replaced";
  std::filesystem::remove_all(base);
}

INSTANTIATE_TEST_SUITE_P(Engines, LeftoversTest, ::testing::ValuesIn(kSecurityEngines), EngineName);

}  // namespace
}  // namespace vsb::testing
