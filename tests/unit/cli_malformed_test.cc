// Every malformed option is refused before anything is set up: exit 125 and
// exactly one stderr line `virt-sandbox: error: ...` naming the bad part.
// These runs stop at parse time, so they need neither root nor an engine.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "testing/test_env.h"

namespace vsb {
namespace {
using TempToml = testing::TempFile;

struct Malformed {
  std::string what;
  std::vector<std::string> args;
  std::string must_mention;  // the bad part, as the error line shows it
};

void ExpectRefused(const Malformed& c) {
  SCOPED_TRACE(c.what);
  testing::CliRun run = testing::RunCli(c.args);
  EXPECT_EQ(run.status, 125);
  EXPECT_EQ(run.out, "") << "nothing may run or be printed on stdout";
  ASSERT_FALSE(run.err.empty());
  EXPECT_EQ(run.err.rfind("virt-sandbox: error: ", 0), 0u) << run.err;
  EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << "exactly one line: " << run.err;
  EXPECT_LT(run.err.size(), 4200u) << "the line must stay readable";
  EXPECT_NE(run.err.find(c.must_mention), std::string::npos)
      << "should mention [" << c.must_mention << "]: " << run.err;
}

TEST(CliMalformed, OptionValues) {
  const std::string kb100(100 * 1024, 'a');
  const Malformed cases[] = {
      {"bad mount kind", {"-m", "nfs:/x=/y", "ls"}, "\"nfs\""},
      {"mount without type", {"-m", "/x=/y", "ls"}, "-m /x=/y"},
      {"relative target", {"-m", "host-bind:data=", "ls"}, "\"data\" is not absolute"},
      {".. target", {"-m", "host-bind:/tmp/../etc=", "ls"}, "\"/tmp/../etc\""},
      {"root target", {"-m", "ram:/=1M", "ls"}, "-m ram:/=1M"},
      {"bad size", {"-m", "ram:/tmp=5X", "ls"}, "-m ram:/tmp=5X: invalid size \"5X\""},
      {"bad image format", {"-m", "host-image:/i=/d.img,format=vmdk", "ls"}, "\"vmdk\""},
      {"bad env name", {"-e", "1BAD=x", "ls"}, "\"1BAD\""},
      {"env without =", {"-e", "NOVALUE", "ls"}, "NOVALUE"},
      {"bad uri", {"-c", "foo:///", "ls"}, "foo:///"},
      {"bad timeout word", {"--timeout", "soon", "ls"}, "\"soon\""},
      {"zero timeout", {"--timeout", "0", "ls"}, "--timeout 0"},
      {"negative timeout", {"--timeout", "-5", "ls"}, "-5"},
      {"infinite timeout", {"--timeout", "inf", "ls"}, "\"inf\""},
      {"zero cpus", {"--cpus", "0", "ls"}, "--cpus 0"},
      {"bad cpus", {"--cpus", "many", "ls"}, "\"many\""},
      {"nan cpus", {"--cpus", "nan", "ls"}, "\"nan\""},
      {"bad pids", {"--pids", "1.5", "ls"}, "\"1.5\""},
      {"bad memory", {"--memory", "lots", "ls"}, "\"lots\""},
      {"stdio pass-fd", {"--pass-fd", "1", "ls"}, "--pass-fd 1"},
      {"huge pass-fd", {"--pass-fd", "1000", "ls"}, "--pass-fd 1000"},
      {"bad accel", {"--accel", "hvf", "ls"}, "\"hvf\""},
      {"bad name", {"-n", "../etc", "ls"}, "\"../etc\""},
      {"bad hostname", {"--hostname", "-box", "ls"}, "\"-box\""},
      {"relative cwd", {"--cwd", "tmp", "ls"}, "\"tmp\""},
      {"include without temp mount", {"-i", "/scratch/a=/etc/hosts", "ls"}, "host-bind:/scratch="},
      {"relative include", {"-i", "a=/etc/hosts", "ls"}, "\"a\""},
      {"missing include file", {"-I", "/nonexistent/vsb-includes", "ls"}, "/nonexistent/vsb-includes"},
      {"huge argument", {"-m", "host-bind:/" + kb100 + "=", "ls"}, "-m host-bind:/aaaaaaaa"},
      {"huge name", {"-n", kb100, "ls"}, "invalid name \"aaaa"},
      {"binary bytes in env", {"-e", "K\x01\x1b[2J=v", "ls"}, "\"K\\x01\\x1b[2J\""},
      {"binary bytes in target", {"-m", "host-bind:/a\x01\xff=", "ls"}, "/a\\x01\\xff"},
  };
  for (const Malformed& c : cases) ExpectRefused(c);
}

TEST(CliMalformed, CommandLineShape) {
  const Malformed cases[] = {
      {"missing command", {}, "no command given"},
      {"missing command after options", {"-p", "-v"}, "no command given"},
      {"missing command after --", {"--"}, "no command given"},
      {"-p with -S", {"-p", "-S", "nobody", "ls"}, "-S/--switchto"},
      {"unknown long option", {"--frobnicate", "ls"}, "\"--frobnicate\""},
      {"unknown short option", {"-x", "ls"}, "\"-x\""},
      {"missing option value", {"-m"}, "--mount"},
      {"tty and no-tty", {"--tty", "--no-tty", "ls"}, "--no-tty"},
      {"both dumps", {"--dump-config", "--dump-plan", "ls"}, "--dump-plan"},
      {"network", {"-N", "dhcp,address=192.0.2.1/24", "ls"}, "-N dhcp,address=192.0.2.1/24: dhcp and"},
  };
  for (const Malformed& c : cases) ExpectRefused(c);
}

TEST(CliMalformed, NetworkMessageIsExact) {
  testing::CliRun run = testing::RunCli({"-N", "user,mtu=9", "--", "true"});
  EXPECT_EQ(run.status, 125);
  EXPECT_EQ(run.err, "virt-sandbox: error: -N user,mtu=9: MTU 9 is out of range (use 68..65535)\n");
}

TEST(CliMalformed, ConfigFiles) {
  TempToml syntax("command = [\"ls\"\n");
  TempToml unknown("command = [\"ls\"]\n[limits]\nmemroy = \"1G\"\n");
  TempToml wrong_type("command = [\"ls\"]\nprivileged = \"yes\"\n");
  TempToml binary(std::string("\x00\x01\xff\xfe", 4));
  TempToml huge("name = \"" + std::string(1 << 20, 'n') + "\"\ncommand = [\"ls\"]\n");
  TempToml bad_mount("[[mount]]\ntype = \"ram\"\ntarget = \"/tmp\"\nsize = \"5X\"\n");
  const Malformed cases[] = {
      {"missing config file", {"--config", "/nonexistent/vsb.toml", "ls"}, "/nonexistent/vsb.toml"},
      {"config is a directory", {"--config", "/tmp", "ls"}, "\"/tmp\""},
      {"malformed toml", {"--config", syntax.path(), "ls"}, syntax.path() + ":"},
      {"unknown key", {"--config", unknown.path()}, unknown.path() + ":3: unknown key \"memroy\""},
      {"wrong type", {"--config", wrong_type.path()}, "\"privileged\""},
      {"binary config", {"--config", binary.path(), "ls"}, binary.path()},
      {"1 MiB value in config", {"--config", huge.path()}, "invalid name \"nnnn"},
      {"bad size in config", {"--config", bad_mount.path(), "ls"}, "invalid size \"5X\""},
  };
  for (const Malformed& c : cases) ExpectRefused(c);
}

}  // namespace
}  // namespace vsb
