// host-image with a qcow2 file: exported as raw by qemu-storage-daemon, then
// loop-mounted; nothing of the export is left afterwards.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "testing/test_env.h"

namespace vsb::testing {
namespace {

TEST(Qcow2Image, IsReadableAndLeavesNothingBehind) {
  VSB_REQUIRE(MissingRoot());
  if (access("/usr/bin/qemu-img", X_OK) != 0) GTEST_SKIP() << "needs qemu-img (scripts/bootstrap installs qemu-utils)";
  char dir_tmpl[] = "/var/tmp/vsb-qcow-test-XXXXXX";
  std::string dir = mkdtemp(dir_tmpl);
  std::filesystem::create_directory(dir + "/content");
  std::ofstream(dir + "/content/hello.txt") << "from qcow2\n";
  ASSERT_EQ(RunProgram({"/usr/bin/truncate", "-s", "16M", dir + "/img.raw"}).status, 0);
  ASSERT_EQ(RunProgram({"/usr/sbin/mkfs.ext4", "-q", "-F", "-d", dir + "/content", dir + "/img.raw"}).status, 0);
  ASSERT_EQ(RunProgram({"/usr/bin/qemu-img", "convert", "-O", "qcow2", dir + "/img.raw", dir + "/img.qcow2"}).status, 0);

  HostSnapshot before = TakeHostSnapshot();
  CliRun run = RunCli({"-m", "host-image:/img=" + dir + "/img.qcow2", "--", "/bin/cat", "/img/hello.txt"});
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.out, "from qcow2\n");
  HostSnapshot after = TakeHostSnapshot();
  EXPECT_EQ(before.mounts, after.mounts);
  EXPECT_EQ(before.temp_dirs, after.temp_dirs);
  EXPECT_EQ(before.processes, after.processes);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vsb::testing
