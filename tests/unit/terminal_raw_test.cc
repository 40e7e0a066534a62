// RawTerminal: raw while alive, the exact old settings afterwards, on every
// way out (destructor, RestoreAllRawTerminals from a signal handler, exit()).
#include "io/raw_terminal.h"

#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

namespace vsb::io {
namespace {

struct Pty {
  Pty() { EXPECT_EQ(openpty(&master, &slave, nullptr, nullptr, nullptr), 0); }
  ~Pty() {
    close(master);
    close(slave);
  }
  termios Get() const {
    termios t{};
    EXPECT_EQ(tcgetattr(slave, &t), 0);
    return t;
  }
  int master = -1;
  int slave = -1;
};

bool SameSettings(const termios& a, const termios& b) {
  return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_cflag == b.c_cflag &&
         a.c_lflag == b.c_lflag && std::memcmp(a.c_cc, b.c_cc, sizeof a.c_cc) == 0;
}

TEST(RawTerminal, EnterMakesRawAndDestructorRestores) {
  Pty pty;
  termios before = pty.Get();
  ASSERT_TRUE(before.c_lflag & ICANON);  // openpty's default is cooked
  {
    Result<RawTerminal> raw = RawTerminal::Enter(pty.slave);
    ASSERT_TRUE(raw) << raw.error().message();
    termios now = pty.Get();
    EXPECT_FALSE(now.c_lflag & (ICANON | ECHO | ISIG | IEXTEN));  // ^C is a byte
    EXPECT_FALSE(now.c_oflag & OPOST);
    EXPECT_FALSE(now.c_iflag & (ICRNL | IXON));
    EXPECT_EQ(now.c_cc[VMIN], 1);
  }
  EXPECT_TRUE(SameSettings(pty.Get(), before));
}

TEST(RawTerminal, NotATerminalIsAnError) {
  int p[2];
  ASSERT_EQ(pipe(p), 0);
  Result<RawTerminal> raw = RawTerminal::Enter(p[0]);
  close(p[0]);
  close(p[1]);
  ASSERT_FALSE(raw);
  EXPECT_EQ(raw.error().sys_errno(), ENOTTY);
}

TEST(RawTerminal, MovedFromDoesNotRestoreTwice) {
  Pty pty;
  termios before = pty.Get();
  Result<RawTerminal> raw = RawTerminal::Enter(pty.slave);
  ASSERT_TRUE(raw);
  {
    RawTerminal moved = std::move(*raw);
    EXPECT_FALSE(pty.Get().c_lflag & ICANON);
  }
  EXPECT_TRUE(SameSettings(pty.Get(), before));
  // The moved-from object's destructor must not touch the terminal again.
  termios custom = before;
  custom.c_lflag &= ~ECHO;
  ASSERT_EQ(tcsetattr(pty.slave, TCSANOW, &custom), 0);
  raw = Result<RawTerminal>(std::unexpected(Error::Invalid("gone")));
  EXPECT_TRUE(SameSettings(pty.Get(), custom));
}

TEST(RawTerminal, RestoreAllThenDestructorDoesNotTouchANewerTerminal) {
  Pty first, second;
  termios first_before = first.Get();
  Result<RawTerminal> a = RawTerminal::Enter(first.slave);
  ASSERT_TRUE(a);
  RestoreAllRawTerminals();
  EXPECT_TRUE(SameSettings(first.Get(), first_before));
  // The slot may be reused; the stale object must not restore the new one.
  Result<RawTerminal> b = RawTerminal::Enter(second.slave);
  ASSERT_TRUE(b);
  a = Result<RawTerminal>(std::unexpected(Error::Invalid("gone")));
  EXPECT_FALSE(second.Get().c_lflag & ICANON);
}

TEST(RawTerminal, ExitRestoresTerminal) {
  Pty pty;
  termios before = pty.Get();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    Result<RawTerminal> raw = RawTerminal::Enter(pty.slave);
    if (!raw) _exit(2);
    new RawTerminal(std::move(*raw));  // never destroyed: exit() must restore it
    std::exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_TRUE(SameSettings(pty.Get(), before));
}

TEST(RawTerminal, ForkedChildExitingLeavesParentRaw) {
  Pty pty;
  Result<RawTerminal> raw = RawTerminal::Enter(pty.slave);
  ASSERT_TRUE(raw);
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    RestoreAllRawTerminals();
    std::exit(0);  // runs the inherited atexit hook too
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_FALSE(pty.Get().c_lflag & ICANON);  // still raw for the launcher
}

void RestoreAndDie(int) {
  RestoreAllRawTerminals();
  _exit(3);
}

TEST(RawTerminal, FatalSignalHandlerRestoresTerminal) {
  Pty pty;
  termios before = pty.Get();
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    signal(SIGTERM, RestoreAndDie);
    Result<RawTerminal> raw = RawTerminal::Enter(pty.slave);
    if (!raw) _exit(2);
    raise(SIGTERM);
    _exit(4);
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 3);
  EXPECT_TRUE(SameSettings(pty.Get(), before));
}

}  // namespace
}  // namespace vsb::io
