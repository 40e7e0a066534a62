// The policy compiler and the launcher-side loader (src/host/seccomp_program).
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "host/seccomp_program.h"

namespace vsb::host {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string CompileError(std::string_view text) {
  auto r = CompileSeccompPolicy(text, "t.policy");
  return r ? std::string("compiled") : r.error().message();
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/vsb-seccomp-test-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() { (void)!std::system(("rm -rf " + path_).c_str()); }
  std::string Write(const std::string& name, const std::string& data) const {
    std::ofstream(path_ + "/" + name, std::ios::binary) << data;
    return path_ + "/" + name;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(CompileSeccompPolicy, ProducesAWholeProgram) {
  auto bpf = CompileSeccompPolicy(
      "# comment\ndefault allow\nbadarch kill\narch x86\n"
      "EPERM mount   # trailing comment\n"
      "ENOSYS clone3\nerrno:13 chroot\n"
      "EPERM ioctl arg1&LOW32==TIOCSTI\n"
      "EPERM clone arg0&CLONE_NEWUSER|CLONE_NEWNET==CLONE_NEWUSER\n"
      "EPERM socket arg0>AF_NETLINK\nEPERM socket arg0==AF_INET arg1&0xf==3\n"
      "EPERM mknod arg1&0170000==0060000\n",
      "t.policy");
  ASSERT_TRUE(bpf) << bpf.error().message();
  EXPECT_TRUE(ValidateSeccompBpf(*bpf, "t"));
}

TEST(CompileSeccompPolicy, NamesTheLineOfEveryMistake) {
  EXPECT_EQ(CompileError("EPERM mount\n"), "seccomp profile t.policy: no 'default ACTION' line");
  EXPECT_EQ(CompileError("default allow\nEPERM mout\n"),
            "seccomp profile t.policy line 2: unknown syscall 'mout'");
  EXPECT_EQ(CompileError("default allow\n\nDENY mount\n"),
            "seccomp profile t.policy line 3: unknown action 'DENY'");
  EXPECT_NE(CompileError("default allow\nEPERM ioctl arg1&LOW32>5\n").find("line 2: bad condition"),
            std::string::npos);
  EXPECT_NE(CompileError("default allow\nEPERM ioctl arg6==1\n").find("line 2: bad condition"),
            std::string::npos);
  EXPECT_NE(CompileError("default allow\nEPERM ioctl arg1==NOT_A_CONSTANT\n").find("bad condition"),
            std::string::npos);
  EXPECT_NE(CompileError("default maybe\n").find("line 1: expected 'default ACTION'"),
            std::string::npos);
  EXPECT_NE(CompileError("default allow\narch vax\n").find("line 2: expected 'arch NAME'"),
            std::string::npos);
  EXPECT_NE(CompileError("default allow\nEPERM\n").find("line 2: missing syscall"),
            std::string::npos);
  // An allow rule under a default of allow would be silently meaningless.
  EXPECT_NE(CompileError("default allow\nallow read\n").find("line 2: libseccomp rejected"),
            std::string::npos);
}

TEST(ValidateSeccompBpf, RejectsWhatTheKernelWould) {
  EXPECT_FALSE(ValidateSeccompBpf("", "x"));
  EXPECT_FALSE(ValidateSeccompBpf(std::string(12, 'a'), "x"));
  EXPECT_FALSE(ValidateSeccompBpf(std::string(8 * 4097, 'a'), "x"));
  EXPECT_TRUE(ValidateSeccompBpf(std::string(8 * 4096, 'a'), "x"));
}

TEST(LoadSeccompProgram, UnconfinedIsEmpty) {
  auto bpf = LoadSeccompProgram("unconfined", false, "/nonexistent");
  ASSERT_TRUE(bpf);
  EXPECT_TRUE(bpf->empty());
}

TEST(LoadSeccompProgram, DefaultPicksTheBuildTreeProfile) {
  std::string dir = VSB_BINARY_DIR;
  auto normal = LoadSeccompProgram("default", false, dir);
  auto privileged = LoadSeccompProgram("default", true, dir);
  ASSERT_TRUE(normal) << normal.error().message();
  ASSERT_TRUE(privileged) << privileged.error().message();
  EXPECT_EQ(*normal, ReadFile(dir + "/seccomp/default.bpf"));
  EXPECT_EQ(*privileged, ReadFile(dir + "/seccomp/privileged.bpf"));
  EXPECT_NE(*normal, *privileged);
  // The build compiled exactly what the data file says.
  auto fresh = CompileSeccompPolicy(ReadFile(std::string(VSB_SOURCE_DIR) + "/data/seccomp/default.policy"), "d");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(*fresh, *normal);
}

TEST(LoadSeccompProgram, FindsTheInstalledLayout) {
  TempDir t;
  std::string bin = t.path() + "/bin";
  ASSERT_EQ(std::system(("mkdir -p " + bin + " " + t.path() + "/libexec/virt-sandbox/seccomp").c_str()), 0);
  t.Write("libexec/virt-sandbox/seccomp/default.bpf", std::string(16, 'x'));
  auto bpf = LoadSeccompProgram("default", false, bin);
  ASSERT_TRUE(bpf) << bpf.error().message();
  EXPECT_EQ(*bpf, std::string(16, 'x'));
}

TEST(LoadSeccompProgram, MissingProfileSaysWhereItLookedAndWhatToDo) {
  auto bpf = LoadSeccompProgram("default", true, "/nonexistent");
  ASSERT_FALSE(bpf);
  EXPECT_EQ(bpf.error().code(), ErrorCode::kNotFound);
  const std::string& m = bpf.error().message();
  EXPECT_NE(m.find("seccomp profile 'default': privileged.bpf"), std::string::npos) << m;
  EXPECT_NE(m.find("/nonexistent/seccomp/"), std::string::npos) << m;
  EXPECT_NE(m.find("seccomp_profiles"), std::string::npos) << m;
}

TEST(LoadSeccompProgram, ReadsBpfFilesAndCompilesPolicyFiles) {
  TempDir t;
  std::string good = t.Write("ok.bpf", std::string(24, 'x'));
  std::string bad = t.Write("bad.bpf", std::string(13, 'x'));
  std::string policy = t.Write("mine.policy", "default allow\nEPERM mount\n");
  std::string broken = t.Write("broken.policy", "default allow\nEPERM mout\n");
  auto a = LoadSeccompProgram(good, false, "/nonexistent");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->size(), 24u);
  auto b = LoadSeccompProgram(bad, false, "/nonexistent");
  ASSERT_FALSE(b);
  EXPECT_NE(b.error().message().find("not a whole number"), std::string::npos);
  auto c = LoadSeccompProgram(policy, false, "/nonexistent");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_TRUE(ValidateSeccompBpf(*c, "c"));
  auto d = LoadSeccompProgram(broken, false, "/nonexistent");
  ASSERT_FALSE(d);
  EXPECT_NE(d.error().message().find("broken.policy line 2: unknown syscall 'mout'"), std::string::npos);
  auto e = LoadSeccompProgram(t.path() + "/absent.policy", false, "/nonexistent");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().code(), ErrorCode::kNotFound);
  EXPECT_NE(e.error().message().find("absent.policy"), std::string::npos);
}

}  // namespace
}  // namespace vsb::host
