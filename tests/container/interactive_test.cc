// Interactive use of the real CLI on a terminal: the sandbox gets its own pty
// (never the host terminal), the host terminal goes raw while attached and is
// restored afterwards, window size follows the host, Ctrl-] detaches.
#include <string>

#include <gtest/gtest.h>

#include "testing/pty_harness.h"
#include "testing/test_env.h"

namespace vsb::testing {
namespace {

constexpr int kMs = 60000;  // a generous bound, not a timing assertion

std::vector<std::string> Cli(std::vector<std::string> args) {
  std::vector<std::string> cmd = CliCommand();
  args.insert(args.begin(), cmd.begin(), cmd.end());
  return args;
}

// Starts `virt-sandbox -- /bin/sh` and waits until the shell inside answers.
void StartShell(PtySession& s) {
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_TRUE(s.Write("echo ready-$((20+22))\r"));
  ASSERT_TRUE(s.ReadUntil("ready-42", kMs)) << s.output();
}

TEST(Interactive, ShellRunsCommandsTyped) {
  VSB_REQUIRE(MissingRoot());
  PtySession s(Cli({"--", "/bin/sh"}));
  ASSERT_NO_FATAL_FAILURE(StartShell(s));
  ASSERT_TRUE(s.Write("echo $((6*7))\r"));
  EXPECT_TRUE(s.ReadUntil("42", kMs)) << s.output();
  ASSERT_TRUE(s.Write("exit 7\r"));
  EXPECT_EQ(s.Wait(kMs), 7) << s.output();
}

TEST(Interactive, CommandRunsOnASandboxPty) {
  VSB_REQUIRE(MissingRoot());
  PtySession s(Cli({"--", "/bin/sh"}));
  ASSERT_NO_FATAL_FAILURE(StartShell(s));
  // The sandbox's own devpts: the command has a terminal, and it is not the
  // host's (the host terminal is never handed in).
  ASSERT_TRUE(s.Write("tty; test -t 0 && echo stdin-is-a-tty\r"));
  EXPECT_TRUE(s.ReadUntil("/dev/pts/", kMs)) << s.output();
  EXPECT_TRUE(s.ReadUntil("stdin-is-a-tty", kMs)) << s.output();
  ASSERT_TRUE(s.Write("exit\r"));
  EXPECT_EQ(s.Wait(kMs), 0) << s.output();
}

TEST(Interactive, WindowSizeFollowsTheHost) {
  VSB_REQUIRE(MissingRoot());
  PtySession s(Cli({"--", "/bin/sh"}), 24, 80);
  ASSERT_NO_FATAL_FAILURE(StartShell(s));
  ASSERT_TRUE(s.Write("stty size\r"));
  EXPECT_TRUE(s.ReadUntil("24 80", kMs)) << s.output();  // copied at start
  ASSERT_TRUE(s.Resize(33, 101));
  ASSERT_TRUE(s.Write("stty size\r"));
  EXPECT_TRUE(s.ReadUntil("33 101", kMs)) << s.output();  // copied on SIGWINCH
  ASSERT_TRUE(s.Write("exit\r"));
  EXPECT_EQ(s.Wait(kMs), 0) << s.output();
}

TEST(Interactive, ControlCIsForTheSandboxNotTheLauncher) {
  VSB_REQUIRE(MissingRoot());
  PtySession s(Cli({"--", "/bin/sh"}));
  ASSERT_NO_FATAL_FAILURE(StartShell(s));
  // A prompt that the echo of its own assignment does not contain, so that
  // each step waits for the shell instead of typing ahead of it (^C flushes
  // input the shell has not read yet).
  ASSERT_TRUE(s.Write("PS1=\"P$((1+1))> \"\r"));
  ASSERT_TRUE(s.ReadUntil("P2> ", kMs)) << s.output();
  // Once the job prints, it is the terminal's foreground process group (the
  // shell sets that before exec), so ^C cannot race with job setup.
  ASSERT_TRUE(s.Write("sh -c 'echo sleeping-$((3*3)); exec sleep 1000'\r"));
  ASSERT_TRUE(s.ReadUntil("sleeping-9", kMs)) << s.output();
  // Raw host terminal: ^C is a byte the relay forwards, and the sandbox's
  // pty turns it into SIGINT for its foreground job. Were the host terminal
  // still cooked, the launcher would get the signal and sleep would go on.
  ASSERT_TRUE(s.Write("\x03"));
  ASSERT_TRUE(s.ReadUntil("P2> ", kMs)) << s.output();
  ASSERT_TRUE(s.Write("echo still-$((1+1))\r"));
  EXPECT_TRUE(s.ReadUntil("still-2", kMs)) << s.output();
  ASSERT_TRUE(s.Write("exit 5\r"));
  EXPECT_EQ(s.Wait(kMs), 5) << s.output();
}

TEST(Interactive, CtrlRightBracketDetachesAndKillsTheSandbox) {
  VSB_REQUIRE(MissingRoot());
  PtySession s(Cli({"--", "/bin/sh"}));
  ASSERT_NO_FATAL_FAILURE(StartShell(s));
  ASSERT_TRUE(s.Write("\x1d"));
  EXPECT_EQ(s.Wait(kMs), 128 + 9) << s.output();
}

TEST(Interactive, HostTerminalSettingsAreRestored) {
  VSB_REQUIRE(MissingRoot());
  // The same terminal before and after: stty -g prints every setting.
  std::string script = "echo before=$(stty -g)=; " + CliCommandLine() +
                       " -- /bin/true; echo status=$?=; echo after=$(stty -g)=; exit 0";
  PtySession s({"/bin/sh", "-c", script});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s.Wait(kMs), 0) << s.output();
  const std::string& out = s.output();
  EXPECT_NE(out.find("status=0="), std::string::npos) << "the sandbox did not run:\n" << out;
  size_t b = out.find("before="), a = out.find("after=");
  ASSERT_NE(b, std::string::npos) << out;
  ASSERT_NE(a, std::string::npos) << out;
  std::string before = out.substr(b + 7, out.find('=', b + 7) - (b + 7));
  std::string after = out.substr(a + 6, out.find('=', a + 6) - (a + 6));
  EXPECT_FALSE(before.empty());
  EXPECT_EQ(before, after) << out;
}

TEST(Interactive, HostTerminalRestoredAfterDetach) {
  VSB_REQUIRE(MissingRoot());
  std::string script = "echo before=$(stty -g)=; " + CliCommandLine() +
                       " -- /bin/sh; echo status=$?=; echo after=$(stty -g)=; exit 0";
  PtySession s({"/bin/sh", "-c", script});
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_TRUE(s.ReadUntil("before=", kMs)) << s.output();
  ASSERT_TRUE(s.Write("echo ready-$((20+22))\r"));
  ASSERT_TRUE(s.ReadUntil("ready-42", kMs)) << s.output();
  ASSERT_TRUE(s.Write("\x1d"));
  EXPECT_EQ(s.Wait(kMs), 0) << s.output();
  const std::string& out = s.output();
  EXPECT_NE(out.find("status=137="), std::string::npos) << out;
  size_t b = out.find("before="), a = out.find("after=");
  ASSERT_NE(a, std::string::npos) << out;
  std::string before = out.substr(b + 7, out.find('=', b + 7) - (b + 7));
  std::string after = out.substr(a + 6, out.find('=', a + 6) - (a + 6));
  EXPECT_EQ(before, after) << out;
}

}  // namespace
}  // namespace vsb::testing
