// Issue 2: every mount kind works and leaves nothing behind: host-bind of a
// real dir (read-write both ways), host-bind with an empty source (a temp
// dir removed afterwards), ram with its size, guest-bind, host-image (an
// ext4 image), and -i (a host file copied in). Targets are dirs that exist on
// the host (/srv, /media, /mnt), so each test is about its mount kind; a
// missing target has a test of its own.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "probe/probe_support.h"

namespace vsb::testing {
namespace {

class MountsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    VSB_REQUIRE(MissingEngine(GetParam()));
    dir_ = BuildPath("tests/" + UniqueMarker("mounts"));
    std::filesystem::create_directories(dir_);
    before_ = TakeHostSnapshot();
  }
  void TearDown() override {
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }
  CliRun Run(const std::vector<std::string>& options, const std::string& script) {
    CliRun run = RunSandboxed(GetParam(), options, {"/bin/sh", "-c", script});
    ExpectNoLeftovers(before_);
    return run;
  }
  std::string dir_;
  HostSnapshot before_;
};

TEST_P(MountsTest, HostBindIsReadWriteBothWays) {
  std::ofstream(dir_ + "/from-host") << "host says hi\n";
  CliRun run = Run({"-m", "host-bind:/srv=" + dir_},
                   "cat /srv/from-host && echo sandbox says hi > /srv/from-sandbox");
  EXPECT_EQ(run.status, 0) << Describe(run);
  EXPECT_EQ(run.out, "host says hi\n");
  EXPECT_EQ(ReadText(dir_ + "/from-sandbox"), "sandbox says hi\n");
}

TEST_P(MountsTest, HostBindWithEmptySourceIsATempDirRemovedAfterwards) {
  CliRun run = Run({"-m", "host-bind:/srv="},
                   "echo x > /srv/f && cat /srv/f && ls -A /srv | wc -l");
  EXPECT_EQ(run.status, 0) << Describe(run);
  EXPECT_EQ(run.out, "x\n1\n");  // writable, and empty at the start
}

TEST_P(MountsTest, RamHasTheAskedSize) {
  CliRun run = Run({"-m", "ram:/media=8M"}, "df -k /media | tail -1 | awk '{print $2}'; echo y > /media/f && cat /media/f");
  EXPECT_EQ(run.status, 0) << Describe(run);
  EXPECT_EQ(run.out, "8192\ny\n");
}

TEST_P(MountsTest, GuestBindShowsASandboxDirAgain) {
  CliRun run = Run({"-m", "ram:/media=1M", "-m", "guest-bind:/mnt=/media"},
                   "echo z > /media/f && cat /mnt/f");
  EXPECT_EQ(run.status, 0) << Describe(run);
  EXPECT_EQ(run.out, "z\n");
}

TEST_P(MountsTest, HostImageShowsTheImageContent) {
  std::string content = dir_ + "/content", image = dir_ + "/disk.img";
  std::filesystem::create_directories(content);
  std::ofstream(content + "/hello.txt") << "from the image\n";
  CliRun mk = RunProgram({"/usr/sbin/mkfs.ext4", "-q", "-F", "-d", content, image, "16M"});
  ASSERT_EQ(mk.status, 0) << Describe(mk);
  CliRun run = Run({"-m", "host-image:/srv=" + image}, "cat /srv/hello.txt");
  EXPECT_EQ(run.status, 0) << Describe(run);
  EXPECT_EQ(run.out, "from the image\n");
  // Read-only unless asked: the image is unchanged by a write attempt.
  auto mtime = std::filesystem::last_write_time(image);
  CliRun write = Run({"-m", "host-image:/srv=" + image}, "echo w > /srv/new 2>/dev/null; test ! -e /srv/new");
  EXPECT_EQ(write.status, 0) << "host-image is writable by default: " << Describe(write);
  EXPECT_TRUE(std::filesystem::last_write_time(image) == mtime);
}

// -i copies into a host-bind temp dir (empty source), as in libvirt-sandbox.
TEST_P(MountsTest, IncludeCopiesAHostFileIn) {
  std::ofstream(dir_ + "/included.txt") << "included\n";
  CliRun run = Run({"-m", "host-bind:/srv=", "-i", "/srv/vsb-included.txt=" + dir_ + "/included.txt"},
                   "cat /srv/vsb-included.txt");
  EXPECT_EQ(run.status, 0) << Describe(run);
  EXPECT_EQ(run.out, "included\n");
  EXPECT_FALSE(std::filesystem::exists("/srv/vsb-included.txt")) << "the include reached the host";
}

// Mount targets missing on the host are created inside only.
TEST_P(MountsTest, MissingTargetsAreCreatedInsideOnly) {
  std::string target = "/" + UniqueMarker("newdir");
  CliRun run = Run({"-m", "ram:" + target + "=1M"}, "test -d " + target);
  EXPECT_EQ(run.status, 0) << Describe(run);
  EXPECT_FALSE(std::filesystem::exists(target)) << "the target was created on the host";
}

INSTANTIATE_TEST_SUITE_P(Engines, MountsTest, ::testing::ValuesIn(kBehaviourEngines), EngineName);

}  // namespace
}  // namespace vsb::testing
