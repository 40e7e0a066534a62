// Catalogue A17 (resource exhaustion; the host must survive) and the limits
// side of B1 (the payload sits in its own cgroup with the limits set).
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

class ResourceTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override { VSB_REQUIRE(MissingEngine(GetParam())); }
};

// Checks that only make sense for a container: the payload's host cgroup. In a VM the cgroup is around QEMU: tests/vm/vm_confine_test.cc (LimitsPutQemuInTheSandboxCgroup).
class ResourceTestContainerOnly : public ResourceTest {};

// The host can still start processes after a sandbox exhausted something.
void ExpectHostAlive() {
  CliRun run = RunProgram({"/bin/true"});
  EXPECT_EQ(run.status, 0);
}

// A fork bomb meets --pids: the probe's own safety cap (1000) is far above
// the limit, so only the limit can stop it early.
TEST_P(ResourceTest, ForkBombStaysInsidePidsLimit) {
  // In a VM, --pids bounds QEMU's tasks on the host (tests/vm) and the
  // command's tasks with a cgroup inside the guest.
  HostSnapshot before = TakeHostSnapshot();
  CliRun run = RunSandboxed(GetParam(), {"--pids", "50"}, {ProbePath("vsb-probe-forkbomb"), "1000"});
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_LT(atoi(p.Get("forked").c_str()), 50) << run.out;
  EXPECT_EQ(p.Get("fork_error"), "EAGAIN") << run.out;
  // Control: without --pids the same probe gets past 50.
  CliRun free = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-forkbomb"), "100"});
  EXPECT_EQ(ProbeOutput(free.out).Get("forked"), "100") << Describe(free);
  ExpectHostAlive();
  ExpectNoLeftovers(before);
}

// A memory hog meets --memory: the kernel kills it, the run reports 137 (a
// SIGKILL) and says why on stderr.
TEST_P(ResourceTest, MemoryHogIsKilledAndReported) {
  HostSnapshot before = TakeHostSnapshot();
  CliRun run = RunSandboxed(GetParam(), {"--memory", SmallMemory(GetParam())},
                            {ProbePath("vsb-probe-memhog"), "1024"});
  EXPECT_EQ(run.status, 137) << Describe(run);
  EXPECT_EQ(run.out.find("reached="), std::string::npos) << "no limit applied: " << Describe(run);
  // In a VM --memory is the guest's RAM: the guest kernel's OOM killer ends
  // the hog, and the guest init tells the host so.
  EXPECT_NE(run.err.find("memory"), std::string::npos) << "no message about the memory limit: "
                                                       << Describe(run);
  // Control: without --memory the same probe reaches 256 MiB.
  CliRun free = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-memhog"), "256"});
  EXPECT_EQ(ProbeOutput(free.out).Get("reached"), "256") << Describe(free);
  ExpectHostAlive();
  ExpectNoLeftovers(before);
}

// Filling the private /tmp ends in ENOSPC at the tmpfs size bound, well
// before the probe's 4 GiB safety cap, and touches nothing on the host.
TEST_P(ResourceTest, TmpFillHitsTmpfsBound) {
  HostSnapshot before = TakeHostSnapshot();
  CliRun run = RunSandboxed(GetParam(), {}, {ProbePath("vsb-probe-fill"), "/tmp/fill", "4096"}, "", 120);
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("fill_error"), "ENOSPC") << run.out;
  EXPECT_LT(atol(p.Get("written_mb").c_str()), 4096) << run.out;
  ExpectHostAlive();
  ExpectNoLeftovers(before);
}

// A ram mount has exactly the size asked for.
TEST_P(ResourceTest, RamMountFillHitsItsSize) {
  CliRun run = RunSandboxed(GetParam(), {"-m", "ram:/srv=16M"},
                            {ProbePath("vsb-probe-fill"), "/srv/fill", "1024"});
  ASSERT_EQ(run.status, 0) << Describe(run);
  ProbeOutput p(run.out);
  EXPECT_EQ(p.Get("fill_error"), "ENOSPC") << run.out;
  EXPECT_LE(atol(p.Get("written_mb").c_str()), 16) << run.out;
}

// B1: seen from the host, the payload is in the sandbox's cgroup and the
// limits are set there (v2 files, or the v1 controllers on hybrid hosts).
TEST_P(ResourceTestContainerOnly, LimitsAreSetOnThePayloadCgroup) {
  std::string marker = UniqueMarker("limits");
  pid_t launcher = SpawnCli({"-c", GetParam(), "--memory", "64M", "--pids", "50", "--cpus", "0.5",
                             "--", "/bin/sh", "-c", "sleep 30; : " + marker});
  ASSERT_GT(launcher, 0);
  pid_t payload = WaitForMarker(marker, "sh");
  ASSERT_GT(payload, 0) << "the sandboxed command never started";
  std::string memory, pids, cpu, unified;
  std::istringstream lines(ReadText("/proc/" + std::to_string(payload) + "/cgroup"));
  for (std::string line; std::getline(lines, line);) {
    std::string ctrl = line.substr(line.find(':') + 1, line.rfind(':') - line.find(':') - 1);
    std::string path = line.substr(line.rfind(':') + 1);
    if (ctrl == "memory") memory = "/sys/fs/cgroup/memory" + path;
    if (ctrl == "pids") pids = "/sys/fs/cgroup/pids" + path;
    if (ctrl == "cpu" || ctrl == "cpu,cpuacct") cpu = "/sys/fs/cgroup/" + ctrl + path;
    if (ctrl.empty()) unified = path;
  }
  bool hybrid = access("/sys/fs/cgroup/unified", F_OK) == 0;
  if (memory.empty() && !hybrid) {  // pure v2
    std::string dir = "/sys/fs/cgroup" + unified;
    EXPECT_EQ(ReadText(dir + "/memory.max"), "67108864\n") << dir;
    EXPECT_EQ(ReadText(dir + "/pids.max"), "50\n") << dir;
    EXPECT_EQ(ReadText(dir + "/cpu.max"), "50000 100000\n") << dir;
  } else {
    EXPECT_EQ(ReadText(memory + "/memory.limit_in_bytes"), "67108864\n") << memory;
    EXPECT_EQ(ReadText(pids + "/pids.max"), "50\n") << pids;
    EXPECT_EQ(ReadText(cpu + "/cpu.cfs_quota_us"), "50000\n") << cpu;
  }
  if (access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 || hybrid) {
    EXPECT_NE(unified.find("virt-sandbox"), std::string::npos) << "not tracked in a cgroup2 group";
  }
  kill(launcher, SIGTERM);
  int st = 0;
  waitpid(launcher, &st, 0);
}

INSTANTIATE_TEST_SUITE_P(Engines, ResourceTest, ::testing::ValuesIn(kSecurityEngines), EngineName);
INSTANTIATE_TEST_SUITE_P(Container, ResourceTestContainerOnly, ::testing::Values(std::string(kContainerUri)), EngineName);

}  // namespace
}  // namespace vsb::testing
