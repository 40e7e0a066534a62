// ParseMount: every mount kind of -m TYPE:DST=SRC and the mistakes that must
// be refused before any engine sees them.
#include <gtest/gtest.h>

#include "config/option_parsers.h"

namespace vsb::config {
namespace {

Mount MustParse(const std::string& spec) {
  auto mount = ParseMount(spec);
  EXPECT_TRUE(mount.has_value()) << spec << ": " << (mount ? "" : mount.error().message());
  return mount.value_or(Mount{});
}

TEST(ConfigMount, HostBind) {
  Mount m = MustParse("host-bind:/data=/srv/data");
  EXPECT_EQ(m.kind, MountKind::kHostBind);
  EXPECT_EQ(m.target, "/data");
  EXPECT_EQ(m.source, "/srv/data");
  EXPECT_TRUE(m.writable);
  EXPECT_EQ(m.size_bytes, 0u);
}

TEST(ConfigMount, RelativeHostSourcesAreLeftForTheEngineToResolve) {
  EXPECT_EQ(MustParse("host-bind:/data=./data").source, "./data");
  EXPECT_EQ(MustParse("host-image:/img=disk.img").source, "disk.img");
}

TEST(ConfigMount, HostBindEmptySourceIsATempDir) {
  Mount m = MustParse("host-bind:/scratch=");
  EXPECT_EQ(m.kind, MountKind::kHostBind);
  EXPECT_EQ(m.target, "/scratch");
  EXPECT_TRUE(m.source.empty());
}

TEST(ConfigMount, HostBindReadOnly) {
  Mount m = MustParse("host-bind:/data=/srv/data,ro");
  EXPECT_FALSE(m.writable);
  EXPECT_EQ(m.source, "/srv/data");
}

TEST(ConfigMount, HostImageIsReadOnlyByDefault) {
  Mount m = MustParse("host-image:/img=/var/disk.img");
  EXPECT_EQ(m.kind, MountKind::kHostImage);
  EXPECT_EQ(m.source, "/var/disk.img");
  EXPECT_FALSE(m.writable);
  EXPECT_TRUE(m.format.empty());
}

TEST(ConfigMount, HostImageFormatAndRw) {
  Mount m = MustParse("host-image:/img=/var/disk.qcow2,format=qcow2,rw");
  EXPECT_EQ(m.format, "qcow2");
  EXPECT_TRUE(m.writable);
  EXPECT_EQ(MustParse("host-image:/img=/d.raw,format=raw").format, "raw");
}

TEST(ConfigMount, HostImageMayReplaceTheRoot) {
  Mount m = MustParse("host-image:/=/var/root.img");
  EXPECT_EQ(m.target, "/");
}

TEST(ConfigMount, GuestBind) {
  Mount m = MustParse("guest-bind:/home/me/tmp=/tmp");
  EXPECT_EQ(m.kind, MountKind::kGuestBind);
  EXPECT_EQ(m.target, "/home/me/tmp");
  EXPECT_EQ(m.source, "/tmp");
}

TEST(ConfigMount, Ram) {
  Mount m = MustParse("ram:/tmp=500M");
  EXPECT_EQ(m.kind, MountKind::kRam);
  EXPECT_EQ(m.size_bytes, 500ull << 20);
  EXPECT_TRUE(m.source.empty());
  EXPECT_EQ(MustParse("ram:/t=4096").size_bytes, 4096u);
  EXPECT_EQ(MustParse("ram:/t=1GiB").size_bytes, 1ull << 30);
}

struct BadMount {
  const char* spec;
  const char* must_mention;
};

TEST(ConfigMount, RejectsWithTheBadPartNamed) {
  const BadMount cases[] = {
      {"nfs:/x=/y", "\"nfs\""},
      {"/x=/y", "TYPE:DST=SRC"},
      {"host-bind", "TYPE:DST=SRC"},
      {"host-bind:/x", "missing \"=\""},
      {"host-bind:data=/srv", "\"data\" is not absolute"},
      {"host-bind:=/srv", "target is empty"},
      {"host-bind:/a/../etc=/srv", "\"..\""},
      {"host-bind:/a/./b=/srv", "\".\""},
      {"host-bind:/a//b=/srv", "empty component"},
      {"host-bind:/a/=/srv", "empty component"},
      {"host-bind:/=/srv", "\"/\""},
      {"ram:/=1M", "\"/\""},
      {"guest-bind:/=/tmp", "\"/\""},
      {"host-bind:/x=/srv,bogus", "\"bogus\""},
      {"host-bind:/x=/srv,format=raw", "\"format=raw\""},
      {"host-image:/x=", "needs an image file"},
      {"host-image:/x=/d.img,format=vmdk", "\"vmdk\""},
      {"guest-bind:/x=", "needs a source"},
      {"guest-bind:/x=tmp", "\"tmp\" is not absolute"},
      {"guest-bind:/x=/a/../b", "\"..\""},
      {"ram:/tmp=5X", "invalid size \"5X\""},
      {"ram:/tmp=", "invalid size \"\""},
      {"ram:/tmp=0", "above 0"},
      {"ram:/tmp=1M,ro", "invalid size"},
      {"host-bind:/a\nb=/srv", "control character"},
      {"host-bind:/a\tb=/srv", "control character"},
      {"host-bind:/x=/s\nrv", "NUL or newline"},
  };
  for (const BadMount& c : cases) {
    auto mount = ParseMount(c.spec);
    ASSERT_FALSE(mount.has_value()) << c.spec;
    EXPECT_NE(mount.error().message().find(c.must_mention), std::string::npos)
        << c.spec << " -> " << mount.error().message();
    EXPECT_EQ(mount.error().message().find('\n'), std::string::npos) << mount.error().message();
  }
}

TEST(ConfigMount, RejectsNulInTarget) {
  std::string spec("host-bind:/a\0b=/srv", 19);
  auto mount = ParseMount(spec);
  ASSERT_FALSE(mount.has_value());
  EXPECT_NE(mount.error().message().find("\\x00"), std::string::npos) << mount.error().message();
}

TEST(ConfigMount, RejectsOverlongPaths) {
  std::string long_target = "/" + std::string(300, 'a');
  auto mount = ParseMount("host-bind:" + long_target + "=");
  ASSERT_FALSE(mount.has_value());
  EXPECT_NE(mount.error().message().find("longer than 255"), std::string::npos);
  std::string huge = "/" + std::string(1 << 20, 'a');
  mount = ParseMount("ram:" + huge + "=1M");
  ASSERT_FALSE(mount.has_value());
  EXPECT_LT(mount.error().message().size(), 300u) << "a 1 MiB target must not be echoed in full";
}

TEST(ConfigMount, KindNamesRoundTrip) {
  for (MountKind k : {MountKind::kHostBind, MountKind::kHostImage, MountKind::kGuestBind, MountKind::kRam}) {
    auto back = ParseMountKind(MountKindName(k));
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, k);
  }
}

TEST(ConfigMount, CheckMountRefusesFieldsOfOtherKinds) {
  Mount m;
  m.kind = MountKind::kHostBind;
  m.target = "/x";
  m.size_bytes = 10;
  EXPECT_FALSE(CheckMount(m).has_value());
  m.size_bytes = 0;
  m.format = "raw";
  EXPECT_FALSE(CheckMount(m).has_value());
  Mount ram;
  ram.kind = MountKind::kRam;
  ram.target = "/t";
  ram.size_bytes = 1;
  ram.writable = false;
  EXPECT_FALSE(CheckMount(ram).has_value());
}

}  // namespace
}  // namespace vsb::config
