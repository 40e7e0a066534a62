// policy::CompileContainer is pure: fixed facts in, the same plan out.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "policy/container_compile.h"
#include "testing/test_env.h"

namespace vsb::policy {
namespace {

host::HostFacts Facts(uint32_t uid) {
  host::HostFacts f;
  f.caller = {uid, uid, {}, uid ? "alice" : "root", uid ? "/home/alice" : "/root"};
  f.cwd = "/home/alice/src";
  f.exe_dir = "/usr/bin";
  f.init_path = "/usr/libexec/virt-sandbox/virt-sandbox-init";
  f.env = {{"PATH", "/usr/bin:/bin"}, {"LANG", "C.UTF-8"}, {"SECRET_TOKEN", "x"}, {"TERM", "xterm"}};
  f.landlock_abi = 3;
  f.pid = 42;
  f.nonce = 0xabcdef;
  return f;
}

SandboxConfig Config() {
  SandboxConfig c;
  c.command = {"/bin/sh", "-c", "id"};
  c.mounts.push_back({MountKind::kHostBind, "/data", "/srv/data", 0, true, ""});
  c.mounts.push_back({MountKind::kRam, "/scratch", "", 1 << 20, true, ""});
  c.env = {{"FOO", "bar"}};
  return c;
}

std::string Golden(const std::string& name) {
  std::ifstream f(vsb::testing::SourcePath("tests/unit/golden/" + name));
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

TEST(ContainerPlan, MatchesGoldenForRootCaller) {
  auto plan = CompileContainer(Config(), Facts(0));
  ASSERT_TRUE(plan) << plan.error().message();
  std::string json = ContainerPlanToJson(*plan) + "\n";
  if (getenv("VSB_UPDATE_GOLDEN")) {
    std::ofstream(vsb::testing::SourcePath("tests/unit/golden/container_plan_root.json")) << json;
  }
  EXPECT_EQ(json, Golden("container_plan_root.json"));
}

TEST(ContainerPlan, UnprivilegedCallerMapsOnlyItself) {
  auto plan = CompileContainer(Config(), Facts(1000));
  ASSERT_TRUE(plan);
  EXPECT_FALSE(plan->map_all_ids);
  EXPECT_EQ(plan->inside_uid, 1000u);
  EXPECT_EQ(plan->uid, 1000u);
  EXPECT_FALSE(plan->set_groups);
  EXPECT_FALSE(plan->keep_caps);
}

TEST(ContainerPlan, PrivilegedKeepsNamespacedRoot) {
  SandboxConfig c = Config();
  c.privileged = true;
  auto plan = CompileContainer(c, Facts(1000));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->inside_uid, 0u);
  EXPECT_EQ(plan->uid, 0u);
  EXPECT_TRUE(plan->keep_caps);
}

TEST(ContainerPlan, EnvironmentIsFiltered) {
  auto plan = CompileContainer(Config(), Facts(0));
  ASSERT_TRUE(plan);
  auto has = [&](const std::string& e) {
    return std::find(plan->env.begin(), plan->env.end(), e) != plan->env.end();
  };
  EXPECT_TRUE(has("LANG=C.UTF-8"));
  EXPECT_TRUE(has("FOO=bar"));
  EXPECT_TRUE(has("PATH=/usr/bin:/bin"));
  for (const auto& e : plan->env) {
    EXPECT_EQ(e.find("SECRET_TOKEN"), std::string::npos);
    EXPECT_NE(e.rfind("TERM=", 0), 0u) << "TERM only with a terminal";
  }
}

TEST(ContainerPlan, PrivateTmpUnlessUserMountsThere) {
  SandboxConfig c = Config();
  c.mounts.push_back({MountKind::kRam, "/tmp", "", 5 << 20, true, ""});
  auto plan = CompileContainer(c, Facts(0));
  ASSERT_TRUE(plan);
  int tmp = 0;
  for (const auto& m : plan->mounts) tmp += m.target == "/tmp";
  EXPECT_EQ(tmp, 1);
}

TEST(ContainerPlan, RejectsPrivilegedWithSwitch) {
  SandboxConfig c = Config();
  c.privileged = true;
  c.switch_to = "nobody";
  auto plan = CompileContainer(c, Facts(0));
  ASSERT_FALSE(plan);
  EXPECT_NE(plan.error().message().find("-p and -S"), std::string::npos);
}

TEST(ContainerPlan, SwitchToNeedsRoot) {
  SandboxConfig c = Config();
  c.switch_to = "nobody";
  host::HostFacts f = Facts(1000);
  f.switch_to = host::Identity{65534, 65534, {}, "nobody", "/nonexistent"};
  auto plan = CompileContainer(c, f);
  ASSERT_FALSE(plan);
}

TEST(ContainerPlan, NamesAreUniquePerLaunch) {
  host::HostFacts a = Facts(0), b = Facts(0);
  b.nonce = 0x123456;
  EXPECT_NE(UniqueName(a), UniqueName(b));
}

}  // namespace
}  // namespace vsb::policy

namespace vsb::policy {
namespace {

TEST(ContainerPlan, OtherUsersHomesAreHiddenUnlessExposed) {
  host::HostFacts f = Facts(1000);
  f.home_dirs = {"/home/alice", "/home/bob", "/home/carol"};
  SandboxConfig c = Config();
  c.expose = {"/home/carol"};
  auto plan = CompileContainer(c, f);
  ASSERT_TRUE(plan);
  auto hidden = [&](const std::string& p) {
    return std::find(plan->hidden.begin(), plan->hidden.end(), p) != plan->hidden.end();
  };
  EXPECT_TRUE(hidden("/home/bob"));
  EXPECT_FALSE(hidden("/home/alice"));
  EXPECT_FALSE(hidden("/home/carol"));
}

}  // namespace
}  // namespace vsb::policy
