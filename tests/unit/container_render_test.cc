// RenderChildPlan: the child's instructions for a plan (pure but for lstat of
// host paths).
#include <gtest/gtest.h>

#include <algorithm>

#include "container/render.h"

namespace vsb::container {
namespace {

using child::OpKind;
using policy::PlannedMount;

policy::ContainerPlan Plan() {
  policy::ContainerPlan p;
  p.name = p.hostname = "t";
  p.argv = {"/bin/true"};
  PlannedMount tmp;
  tmp.kind = PlannedMount::Kind::kTmpfs;
  tmp.target = "/tmp";
  p.mounts.push_back(tmp);
  return p;
}

RenderInputs Inputs(const policy::ContainerPlan& p) {
  RenderInputs in;
  for (const auto& m : p.mounts) {
    in.mount_sources.push_back(m.source);
    in.image_fds.push_back(-1);
  }
  return in;
}

bool Has(const child::ChildPlan& cp, OpKind kind, const std::string& target) {
  return std::any_of(cp.ops.begin(), cp.ops.end(),
                     [&](const child::Op& op) { return op.kind == kind && op.target == target; });
}

size_t IndexOf(const child::ChildPlan& cp, OpKind kind, const std::string& target) {
  for (size_t i = 0; i < cp.ops.size(); ++i)
    if (cp.ops[i].kind == kind && cp.ops[i].target == target) return i;
  return SIZE_MAX;
}

TEST(ContainerRender, MinimalDevProcSysAndMasks) {
  auto p = Plan();
  auto cp = RenderChildPlan(p, Inputs(p));
  ASSERT_TRUE(cp);
  EXPECT_TRUE(Has(*cp, OpKind::kDevTmpfs, "/dev"));
  EXPECT_TRUE(Has(*cp, OpKind::kDevpts, "/dev/pts"));
  EXPECT_TRUE(Has(*cp, OpKind::kProc, "/proc"));
  EXPECT_TRUE(Has(*cp, OpKind::kSysfs, "/sys"));
  EXPECT_TRUE(Has(*cp, OpKind::kMask, "/proc/kcore"));
  EXPECT_TRUE(Has(*cp, OpKind::kMask, "/proc/sysrq-trigger"));
  EXPECT_TRUE(Has(*cp, OpKind::kReadOnly, "/proc/sys"));
  EXPECT_TRUE(Has(*cp, OpKind::kReadOnly, "/dev"));
  EXPECT_EQ(cp->host_trees.size(), 6u);  // null zero full random urandom tty
}

TEST(ContainerRender, MissingTargetIsMadeInAMirrorNotOnTheHost) {
  auto p = Plan();
  PlannedMount ram;
  ram.kind = PlannedMount::Kind::kTmpfs;
  ram.target = "/vsb-test-missing-dir/sub";
  p.mounts.push_back(ram);
  auto cp = RenderChildPlan(p, Inputs(p));
  ASSERT_TRUE(cp);
  size_t mirror = IndexOf(*cp, OpKind::kMirror, "/");
  size_t mkdir1 = IndexOf(*cp, OpKind::kMkdir, "/vsb-test-missing-dir");
  size_t mkdir2 = IndexOf(*cp, OpKind::kMkdir, "/vsb-test-missing-dir/sub");
  size_t mount = IndexOf(*cp, OpKind::kTmpfs, "/vsb-test-missing-dir/sub");
  ASSERT_NE(mirror, SIZE_MAX);
  EXPECT_LT(mirror, mkdir1);
  EXPECT_LT(mkdir1, mkdir2);
  EXPECT_LT(mkdir2, mount);
}

TEST(ContainerRender, TargetInsidePrivateTmpNeedsNoMirror) {
  auto p = Plan();
  PlannedMount ram;
  ram.kind = PlannedMount::Kind::kTmpfs;
  ram.target = "/tmp/inner";
  p.mounts.push_back(ram);
  auto cp = RenderChildPlan(p, Inputs(p));
  ASSERT_TRUE(cp);
  EXPECT_FALSE(Has(*cp, OpKind::kMirror, "/"));
  EXPECT_FALSE(Has(*cp, OpKind::kMirror, "/tmp"));
  EXPECT_LT(IndexOf(*cp, OpKind::kTmpfs, "/tmp"), IndexOf(*cp, OpKind::kMkdir, "/tmp/inner"));
}

TEST(ContainerRender, MountInsideAnEarlierBindIsRefused) {
  auto p = Plan();
  PlannedMount bind;
  bind.kind = PlannedMount::Kind::kHostBind;
  bind.target = "/data";
  bind.source = "/var";
  p.mounts.push_back(bind);
  PlannedMount inner;
  inner.kind = PlannedMount::Kind::kTmpfs;
  inner.target = "/data/cache";
  p.mounts.push_back(inner);
  auto cp = RenderChildPlan(p, Inputs(p));
  ASSERT_FALSE(cp);
  EXPECT_NE(cp.error().message().find("/data/cache"), std::string::npos);
}

TEST(ContainerRender, HiddenPathNamedByAMountIsNotMasked) {
  auto p = Plan();
  p.hidden = {"/root/.ssh", "/etc/shadow"};
  PlannedMount bind;
  bind.kind = PlannedMount::Kind::kHostBind;
  bind.target = "/root/.ssh";
  bind.source = "/var/empty";
  p.mounts.push_back(bind);
  auto cp = RenderChildPlan(p, Inputs(p));
  ASSERT_TRUE(cp);
  EXPECT_FALSE(Has(*cp, OpKind::kMask, "/root/.ssh"));
  EXPECT_TRUE(Has(*cp, OpKind::kMask, "/etc/shadow"));
}

}  // namespace
}  // namespace vsb::container
