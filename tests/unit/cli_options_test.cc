// The command line as users type it: version, help, where the command starts,
// and a config file giving the same SandboxConfig as the same options on the
// command line (compared through --dump-config, which runs nothing).
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "config/toml_config.h"
#include "testing/test_env.h"
#include "virt-sandbox/sandbox.h"

namespace vsb {
namespace {

// The CLI exactly as invoked, without the test-only options RunCli adds when
// the build tree sits in a private path: these tests compare parsed configs.
testing::CliRun RunBare(const std::vector<std::string>& args) {
  std::vector<std::string> argv{testing::BuildPath("virt-sandbox")};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::RunProgram(argv);
}


using TempToml = testing::TempFile;

// The effective config of a command line, through --dump-config.
SandboxConfig Dump(std::vector<std::string> args) {
  args.insert(args.begin(), "--dump-config");
  testing::CliRun run = RunBare(args);
  EXPECT_EQ(run.status, 0) << run.err;
  EXPECT_EQ(run.err, "");
  auto config = config::ParseToml(run.out, "--dump-config output");
  EXPECT_TRUE(config.has_value()) << (config ? "" : config.error().message()) << "\n" << run.out;
  return config.value_or(SandboxConfig{});
}

TEST(CliOptions, Version) {
  testing::CliRun run = RunBare({"-V"});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.out, std::string("virt-sandbox ") + Version() + "\n");
  EXPECT_EQ(RunBare({"--version"}).out, run.out);
}

TEST(CliOptions, HelpListsEveryOptionAndExitsZero) {
  testing::CliRun run = RunBare({"--help"});
  EXPECT_EQ(run.status, 0);
  EXPECT_EQ(run.err, "");
  for (const char* opt : {"--connect", "--name", "--env", "--mount", "--include", "--includefile",
                          "--network", "--privileged", "--switchto", "--root", "--hostname", "--cwd",
                          "--tty", "--no-tty", "--timeout", "--verbose", "--debug", "--version",
                          "--config", "--dump-config", "--dump-plan", "--memory", "--cpus", "--pids",
                          "--seccomp", "--expose", "--pass-fd", "--kernver", "--kernpath",
                          "--kmodpath", "--accel", "--shell"}) {
    EXPECT_NE(run.out.find(opt), std::string::npos) << opt;
  }
}

TEST(CliOptions, TheCommandStartsAtTheFirstPositionalOrAfterDashDash) {
  std::vector<std::string> ls_l = {"ls", "-l"};
  EXPECT_EQ(Dump({"--", "ls", "-l"}).command, ls_l);
  EXPECT_EQ(Dump({"ls", "-l"}).command, ls_l);
  SandboxConfig c = Dump({"-v", "ls", "-p", "--", "-d"});
  EXPECT_EQ(c.command, (std::vector<std::string>{"ls", "-p", "--", "-d"}));
  EXPECT_TRUE(c.verbose);
  EXPECT_FALSE(c.privileged) << "-p after the command belongs to the command";
  EXPECT_FALSE(c.debug);
  EXPECT_EQ(Dump({"--", "-weird", "x"}).command, (std::vector<std::string>{"-weird", "x"}));
}

TEST(CliOptions, DumpConfigWithoutCommand) {
  SandboxConfig c = Dump({"-n", "web"});
  EXPECT_EQ(c.name, "web");
  EXPECT_TRUE(c.command.empty());
}

const char* kEverythingToml = R"(uri = "lxc:///"
name = "web-1"
command = ["/bin/sh", "-c", "echo hi"]
hostname = "box"
cwd = "/scratch"
tty = "never"
timeout = 2.5
verbose = true
debug = true
seccomp = "unconfined"
expose = ["/root/.ssh"]
pass_fds = [3, 4]

[env]
LANG = "C"
A = "1"

[limits]
memory = "512M"
cpus = 0.5
pids = 50

[vm]
kernver = "6.1.0-13-amd64"
kernpath = "/boot/vmlinuz"
kmodpath = "/lib/modules"
accel = "tcg"
shell = true

[[mount]]
type = "host-bind"
target = "/scratch"

[[mount]]
type = "host-image"
target = "/img"
source = "/var/disk.qcow2"
format = "qcow2"
writable = true

[[mount]]
type = "guest-bind"
target = "/alias"
source = "/tmp"

[[mount]]
type = "ram"
target = "/tmp"
size = "64M"

[[include]]
guest = "/scratch/hosts"
host = "/etc/hosts"
)";

