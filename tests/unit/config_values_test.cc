// The scalar option parsers: -e, -i, -I, --timeout, --cpus, --pids,
// --memory, --pass-fd, tty, and Quote.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>

#include "config/option_parsers.h"
#include "config/quote.h"

namespace vsb::config {
namespace {

TEST(ConfigEnv, ParsesKeyValue) {
  auto kv = ParseEnv("LANG=C.UTF-8");
  ASSERT_TRUE(kv.has_value());
  EXPECT_EQ(kv->first, "LANG");
  EXPECT_EQ(kv->second, "C.UTF-8");
  kv = ParseEnv("_A1=x=y");
  ASSERT_TRUE(kv.has_value());
  EXPECT_EQ(kv->second, "x=y");
  kv = ParseEnv("EMPTY=");
  ASSERT_TRUE(kv.has_value());
  EXPECT_EQ(kv->second, "");
}

TEST(ConfigEnv, RejectsBadNames) {
  for (const char* bad : {"NOEQUALS", "=v", "1A=v", "A-B=v", "A B=v", "A.B=v", "\x01=v"}) {
    auto kv = ParseEnv(bad);
    ASSERT_FALSE(kv.has_value()) << bad;
    EXPECT_EQ(kv.error().message().find('\n'), std::string::npos);
  }
  EXPECT_NE(ParseEnv("1A=v").error().message().find("\"1A\""), std::string::npos);
  EXPECT_NE(ParseEnv("NOEQUALS").error().message().find("KEY=VALUE"), std::string::npos);
}

TEST(ConfigEnv, NormalizeKeepsTheLastValueSorted) {
  std::vector<std::pair<std::string, std::string>> env = {{"B", "1"}, {"A", "2"}, {"B", "3"}};
  NormalizeEnv(env);
  std::vector<std::pair<std::string, std::string>> want = {{"A", "2"}, {"B", "3"}};
  EXPECT_EQ(env, want);
}

TEST(ConfigInclude, GuestEqualsHost) {
  auto inc = ParseInclude("/data/a.txt=/home/me/a.txt");
  ASSERT_TRUE(inc.has_value());
  EXPECT_EQ(inc->guest_path, "/data/a.txt");
  EXPECT_EQ(inc->host_path, "/home/me/a.txt");
  inc = ParseInclude("/home/me/foo");
  ASSERT_TRUE(inc.has_value());
  EXPECT_EQ(inc->guest_path, "/home/me/foo");
  EXPECT_EQ(inc->host_path, "/home/me/foo");
}

TEST(ConfigInclude, RejectsRelativeAndDotDot) {
  EXPECT_NE(ParseInclude("rel=/x").error().message().find("\"rel\""), std::string::npos);
  EXPECT_NE(ParseInclude("/a/../b=/x").error().message().find(".."), std::string::npos);
  EXPECT_TRUE(ParseInclude("/a=x").has_value()) << "a relative host path is resolved by the engine";
  EXPECT_FALSE(ParseInclude("/a=").has_value());
}

class TempFile {
 public:
  explicit TempFile(const std::string& content) {
    char tmpl[] = "/tmp/vsb-config-test-XXXXXX";
    int fd = mkstemp(tmpl);
    path_ = tmpl;
    if (fd >= 0) close(fd);
    std::ofstream(path_) << content;
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ConfigIncludeFile, ReadsLinesSkipsCommentsAndBlanks) {
  TempFile f("# includes\n\n/data/a=/etc/hosts\n  /etc/passwd  \r\n# end\n/data/b=/etc/group");
  auto incs = ParseIncludeFile(f.path());
  ASSERT_TRUE(incs.has_value()) << incs.error().message();
  ASSERT_EQ(incs->size(), 3u);
  EXPECT_EQ((*incs)[0].guest_path, "/data/a");
  EXPECT_EQ((*incs)[1].guest_path, "/etc/passwd");
  EXPECT_EQ((*incs)[1].host_path, "/etc/passwd");
  EXPECT_EQ((*incs)[2].host_path, "/etc/group");
}

TEST(ConfigIncludeFile, ErrorsCarryFileAndLine) {
  TempFile f("/ok=/etc/hosts\n\nrelative=/etc/hosts\n");
  auto incs = ParseIncludeFile(f.path());
  ASSERT_FALSE(incs.has_value());
  EXPECT_NE(incs.error().message().find(f.path() + ":3:"), std::string::npos) << incs.error().message();
  auto missing = ParseIncludeFile("/nonexistent/vsb-includes");
  ASSERT_FALSE(missing.has_value());
  EXPECT_NE(missing.error().message().find("/nonexistent/vsb-includes"), std::string::npos);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST(ConfigNumbers, Timeout) {
  EXPECT_EQ(ParseTimeout("30").value(), 30.0);
  EXPECT_EQ(ParseTimeout("1.5").value(), 1.5);
  EXPECT_EQ(ParseTimeout("0.001").value(), 0.001);
  for (const char* bad : {"", "0", "0.0", "-1", "abc", "inf", "nan", "1e3", "1.", ".5", "1.2.3",
                          "2000000000", " 5", "5s"}) {
    auto t = ParseTimeout(bad);
    EXPECT_FALSE(t.has_value()) << bad;
  }
  EXPECT_NE(ParseTimeout("abc").error().message().find("\"abc\""), std::string::npos);
}

TEST(ConfigNumbers, Cpus) {
  EXPECT_EQ(ParseCpus("0.5").value(), 0.5);
  EXPECT_EQ(ParseCpus("2").value(), 2.0);
  for (const char* bad : {"", "0", "-1", "inf", "nan", "x", "5000", "1e1"}) {
    EXPECT_FALSE(ParseCpus(bad).has_value()) << bad;
  }
  EXPECT_FALSE(CheckCpus(std::nan("")).has_value());
  EXPECT_FALSE(CheckCpus(INFINITY).has_value());
}

TEST(ConfigNumbers, PidsAndMemory) {
  EXPECT_EQ(ParsePids("100").value(), 100u);
  for (const char* bad : {"", "0", "-5", "1.5", "x", "4194305", "99999999999999999999"}) {
    EXPECT_FALSE(ParsePids(bad).has_value()) << bad;
  }
  EXPECT_EQ(ParseMemory("512M").value(), 512ull << 20);
  EXPECT_FALSE(ParseMemory("1K").has_value());
  EXPECT_FALSE(ParseMemory("lots").has_value());
}

TEST(ConfigNumbers, PassFd) {
  EXPECT_EQ(ParsePassFd("3").value(), 3);
  EXPECT_EQ(ParsePassFd("999").value(), 999);
  for (const char* bad : {"0", "1", "2", "1000", "-3", "x", "", "3.0", "99999999999999999999"}) {
    auto fd = ParsePassFd(bad);
    EXPECT_FALSE(fd.has_value()) << bad;
  }
  EXPECT_NE(ParsePassFd("1000").error().message().find("1000"), std::string::npos);
}

TEST(ConfigTty, Modes) {
  for (TtyMode m : {TtyMode::kAuto, TtyMode::kAlways, TtyMode::kNever}) {
    EXPECT_EQ(ParseTtyMode(TtyModeName(m)).value(), m);
  }
  EXPECT_FALSE(ParseTtyMode("yes").has_value());
}

TEST(ConfigQuote, EscapesAndCuts) {
  EXPECT_EQ(Quote("abc"), "\"abc\"");
  EXPECT_EQ(Quote(std::string("a\x01\n\"b", 5)), "\"a\\x01\\x0a\\\"b\"");
  std::string huge(1 << 20, 'x');
  std::string q = Quote(huge);
  EXPECT_LT(q.size(), 120u);
  EXPECT_NE(q.find("(1048576 bytes)"), std::string::npos);
}

}  // namespace
}  // namespace vsb::config
