// The pty harness the interactive tests rely on: a program on a fresh
// terminal, typed input, window size, exit status.
#include "testing/pty_harness.h"

#include <gtest/gtest.h>

namespace vsb::testing {
namespace {

TEST(PtyHarness, ProgramSeesATerminalAndTypedInput) {
  PtySession s({"/bin/sh", "-c", "stty size; tty; read line; echo got-$line; exit 3"}, 20, 70);
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_TRUE(s.ReadUntil("20 70", 10000)) << s.output();
  EXPECT_TRUE(s.ReadUntil("/dev/pts/", 10000)) << s.output();
  ASSERT_TRUE(s.Write("hello\r"));  // a cooked terminal turns \r into \n
  EXPECT_TRUE(s.ReadUntil("got-hello", 10000)) << s.output();
  EXPECT_EQ(s.Wait(10000), 3);
}

TEST(PtyHarness, ResizeReachesTheProgram) {
  PtySession s({"/bin/sh", "-c", "read a; stty size"});
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_TRUE(s.Resize(33, 101));
  ASSERT_TRUE(s.Write("\r"));
  EXPECT_TRUE(s.ReadUntil("33 101", 10000)) << s.output();
  EXPECT_EQ(s.Wait(10000), 0);
}

TEST(PtyHarness, SignalDeathIs128PlusN) {
  PtySession s({"/bin/sh", "-c", "kill -TERM $$"});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s.Wait(10000), 128 + SIGTERM);
}

TEST(PtyHarness, ControlCharactersReachTheTerminal) {
  // ^C on a cooked terminal kills the foreground program: the harness is a
  // real controlling terminal, not a pipe.
  PtySession s({"/bin/sh", "-c", "echo ready; exec sleep 60"});
  ASSERT_TRUE(s.ok()) << s.error();
  ASSERT_TRUE(s.ReadUntil("ready", 10000)) << s.output();
  ASSERT_TRUE(s.Write("\x03"));
  EXPECT_EQ(s.Wait(10000), 128 + SIGINT);
}

TEST(PtyHarness, TimeoutKillsAndReportsMinusOne) {
  PtySession s({"/bin/sleep", "60"});
  ASSERT_TRUE(s.ok()) << s.error();
  EXPECT_EQ(s.Wait(200), -1);
}

}  // namespace
}  // namespace vsb::testing