TEST(CliOptions, ConfigFileEqualsTheSameOptionsOnTheCommandLine) {
  TempToml file(kEverythingToml);
  SandboxConfig from_file = Dump({"--config", file.path()});
  SandboxConfig from_args = Dump({
      "-c", "lxc:///", "-n", "web-1", "--hostname", "box", "--cwd", "/scratch", "--no-tty",
      "--timeout", "2.5", "-v", "-d", "--seccomp", "unconfined", "--expose", "/root/.ssh",
      "--pass-fd", "3", "--pass-fd", "4", "-e", "LANG=C", "-e", "A=1", "--memory", "512M",
      "--cpus", "0.5", "--pids", "50", "--kernver", "6.1.0-13-amd64", "--kernpath",
      "/boot/vmlinuz", "--kmodpath", "/lib/modules", "--accel", "tcg", "-l",
      "-m", "host-bind:/scratch=", "-m", "host-image:/img=/var/disk.qcow2,format=qcow2,rw",
      "-m", "guest-bind:/alias=/tmp", "-m", "ram:/tmp=64M", "-i", "/scratch/hosts=/etc/hosts",
      "--", "/bin/sh", "-c", "echo hi"});
  EXPECT_TRUE(from_file == from_args) << config::ToToml(from_file) << "---\n" << config::ToToml(from_args);
  // Guard against both sides silently losing everything.
  EXPECT_EQ(from_file.mounts.size(), 4u);
  EXPECT_EQ(from_file.memory_bytes, 512ull << 20);
  // And the text printed is the same too.
  EXPECT_EQ(RunBare({"--dump-config", "--config", file.path()}).out, config::ToToml(from_args));
}

TEST(CliOptions, CommandLineOverridesTheFileAndRepeatablesAppend) {
  TempToml file(R"(name = "from-file"
command = ["/bin/false"]
timeout = 5
[env]
A = "file"
B = "file"
[[mount]]
type = "ram"
target = "/tmp"
size = "1M"
)");
  SandboxConfig c = Dump({"--config", file.path(), "-n", "from-args", "-e", "A=args", "-e", "C=args",
                          "-m", "ram:/run=2M", "--", "/bin/true"});
  EXPECT_EQ(c.name, "from-args");
  EXPECT_EQ(c.timeout_seconds, 5.0) << "an option not given keeps the file's value";
  EXPECT_EQ(c.command, std::vector<std::string>{"/bin/true"});
  std::vector<std::pair<std::string, std::string>> env = {{"A", "args"}, {"B", "file"}, {"C", "args"}};
  EXPECT_EQ(c.env, env);
  ASSERT_EQ(c.mounts.size(), 2u);
  EXPECT_EQ(c.mounts[0].target, "/tmp");
  EXPECT_EQ(c.mounts[1].target, "/run");
  // The file's command is used when the command line has none.
  EXPECT_EQ(Dump({"--config", file.path()}).command, std::vector<std::string>{"/bin/false"});
}

TEST(CliOptions, LastScalarWins) {
  SandboxConfig c = Dump({"-n", "first", "-n", "second", "--", "true"});
  EXPECT_EQ(c.name, "second");
}

TEST(CliOptions, RunFailureIsOneLineWithoutErrorPrefixOrTheCommandStatus) {
  // Whatever the engine answers, the CLI prints at most one line about it.
  testing::CliRun run = RunBare({"--dump-plan", "--", "/bin/true"});
  if (run.status == 0) {
    EXPECT_FALSE(run.out.empty()) << "--dump-plan printed no plan";
  } else {
    EXPECT_EQ(run.status, 125);
    EXPECT_EQ(run.err.rfind("virt-sandbox: ", 0), 0u) << run.err;
    EXPECT_EQ(run.err.find('\n'), run.err.size() - 1) << run.err;
  }
}

}  // namespace
}  // namespace vsb
