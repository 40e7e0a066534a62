// The VM plan and QEMU command line for fixed host facts: golden files
// (VSB_UPDATE_GOLDEN=1 rewrites them), plus the decisions that matter.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "policy/vm_compile.h"
#include "testing/test_env.h"
#include "vm/qemu_argv.h"

namespace vsb {
namespace {

constexpr const char* kModulesDep =
    "kernel/fs/netfs/netfs.ko:\n"
    "kernel/fs/fscache/fscache.ko: kernel/fs/netfs/netfs.ko\n"
    "kernel/fs/9p/9p.ko: kernel/net/9p/9pnet.ko kernel/fs/fscache/fscache.ko kernel/fs/netfs/netfs.ko\n"
    "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/virtio/virtio_ring.ko:\n"
    "kernel/drivers/virtio/virtio_mmio.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/char/virtio_console.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/net/9p/9pnet.ko:\n"
    "kernel/net/9p/9pnet_virtio.ko: kernel/net/9p/9pnet.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko\n";

host::KernelFacts Facts(bool pvm) {
  host::KernelFacts f;
  f.version = "6.1.0-57-amd64";
  f.kernel = {"/boot/vmlinuz-6.1.0-57-amd64", 8247232, 1764170000000000000};
  f.modules_dir = "/lib/modules/6.1.0-57-amd64";
  f.modules_dep = kModulesDep;
  f.kernel_config = "CONFIG_PVH=y\n";
  f.kvm_openable = true;
  f.kvm_pvm = pvm;
  f.tsc_khz = 2300000;
  f.qemu = "/usr/bin/qemu-system-x86_64";
  f.qboot = "/usr/share/qemu/qboot.rom";
  f.init_binary = "/usr/libexec/virt-sandbox/virt-sandbox-init";
  f.uid = 1000;
  f.gid = 1000;
  f.groups = {1000, 27};
  f.cwd = "/home/u/src";
  f.term = "xterm";
  f.home = "/home/u";
  f.cache_dir = "/home/u/.cache/virt-sandbox";
  return f;
}

SandboxConfig Config() {
  SandboxConfig c;
  c.uri = "qemu:///session";
  c.command = {"/bin/sh", "-c", "id"};
  c.mounts.push_back({MountKind::kHostBind, "/data", "/srv/da,ta", 0, true, ""});
  c.mounts.push_back({MountKind::kRam, "/scratch", "", 1 << 20, true, ""});
  c.mounts.push_back({MountKind::kHostImage, "/img", "/srv/disk.qcow2", 0, false, "qcow2"});
  c.env = {{"FOO", "bar"}};
  return c;
}

using vsb::testing::Golden;

std::string Join(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& a : argv) out += a + "\n";
  return out;
}

vm::QemuPaths Paths() {
  vm::QemuPaths p;
  p.vmlinux = "/cache/vmlinux";
  p.initrd = "/cache/initrd.cpio";
  p.console_log = "/run/virt-sandbox-vm-X/console.log";
  p.channel_fd = 3;
  return p;
}

TEST(VmPlan, MatchesGoldenOnPvmHost) {
  auto plan = policy::CompileVm(Config(), Facts(true));
  ASSERT_TRUE(plan) << plan.error().message();
  std::string json = policy::VmPlanToJson(*plan) + "\n";
  EXPECT_EQ(json, Golden("vm_plan_tcg.json", json));
}

TEST(VmQemuArgv, MatchesGoldenOnPvmHost) {
  auto plan = policy::CompileVm(Config(), Facts(true));
  ASSERT_TRUE(plan) << plan.error().message();
  std::string argv = Join(vm::QemuArgv(*plan, Paths()));
  EXPECT_EQ(argv, Golden("vm_qemu_argv_tcg.txt", argv));
}

TEST(VmQemuArgv, PvmHostWithStockKernelFallsBackToTcg) {
  auto plan = policy::CompileVm(Config(), Facts(true));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->accel, "tcg");
  EXPECT_EQ(plan->cpu, "qemu64");
  EXPECT_NE(plan->accel_notice.find("kvm_pvm"), std::string::npos);
  EXPECT_NE(plan->kernel_cmdline.find("tsc_early_khz=2300000"), std::string::npos);
}

