// The pure parts of the per-sandbox cgroup: finding the hierarchies and
// formatting the limits the kernel files take.
#include "container/cgroup.h"

#include <gtest/gtest.h>

namespace vsb::container {
namespace {

// This machine's hybrid layout, trimmed from /proc/self/mountinfo.
constexpr const char* kHybrid =
    "30 24 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755\n"
    "31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 "
    "cgroup2 rw,nsdelegate\n"
    "33 30 0:29 / /sys/fs/cgroup/cpu rw,relatime shared:12 - cgroup cgroup rw,cpu\n"
    "34 30 0:30 / /sys/fs/cgroup/cpuacct rw,relatime shared:13 - cgroup cgroup rw,cpuacct\n"
    "36 30 0:32 / /sys/fs/cgroup/memory rw,relatime shared:15 - cgroup cgroup rw,memory\n"
    "40 30 0:36 / /sys/fs/cgroup/pids rw,relatime shared:19 - cgroup cgroup rw,pids\n";

TEST(CgroupMountsTest, FindsHybridHierarchies) {
  CgroupMounts m = ParseCgroupMounts(kHybrid);
  EXPECT_EQ(m.unified, "/sys/fs/cgroup/unified");
  EXPECT_EQ(m.memory, "/sys/fs/cgroup/memory");
  EXPECT_EQ(m.cpu, "/sys/fs/cgroup/cpu");  // not cpuacct
  EXPECT_EQ(m.pids, "/sys/fs/cgroup/pids");
}

TEST(CgroupMountsTest, FindsPureV2AndCombinedV1) {
  CgroupMounts v2 = ParseCgroupMounts(
      "25 21 0:22 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n");
  EXPECT_EQ(v2.unified, "/sys/fs/cgroup");
  EXPECT_EQ(v2.memory, "");
  CgroupMounts v1 = ParseCgroupMounts(
      "33 30 0:29 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n");
  EXPECT_EQ(v1.cpu, "/sys/fs/cgroup/cpu,cpuacct");
  EXPECT_EQ(v1.unified, "");
}

TEST(CgroupLimitsTest, CpuQuota) {
  EXPECT_EQ(CpuQuotaUs(0), -1);
  EXPECT_EQ(CpuQuotaUs(-1), -1);
  EXPECT_EQ(CpuQuotaUs(1), 100000);
  EXPECT_EQ(CpuQuotaUs(1.5), 150000);
  EXPECT_EQ(CpuQuotaUs(0.001), 1000);  // the kernel's minimum quota
  EXPECT_EQ(CpuMaxValue(0), "max 100000");
  EXPECT_EQ(CpuMaxValue(0.25), "25000 100000");
}

TEST(CgroupLimitsTest, Any) {
  EXPECT_FALSE(CgroupLimits{}.any());
  EXPECT_TRUE((CgroupLimits{.memory_bytes = 1}).any());
  EXPECT_TRUE((CgroupLimits{.cpus = 0.5}).any());
  EXPECT_TRUE((CgroupLimits{.pids = 50}).any());
}

TEST(CgroupFilesTest, KeyedValue) {
  const std::string events = "low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n";
  EXPECT_EQ(KeyedValue(events, "oom_kill"), 1u);
  EXPECT_EQ(KeyedValue(events, "oom"), 1u);
  EXPECT_EQ(KeyedValue(events, "missing"), std::nullopt);
  EXPECT_EQ(KeyedValue("oom_kill_disable 0\nunder_oom 0\noom_kill 3\n", "oom_kill"), 3u);
}

TEST(CgroupNameTest, OneComponent) {
  EXPECT_TRUE(IsValidCgroupName("sandbox-1234"));
  EXPECT_FALSE(IsValidCgroupName(""));
  EXPECT_FALSE(IsValidCgroupName(".."));
  EXPECT_FALSE(IsValidCgroupName("a/b"));
  EXPECT_FALSE(IsValidCgroupName("a\nb"));
}

}  // namespace
}  // namespace vsb::container
