// The initrd: its entry list (golden), the newc encoding, signature stripping
// and the content-hash cache (a changed input gives a new archive).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "testing/test_env.h"
#include "vm/initrd.h"

namespace vsb::vm {
namespace {

std::vector<InitrdEntry> Entries() {
  return InitrdEntries("/opt/vsb/virt-sandbox-init", "/lib/modules/6.1.0-57-amd64",
                       {"kernel/drivers/virtio/virtio_ring.ko", "kernel/drivers/virtio/virtio.ko",
                        "kernel/fs/9p/9p.ko"});
}

std::string Describe(const std::vector<InitrdEntry>& entries) {
  std::string out;
  for (const auto& e : entries) {
    char mode[16];
    snprintf(mode, sizeof mode, "%07o", e.mode);
    out += std::string(mode) + " " + e.name;
    if (!e.host_file.empty()) out += " <- " + e.host_file;
    if (e.strip_signature) out += " (unsigned)";
    if ((e.mode & S_IFMT) == S_IFCHR)
      out += " " + std::to_string(e.rdev_major) + ":" + std::to_string(e.rdev_minor);
    if (!e.data.empty()) out += " = " + std::string(e.data.begin(), e.data.end() - 1);
    out += "\n";
  }
  return out;
}

TEST(VmInitrd, EntriesMatchGolden) {
  std::string actual = Describe(Entries());
  std::string path = testing::SourcePath("tests/unit/golden/vm_initrd_entries.txt");
  if (getenv("VSB_UPDATE_GOLDEN")) std::ofstream(path) << actual;
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  EXPECT_EQ(actual, s.str());
}

TEST(VmInitrd, CpioIsNewcWithAlignedNamesDataAndTrailer) {
  std::vector<InitrdEntry> e = {{"init", S_IFREG | 0755, "", "abcde"}};
  std::string cpio = WriteCpio(e, {"abcde"});
  ASSERT_EQ(cpio.substr(0, 6), "070701");
  // header 110 + "init\0" = 115 → 116; data 5 → 8; then the trailer.
  EXPECT_EQ(cpio.substr(110, 5), std::string("init\0", 5));
  EXPECT_EQ(cpio.substr(116, 5), "abcde");
  EXPECT_EQ(cpio.substr(124, 6), "070701");
  EXPECT_NE(cpio.find("TRAILER!!!"), std::string::npos);
  EXPECT_EQ(cpio.size() % 4, 0u);
  EXPECT_EQ(cpio.substr(6 + 6 * 8, 8), "00000005");  // filesize field
}

TEST(VmInitrd, StripsAppendedModuleSignatureOnly) {
  std::string body = "\x7f" "ELFmodulebody";
  std::string sig(300, 's');
  std::string info(12, '\0');
  info[8] = 0;
  info[9] = 0;
  info[10] = 0x01;
  info[11] = 0x2c;  // sig_len = 300, big-endian
  std::string signed_ko = body + sig + info + "~Module signature appended~\n";
  EXPECT_EQ(StripModuleSignature(signed_ko), body);
  EXPECT_EQ(StripModuleSignature(body), body);
  // A sig_len larger than the file is not trusted.
  info[8] = 0x7f;
  std::string bogus = body + info + "~Module signature appended~\n";
  EXPECT_EQ(StripModuleSignature(bogus), bogus);
}

TEST(VmInitrd, CacheReusesUnchangedInputsAndRebuildsOnChange) {
  char tmpl[] = "/tmp/vsb-initrd-test-XXXXXX";
  ASSERT_TRUE(mkdtemp(tmpl));
  std::string dir = tmpl;
  std::ofstream(dir + "/init") << "init-v1";
  std::ofstream(dir + "/m.ko") << "module";
  auto entries = InitrdEntries(dir + "/init", dir, {"m.ko"});
  auto a = EnsureInitrd(entries, dir + "/cache");
  ASSERT_TRUE(a) << a.error().message();
  struct stat st1, st2;
  ASSERT_EQ(stat(a->c_str(), &st1), 0);
  auto b = EnsureInitrd(entries, dir + "/cache");
  ASSERT_TRUE(b);
  EXPECT_EQ(*a, *b);
  ASSERT_EQ(stat(b->c_str(), &st2), 0);
  EXPECT_EQ(st1.st_ino, st2.st_ino) << "an unchanged initrd must not be rewritten";
  // Archives older than ten minutes go when a new one is written.
  std::string old = dir + "/cache/initrd-00000000000000aa.cpio";
  std::ofstream(old) << "stale";
  std::filesystem::last_write_time(old, std::filesystem::file_time_type::clock::now() -
                                            std::chrono::hours(1));
  std::ofstream(dir + "/init") << "init-v2";
  auto c = EnsureInitrd(entries, dir + "/cache");
  ASSERT_TRUE(c);
  EXPECT_NE(*a, *c);
  EXPECT_FALSE(std::filesystem::exists(old));
  EXPECT_TRUE(std::filesystem::exists(*a)) << "a recent archive may still be booting";
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace vsb::vm
