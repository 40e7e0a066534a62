// A terminal session in a VM sandbox, driven through a pty as a person would:
// the guest allocates the pty, the host terminal goes raw, the window size
// follows, the typed exit status comes back and Ctrl-] ends the session.
// One boot covers all of it (TCG boots cost seconds each).
#include <gtest/gtest.h>

#include "testing/pty_harness.h"
#include "testing/test_env.h"

namespace vsb::testing {
namespace {

constexpr int kMs = 120000;  // a bound for a TCG boot, not a timing assertion

std::vector<std::string> VmCli(std::vector<std::string> args) {
  std::vector<std::string> cmd = CliCommand();
  cmd.insert(cmd.end(), {"-c", "qemu:///session"});
  cmd.insert(cmd.end(), args.begin(), args.end());
  return cmd;
}

TEST(VmInteractive, ShellOnAGuestPtyWithResizeAndExitStatus) {
  VSB_REQUIRE(MissingRoot());
  VSB_REQUIRE(MissingVm());
  PtySession s(VmCli({"--", "/bin/sh"}), 24, 80);
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_TRUE(s.ReadUntil("# ", kMs)) << s.output();  // root's prompt: the guest shell runs
  ASSERT_TRUE(s.Write("echo ready-$((20+22))\r"));
  ASSERT_TRUE(s.ReadUntil("ready-42", kMs)) << s.output();
  ASSERT_TRUE(s.Write("tty; test -t 0 && echo stdin-is-a-tty; stty size\r"));
  EXPECT_TRUE(s.ReadUntil("/dev/pts/", kMs)) << s.output();
  EXPECT_TRUE(s.ReadUntil("stdin-is-a-tty", kMs)) << s.output();
  EXPECT_TRUE(s.ReadUntil("24 80", kMs)) << s.output();
  ASSERT_TRUE(s.Resize(33, 101));
  ASSERT_TRUE(s.Write("sleep 0.5; stty size\r"));
  EXPECT_TRUE(s.ReadUntil("33 101", kMs)) << s.output();
  ASSERT_TRUE(s.Write("exit 7\r"));
  EXPECT_EQ(s.Wait(kMs), 7) << s.output();
}

TEST(VmInteractive, CtrlRightBracketEndsTheSession) {
  VSB_REQUIRE(MissingRoot());
  VSB_REQUIRE(MissingVm());
  PtySession s(VmCli({"--", "/bin/sh"}));
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_TRUE(s.ReadUntil("# ", kMs)) << s.output();  // root's prompt: the guest shell runs
  ASSERT_TRUE(s.Write("echo ready-$((20+22))\r"));
  ASSERT_TRUE(s.ReadUntil("ready-42", kMs)) << s.output();
  ASSERT_TRUE(s.Write("\x1d"));
  int status = s.Wait(kMs);
  EXPECT_NE(status, -1) << "virt-sandbox did not end after Ctrl-]\n" << s.output();
  EXPECT_NE(status, 0) << s.output();
}

}  // namespace
}  // namespace vsb::testing