TEST(VmQemuArgv, KvmUsesInKernelTimersAndHostCpu) {
  auto plan = policy::CompileVm(Config(), Facts(false));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->accel, "kvm");
  auto argv = vm::QemuArgv(*plan, Paths());
  auto has = [&](const std::string& s) { return std::find(argv.begin(), argv.end(), s) != argv.end(); };
  EXPECT_TRUE(has("microvm,x-option-roms=off,isa-serial=on,rtc=on,pit=off,pic=off"));
  EXPECT_TRUE(has("host,arch-capabilities=off"));
  EXPECT_EQ(plan->kernel_cmdline.find("tsc_early_khz"), std::string::npos);
}

TEST(VmQemuArgv, RootIsReadOnlyAndWritableBindIsNot) {
  auto plan = policy::CompileVm(Config(), Facts(true));
  ASSERT_TRUE(plan);
  auto argv = vm::QemuArgv(*plan, Paths());
  std::string all = Join(argv);
  EXPECT_NE(all.find("local,id=vsbroot,path=/,security_model=none,multidevs=remap,readonly=on\n"),
            std::string::npos);
  // The comma in the host path is doubled, so it cannot inject an option.
  EXPECT_NE(all.find("local,id=vsb1,path=/srv/da,,ta,security_model=none,multidevs=remap\n"),
            std::string::npos);
  EXPECT_EQ(all.find("virtconsole"), std::string::npos) << "console ports drop data";
}

TEST(VmPlan, OptionsOverrideDefaultsAndInvalidValuesAreRejected) {
  SandboxConfig c = Config();
  c.memory_bytes = 1ull << 30;
  c.cpus = 1.5;
  c.accel = "tcg";
  c.privileged = true;
  auto plan = policy::CompileVm(c, Facts(false));
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->memory_mib, 1024u);
  EXPECT_EQ(plan->vcpus, 2);
  EXPECT_EQ(plan->accel, "tcg");
  EXPECT_EQ(plan->spec.uid, 0u);
  EXPECT_TRUE(plan->spec.keep_caps);
  c.accel = "xen";
  EXPECT_FALSE(policy::CompileVm(c, Facts(false)));
  c.accel = "";
  c.memory_bytes = 1 << 20;
  EXPECT_FALSE(policy::CompileVm(c, Facts(false)));
}

TEST(VmPlan, CwdInGuestPrivateTreeFallsBackToRoot) {
  host::KernelFacts f = Facts(true);
  f.cwd = "/tmp/work";
  auto plan = policy::CompileVm(Config(), f);
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->spec.cwd, "/");
}

TEST(VmKernelCache, KeyChangesWithPathSizeAndMtime) {
  host::FileStamp k{"/boot/vmlinuz-1", 100, 5};
  std::string base = policy::KernelCachePath("/c", k);
  EXPECT_EQ(base.rfind("/c/kernels/vmlinux-", 0), 0u);
  EXPECT_EQ(base, policy::KernelCachePath("/c", k));
  for (auto changed : {host::FileStamp{"/boot/vmlinuz-2", 100, 5}, host::FileStamp{"/boot/vmlinuz-1", 101, 5},
                       host::FileStamp{"/boot/vmlinuz-1", 100, 6}})
    EXPECT_NE(base, policy::KernelCachePath("/c", changed));
}

TEST(VmModules, ResolvedDependenciesFirstWithoutDuplicates) {
  std::vector<std::string> missing;
  auto order = host::ResolveModules(kModulesDep, {"virtio_mmio", "virtio_console", "9pnet_virtio", "9p", "nope"},
                                    &missing);
  std::vector<std::string> names;
  for (auto& p : order) names.push_back(p.substr(p.rfind('/') + 1));
  EXPECT_EQ(names, (std::vector<std::string>{"virtio_ring.ko", "virtio.ko", "virtio_mmio.ko",
                                             "virtio_console.ko", "9pnet.ko", "9pnet_virtio.ko",
                                             "netfs.ko", "fscache.ko", "9p.ko"}));
  EXPECT_EQ(missing, std::vector<std::string>{"nope"});
}

}  // namespace
}  // namespace vsb
