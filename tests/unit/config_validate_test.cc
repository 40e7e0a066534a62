// Validate: whole-config checks, for configs from any source.
#include <gtest/gtest.h>

#include "config/validate.h"

namespace vsb::config {
namespace {

SandboxConfig Minimal() {
  SandboxConfig c;
  c.command = {"/bin/true"};
  return c;
}

void ExpectInvalid(const SandboxConfig& c, const std::string& must_mention) {
  auto status = Validate(c);
  ASSERT_FALSE(status.has_value()) << "expected an error mentioning " << must_mention;
  EXPECT_NE(status.error().message().find(must_mention), std::string::npos) << status.error().message();
  EXPECT_EQ(status.error().code(), ErrorCode::kInvalidArgument);
}

TEST(ConfigValidate, MinimalIsValid) { EXPECT_TRUE(Validate(Minimal()).has_value()); }

TEST(ConfigValidate, EveryKnownUri) {
  for (const char* uri : {"lxc:///", "qemu:///session", "qemu:///system"}) {
    SandboxConfig c = Minimal();
    c.uri = uri;
    EXPECT_TRUE(Validate(c).has_value()) << uri;
  }
  SandboxConfig c = Minimal();
  c.uri = "foo:///";
  ExpectInvalid(c, "\"foo:///\"");
}

TEST(ConfigValidate, CommandRequiredUnlessDumping) {
  SandboxConfig c;
  ExpectInvalid(c, "no command");
  ValidateOptions dump;
  dump.require_command = false;
  EXPECT_TRUE(Validate(c, dump).has_value());
  c.command = {""};
  ExpectInvalid(c, "empty");
}

TEST(ConfigValidate, PrivilegedExcludesSwitchTo) {
  SandboxConfig c = Minimal();
  c.privileged = true;
  c.switch_to = "nobody";
  ExpectInvalid(c, "-p/--privileged");
  c.privileged = false;
  EXPECT_TRUE(Validate(c).has_value());
  c.switch_to = "../x";
  ExpectInvalid(c, "\"../x\"");
}

TEST(ConfigValidate, NameAndHostname) {
  SandboxConfig c = Minimal();
  for (const char* bad : {"../etc", "a/b", ".hidden", "-x", "a b"}) {
    c.name = bad;
    ExpectInvalid(c, "invalid name");
  }
  c.name = std::string(65, 'a');
  ExpectInvalid(c, "invalid name");
  c.name = "web-1.test_A";
  EXPECT_TRUE(Validate(c).has_value());
  for (const char* bad : {"-box", "box-", "a..b", "a_b", "a b"}) {
    c.hostname = bad;
    ExpectInvalid(c, "invalid hostname");
  }
  c.hostname = "box-1.example";
  EXPECT_TRUE(Validate(c).has_value());
}

TEST(ConfigValidate, IncludeNeedsATempHostBind) {
  SandboxConfig c = Minimal();
  c.includes = {{"/scratch/a", "/etc/hosts"}};
  ExpectInvalid(c, "host-bind:/scratch=");
  Mount m;
  m.kind = MountKind::kHostBind;
  m.target = "/scratch";
  m.source = "/srv";  // not a temp dir: includes are not copied there
  c.mounts = {m};
  ExpectInvalid(c, "host-bind:/scratch=");
  c.mounts[0].source.clear();
  EXPECT_TRUE(Validate(c).has_value());
  c.mounts[0].target = "/scr";  // a prefix of the string, not of the path
  ExpectInvalid(c, "not under");
}

TEST(ConfigValidate, FieldChecksApplyToLibraryCallers) {
  SandboxConfig c = Minimal();
  Mount m;
  m.kind = MountKind::kRam;
  m.target = "tmp";
  m.size_bytes = 1;
  c.mounts = {m};
  ExpectInvalid(c, "\"tmp\"");
  c = Minimal();
  c.env = {{"BAD-NAME", "x"}};
  ExpectInvalid(c, "\"BAD-NAME\"");
  c = Minimal();
  c.env = {{"A", std::string("x\0y", 3)}};
  ExpectInvalid(c, "NUL");
  c = Minimal();
  c.command = {"/bin/echo", std::string("a\0b", 3)};
  ExpectInvalid(c, "NUL");
  c = Minimal();
  c.timeout_seconds = -1;
  ExpectInvalid(c, "timeout");
  c = Minimal();
  c.cpus = 1e9;
  ExpectInvalid(c, "cpus");
  c = Minimal();
  c.accel = "hvf";
  ExpectInvalid(c, "\"hvf\"");
  c = Minimal();
  c.kernver = "../../etc";
  ExpectInvalid(c, "kernel release");
  c = Minimal();
  c.root = "";
  ExpectInvalid(c, "-r/--root");
  c = Minimal();
  c.cwd = "/a/../b";
  ExpectInvalid(c, "--cwd");
  c = Minimal();
  c.seccomp = "";
  ExpectInvalid(c, "--seccomp");
  c = Minimal();
  c.expose = {"/a/.."};
  ExpectInvalid(c, "--expose");
  c = Minimal();
  c.pass_fds = {3, 4, 3};
  ExpectInvalid(c, "twice");
  c.pass_fds = {2};
  ExpectInvalid(c, "out of range");
}

}  // namespace
}  // namespace vsb::config
