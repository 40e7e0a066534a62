// Kernel facts: a missing kernel or module tree is a clear NotFound error,
// and the PVM decision reads the guest kernel's config.
#include <gtest/gtest.h>

#include "host/kernel_facts.h"

namespace vsb::host {
namespace {

TEST(VmKernelFacts, MissingKernelPathIsNotFound) {
  auto f = GatherKernelFacts({"", "/nonexistent/vmlinuz", "/nonexistent/modules"});
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(f.error().message().find("/nonexistent/vmlinuz"), std::string::npos);
}

TEST(VmKernelFacts, MissingModulesDirIsNotFound) {
  auto f = GatherKernelFacts({"", "/proc/self/exe", "/nonexistent/modules"});
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(f.error().message().find("/nonexistent/modules"), std::string::npos);
}

TEST(VmKernelFacts, PvmHostNeedsAPvmGuestKernel) {
  KernelFacts f;
  std::string why;
  EXPECT_FALSE(KvmCanRunKernel(f, &why));
  EXPECT_NE(why.find("/dev/kvm"), std::string::npos);
  f.kvm_openable = true;
  EXPECT_TRUE(KvmCanRunKernel(f, &why));
  f.kvm_pvm = true;
  EXPECT_FALSE(KvmCanRunKernel(f, &why));
  EXPECT_NE(why.find("kvm_pvm"), std::string::npos);
  f.kernel_config = "CONFIG_PVM_GUEST=y\n";
  EXPECT_TRUE(KvmCanRunKernel(f, &why));
}

}  // namespace
}  // namespace vsb::host
