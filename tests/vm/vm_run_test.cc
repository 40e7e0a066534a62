// Real guests (TCG where /dev/kvm cannot run the stock kernel): what only
// the VM engine has (identity set in the plan, timeout and run-dir cleanup,
// disks, a guest that never answers, back-pressure over the channel). The
// run contract shared with containers (exit codes, stdio, mounts,
// confinement) is tests/container, parameterised over both engines. Each
// test boots one VM (seconds under TCG), so the list is kept short.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "policy/vm_compile.h"
#include "testing/test_env.h"
#include "vm/engine.h"

namespace vsb {
namespace {

struct VmRun {
  RunResult result;
  std::string out, err;
};

std::string Slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

// Runs the command in a VM with stdin from `input` and stdout/stderr to files.
VmRun RunVm(SandboxConfig c, const std::string& input = "",
            void (*tweak)(policy::VmPlan*) = nullptr) {
  c.uri = "qemu:///session";
  c.tty = TtyMode::kNever;
  VmRun run;
  auto plan = policy::CompileVm(c);
  if (!plan) {
    ADD_FAILURE() << plan.error().message();
    return run;
  }
  if (tweak) tweak(&*plan);
  char dir[] = "/tmp/vsb-vmtest-XXXXXX";
  if (!mkdtemp(dir)) return run;
  std::string d = dir;
  std::ofstream(d + "/in", std::ios::binary) << input;
  int in = open((d + "/in").c_str(), O_RDONLY | O_CLOEXEC);
  int out = open((d + "/out").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  int err = open((d + "/err").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
  run.result = vm::Run(*plan, Stdio{in, out, err});
  close(in);
  close(out);
  close(err);
  run.out = Slurp(d + "/out");
  run.err = Slurp(d + "/err");
  std::filesystem::remove_all(d);
  return run;
}

SandboxConfig Cmd(std::vector<std::string> argv) {
  SandboxConfig c;
  c.command = std::move(argv);
  return c;
}

std::string Describe(const VmRun& r) {
  return "kind=" + std::to_string(static_cast<int>(r.result.kind)) +
         " status=" + std::to_string(r.result.ExitStatus()) +
         (r.result.error ? " error=" + r.result.error->message() : "") + "\nstderr: " + r.err;
}

class VmRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    VSB_REQUIRE(testing::MissingVm());
    VSB_REQUIRE(testing::MissingRoot());
  }
};

TEST_F(VmRunTest, RunsAsThePlannedIdentity) {
  auto r = RunVm(Cmd({"/bin/sh", "-c", "id -u; id -g"}), "", [](policy::VmPlan* p) {
    p->spec.uid = 65534;
    p->spec.gid = 65534;
    p->spec.groups.clear();
  });
  EXPECT_EQ(r.result.ExitStatus(), 0) << Describe(r);
  EXPECT_EQ(r.out, "65534\n65534\n");
}

TEST_F(VmRunTest, TimeoutEndsTheGuestAndLeavesNothingBehind) {
  auto before = testing::TakeHostSnapshot();
  SandboxConfig c = Cmd({"/bin/sleep", "1000"});
  c.timeout_seconds = 1;
  auto r = RunVm(c);
  EXPECT_EQ(r.result.kind, RunResult::Kind::kTimedOut) << Describe(r);
  auto after = testing::TakeHostSnapshot();
  EXPECT_EQ(before.temp_dirs, after.temp_dirs);
  EXPECT_EQ(before.processes, after.processes);
}

}  // namespace
}  // namespace vsb

namespace vsb {
namespace {

TEST_F(VmRunTest, HostImageIsMountedReadOnlyWithItsFilesystem) {
  if (access("/sbin/mkfs.ext4", X_OK) != 0) GTEST_SKIP() << "needs mkfs.ext4 (e2fsprogs)";
  char dir[] = "/tmp/vsb-vmimg-XXXXXX";
  ASSERT_TRUE(mkdtemp(dir));
  std::string d = dir;
  std::filesystem::create_directory(d + "/content");
  std::ofstream(d + "/content/hello") << "inside-image\n";
  std::string mkfs = "/sbin/mkfs.ext4 -q -F -d " + d + "/content " + d + "/disk.raw 16M";
  ASSERT_EQ(system(mkfs.c_str()), 0);
  SandboxConfig c = Cmd({"/bin/sh", "-c", "cat /tmp/img/hello; touch /tmp/img/x"});
  c.mounts.push_back({MountKind::kHostImage, "/tmp/img", d + "/disk.raw", 0, false, "raw"});
  auto r = RunVm(c);
  EXPECT_EQ(r.out, "inside-image\n") << Describe(r);
  EXPECT_NE(r.err.find("Read-only file system"), std::string::npos) << r.err;
  std::filesystem::remove_all(d);
}

TEST_F(VmRunTest, GuestThatNeverAnswersIsABootFailureNotAHang) {
  auto r = RunVm(Cmd({"/bin/true"}), "", [](policy::VmPlan* p) { p->handshake_timeout_seconds = 0.3; });
  EXPECT_EQ(r.result.kind, RunResult::Kind::kSetupFailed) << Describe(r);
  ASSERT_TRUE(r.result.error);
  EXPECT_EQ(r.result.error->code(), ErrorCode::kTimeout);
  EXPECT_NE(r.result.error->message().find("did not answer"), std::string::npos);
}

}  // namespace
}  // namespace vsb


namespace vsb {
namespace {

// Back-pressure end to end: a reader that pauses still gets every byte of
// 100 MB (virtio console ports would drop data here; our channel throttles).
TEST_F(VmRunTest, SlowReaderGetsEveryByte) {
  SandboxConfig c = Cmd({"/bin/sh", "-c", "yes 0123456789abcde | head -c 100000000"});
  c.uri = "qemu:///session";
  c.tty = TtyMode::kNever;
  auto plan = policy::CompileVm(c);
  ASSERT_TRUE(plan) << plan.error().message();
  int p[2];
  ASSERT_EQ(pipe2(p, O_CLOEXEC), 0);
  size_t total = 0;
  bool intact = true;
  std::thread reader([&] {
    const std::string line = "0123456789abcde\n";
    char buf[65536];
    usleep(2000000);  // the guest fills every buffer on the way first
    for (ssize_t n; (n = read(p[0], buf, sizeof buf)) > 0;) {
      for (ssize_t i = 0; i < n; ++i) intact &= buf[i] == line[(total + i) % line.size()];
      total += static_cast<size_t>(n);
      if (total % (8 << 20) < static_cast<size_t>(n)) usleep(100000);
    }
    close(p[0]);
  });
  int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
  RunResult r = vm::Run(*plan, Stdio{in, p[1], 2});
  close(p[1]);
  close(in);
  reader.join();
  EXPECT_EQ(r.ExitStatus(), 0);
  EXPECT_EQ(total, 100000000u);
  EXPECT_TRUE(intact);
}

}  // namespace
}  // namespace vsb
