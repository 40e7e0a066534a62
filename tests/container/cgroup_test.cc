// SandboxCgroup against the real host hierarchies (root): limits land in the
// kernel files, KillAll ends a whole process tree, the OOM kill is seen, and
// nothing is left after destruction.
#include "container/cgroup.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "testing/test_env.h"

namespace vsb::container {
namespace {

bool IsDir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

long Lines(const std::string& path) {
  std::string text = testing::ReadText(path);
  return std::count(text.begin(), text.end(), '\n');
}

std::string UniqueName(const char* what) {
  return std::string("vsb-test-") + what + "-" + std::to_string(getpid());
}

// Forks argv as a child that waits until it was put into `cg` (the cgroup2
// leaf, as clone3 CLONE_INTO_CGROUP would, and the v1 groups), then execs.
pid_t SpawnInto(SandboxCgroup& cg, const std::vector<std::string>& argv) {
  int go[2];
  if (pipe(go) != 0) return -1;
  pid_t pid = fork();
  if (pid == 0) {
    char c;
    close(go[1]);
    if (read(go[0], &c, 1) != 1) _exit(120);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(go[0]);
  bool placed = cg.AddProcess(pid).has_value();
  if (cg.cgroup2_dir_fd() >= 0) {
    std::ofstream procs("/proc/self/fd/" + std::to_string(cg.cgroup2_dir_fd()) + "/cgroup.procs");
    procs << pid << std::flush;
    placed = placed && procs.good();
  }
  EXPECT_TRUE(placed) << "could not put pid " << pid << " into the sandbox cgroup";
  EXPECT_EQ(write(go[1], "x", 1), 1);
  close(go[1]);
  return pid;
}

TEST(SandboxCgroupTest, LimitsAreWrittenAndDirsRemoved) {
  VSB_REQUIRE(testing::MissingRoot());
  std::vector<std::string> dirs;
  {
    auto cg = SandboxCgroup::Create(UniqueName("limits"),
                                    {.memory_bytes = 64 << 20, .cpus = 0.5, .pids = 50});
    ASSERT_TRUE(cg) << cg.error().message();
    dirs = cg->Dirs();
    ASSERT_FALSE(dirs.empty());
    std::string all;
    for (const auto& d : dirs) {
      EXPECT_TRUE(IsDir(d)) << d;
      all += d + "\n";
      if (std::ifstream(d + "/memory.limit_in_bytes")) {
        EXPECT_EQ(testing::ReadText(d + "/memory.limit_in_bytes"), "67108864\n");
      }
      if (std::ifstream(d + "/memory.max")) {
        EXPECT_EQ(testing::ReadText(d + "/memory.max"), "67108864\n");
      }
      if (std::ifstream(d + "/pids.max")) {
        EXPECT_EQ(testing::ReadText(d + "/pids.max"), "50\n");
      }
      if (std::ifstream(d + "/cpu.cfs_quota_us")) {
        EXPECT_EQ(testing::ReadText(d + "/cpu.cfs_quota_us"), "50000\n");
      }
      if (std::ifstream(d + "/cpu.max")) {
        EXPECT_EQ(testing::ReadText(d + "/cpu.max"), "50000 100000\n");
      }
    }
    // Every limit reached some group: each file exists in one of the dirs.
    int memory = 0, pids = 0, cpu = 0;
    for (const auto& d : dirs) {
      memory += (std::ifstream(d + "/memory.limit_in_bytes") || std::ifstream(d + "/memory.max")) ? 1 : 0;
      pids += std::ifstream(d + "/pids.max") ? 1 : 0;
      cpu += (std::ifstream(d + "/cpu.cfs_quota_us") || std::ifstream(d + "/cpu.max")) ? 1 : 0;
    }
    EXPECT_GE(memory, 1) << all;
    EXPECT_GE(pids, 1) << all;
    EXPECT_GE(cpu, 1) << all;
  }
  for (const auto& d : dirs) EXPECT_FALSE(IsDir(d)) << "left behind: " << d;
}

TEST(SandboxCgroupTest, NameCollisionIsAnError) {
  VSB_REQUIRE(testing::MissingRoot());
  auto first = SandboxCgroup::Create(UniqueName("dup"), {.pids = 10});
  ASSERT_TRUE(first) << first.error().message();
  auto second = SandboxCgroup::Create(UniqueName("dup"), {.pids = 10});
  EXPECT_FALSE(second);
  EXPECT_FALSE(SandboxCgroup::Create("../escape", {}));
}

TEST(SandboxCgroupTest, KillAllEndsTheWholeTree) {
  VSB_REQUIRE(testing::MissingRoot());
  auto cg = SandboxCgroup::Create(UniqueName("kill"), {.pids = 20});
  ASSERT_TRUE(cg) << cg.error().message();
  // A child whose grandchildren detach into their own sessions.
  pid_t pid = SpawnInto(*cg, {"/bin/sh", "-c",
                              "setsid sleep 300 & setsid sleep 300 & sleep 300 & wait"});
  ASSERT_GT(pid, 0);
  std::string procs_file = cg->Dirs().front() + "/cgroup.procs";
  for (int i = 0; i < 500 && Lines(procs_file) < 4; ++i) usleep(10000);
  EXPECT_GE(Lines(procs_file), 4) << testing::ReadText(procs_file);
  cg->KillAll();
  EXPECT_EQ(testing::ReadText(procs_file), "");
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

TEST(SandboxCgroupTest, MemoryLimitKillsAndIsReported) {
  VSB_REQUIRE(testing::MissingRoot());
  auto cg = SandboxCgroup::Create(UniqueName("oom"), {.memory_bytes = 32 << 20});
  ASSERT_TRUE(cg) << cg.error().message();
  EXPECT_FALSE(cg->MemoryLimitHit());
  pid_t pid = SpawnInto(*cg, {testing::BuildPath("tests/probe/vsb-probe-memhog"), "512"});
  ASSERT_GT(pid, 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;
  EXPECT_TRUE(cg->MemoryLimitHit());
}

}  // namespace
}  // namespace vsb::container
